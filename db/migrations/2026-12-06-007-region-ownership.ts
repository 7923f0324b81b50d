import { sql, type Kysely } from 'kysely';

/**
 * Writes check region ownership on every table, as notices always did. Before this, a Sichuan user
 * who may read a Chongqing joint draft could rewrite it, even set owner_region = 'sichuan', with one
 * UPDATE (drafts_update only asked whether the row was readable); a region taking part in a
 * Chongqing-owned platform could rename it or take it over; and any region could add its committees
 * and people to a workspace it had no part in.
 *
 * - drafts: updated by the owner region only (title, kind, visibility: the draft.manage rule). The
 *   other region's editors of a joint draft still store its extracted text, through
 *   app_set_draft_texts, which writes that text and nothing else, on drafts the actor may read.
 * - workspaces: name and description by the owner region only (as updateWorkspaceInfo says).
 * - draft_collaborators: managed by the draft's own region.
 * - workspace_orgs, workspace_members: a region brings its own committees and people only into a
 *   workspace it owns or already takes part in.
 * - The app role may update only the columns the app changes: ownership (owner_region, owner_org_id,
 *   workspace_id, author_id) can no longer be rewritten by anyone through it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    ALTER POLICY drafts_update ON drafts
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
      WITH CHECK (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    -- Runs as the owner (no row-level security), so it checks readability itself.
    CREATE FUNCTION app_set_draft_texts(ids uuid[], texts text[]) RETURNS void
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS
      $$ UPDATE drafts d SET plain_text = t.text, updated_at = now()
           FROM unnest(ids, texts) AS t(id, text)
          WHERE d.id = t.id AND app_can_read(d.workspace_id, d.owner_org_id, d.owner_region, d.visibility) $$;
    REVOKE EXECUTE ON FUNCTION app_set_draft_texts(uuid[], text[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_set_draft_texts(uuid[], text[]) TO cppcc_app;

    ALTER POLICY workspaces_update ON workspaces
      USING (owner_region = app_region()) WITH CHECK (owner_region = app_region());

    DROP POLICY draft_collaborators_write ON draft_collaborators;
    CREATE POLICY draft_collaborators_insert ON draft_collaborators FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_collaborators.draft_id AND d.owner_region = app_region()));
    CREATE POLICY draft_collaborators_update ON draft_collaborators FOR UPDATE
      USING (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_collaborators.draft_id AND d.owner_region = app_region()))
      WITH CHECK (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_collaborators.draft_id AND d.owner_region = app_region()));
    CREATE POLICY draft_collaborators_delete ON draft_collaborators FOR DELETE
      USING (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_collaborators.draft_id AND d.owner_region = app_region()));

    -- SECURITY DEFINER like app_region_participates: workspaces' own policies must not recurse.
    CREATE FUNCTION app_region_in_workspace(ws uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = ws AND w.owner_region = app_region())
                OR app_region_participates(ws) $$;
    GRANT EXECUTE ON FUNCTION app_region_in_workspace(uuid) TO cppcc_app;
    ALTER POLICY workspace_orgs_write ON workspace_orgs
      WITH CHECK (region = app_region() AND app_region_in_workspace(workspace_id));
    ALTER POLICY workspace_members_insert ON workspace_members
      WITH CHECK (region = app_region() AND app_region_in_workspace(workspace_id));

    REVOKE UPDATE ON drafts, notices, workspaces FROM cppcc_app;
    GRANT UPDATE (title, kind, visibility, updated_at) ON drafts TO cppcc_app;
    GRANT UPDATE (title, body, visibility, updated_at) ON notices TO cppcc_app;
    GRANT UPDATE (name, description) ON workspaces TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('region ownership migration cannot be reverted');
}
