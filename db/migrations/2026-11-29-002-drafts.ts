import { sql, type Kysely } from 'kysely';

/**
 * Drafts (草稿): shared records co-edited live as Yjs documents. The document is stored as an append
 * log of updates plus a compacted snapshot; named versions, comments and the Yjs client ids each
 * user writes under (attribution) hang off the draft. Child rows are readable exactly when their
 * draft is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE drafts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      kind text NOT NULL CHECK (kind IN ('proposal', 'research', 'inspection', 'speech')),
      title text NOT NULL,
      author_id uuid NOT NULL REFERENCES users(id),
      plain_text text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX drafts_workspace_idx ON drafts (workspace_id, updated_at DESC);

    CREATE TABLE draft_collaborators (
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      region text NOT NULL,
      role text NOT NULL CHECK (role IN ('editor', 'commenter', 'viewer')),
      added_by uuid REFERENCES users(id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (draft_id, user_id),
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX draft_collaborators_user_idx ON draft_collaborators (user_id);

    -- The append log: one row per flushed batch of Yjs updates (merged), compacted into the snapshot.
    CREATE TABLE draft_updates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      data bytea NOT NULL,
      user_id uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX draft_updates_draft_idx ON draft_updates (draft_id, id);

    CREATE TABLE draft_snapshots (
      draft_id uuid PRIMARY KEY REFERENCES drafts(id) ON DELETE CASCADE,
      data bytea NOT NULL,
      last_update_id bigint NOT NULL,     -- every update with id <= this is in data
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Server-verified authorship: which Yjs client ids belong to which user.
    CREATE TABLE draft_client_ids (
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      client_id bigint NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id),
      PRIMARY KEY (draft_id, client_id)
    );

    CREATE TABLE draft_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      name text NOT NULL,
      data bytea NOT NULL,               -- Y.encodeStateAsUpdateV2 of the whole document
      author_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX draft_versions_draft_idx ON draft_versions (draft_id, created_at DESC);

    -- Comment threads anchored to text by Yjs relative positions (kept out of the document, so
    -- commenting never needs write access to it).
    CREATE TABLE draft_comments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      thread_id uuid REFERENCES draft_comments(id) ON DELETE CASCADE,  -- null: this row starts a thread
      author_id uuid NOT NULL REFERENCES users(id),
      body text NOT NULL,
      anchor jsonb,                      -- {from, to} relative positions (thread roots only)
      quote text,
      resolved_at timestamptz,
      resolved_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX draft_comments_draft_idx ON draft_comments (draft_id, created_at);

    ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_collaborators ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_updates ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_snapshots ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_client_ids ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_versions ENABLE ROW LEVEL SECURITY;
    ALTER TABLE draft_comments ENABLE ROW LEVEL SECURITY;

    CREATE POLICY drafts_read ON drafts FOR SELECT
      USING (app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY drafts_insert ON drafts FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_is_member(workspace_id));
    -- Text extraction and timestamps are written by collaborators of either region on joint drafts.
    CREATE POLICY drafts_update ON drafts FOR UPDATE
      USING (app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY drafts_delete ON drafts FOR DELETE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    -- A child row is visible when its draft is: draft_id IN (SELECT id FROM drafts) runs under the
    -- drafts policy and is evaluated once per statement (a hashed subplan), not once per row, which
    -- matters for a document whose log holds hundreds of thousands of updates.

    CREATE POLICY draft_collaborators_read ON draft_collaborators FOR SELECT USING (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_collaborators_write ON draft_collaborators FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_updates_all ON draft_updates FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_snapshots_all ON draft_snapshots FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_client_ids_all ON draft_client_ids FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_versions_all ON draft_versions FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));
    CREATE POLICY draft_comments_all ON draft_comments FOR ALL
      USING (draft_id IN (SELECT id FROM drafts)) WITH CHECK (draft_id IN (SELECT id FROM drafts));

    GRANT SELECT, INSERT, UPDATE, DELETE ON drafts, draft_collaborators, draft_updates, draft_snapshots,
      draft_client_ids, draft_versions, draft_comments TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('drafts migration cannot be reverted');
}
