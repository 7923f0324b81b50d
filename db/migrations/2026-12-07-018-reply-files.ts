import { sql, type Kysely } from 'kysely';

/**
 * 答复附件: the files a handling unit attaches to its reply (the signed 答复函 as PDF or OFD, a Word
 * or Excel annex, a scan) or a co-unit to its opinion (docs/proposals.md, "Reply files"). The bytes
 * live in the database beside their reply, as findings' photos do, and are read exactly when the
 * reply is: the rule asks for the reply under the replies' own rule (the sponsors and the committee
 * side read the reply, a unit its own rows, the lead unit its co-units' opinions). Only the reply's
 * author adds files to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE proposal_reply_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reply_id uuid NOT NULL REFERENCES proposal_replies(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      content_type text NOT NULL,
      size integer NOT NULL CHECK (size > 0),
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX proposal_reply_files_reply_idx ON proposal_reply_files (reply_id);
    ALTER TABLE proposal_reply_files ENABLE ROW LEVEL SECURITY;
    CREATE POLICY proposal_reply_files_read ON proposal_reply_files FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposal_replies r WHERE r.id = proposal_reply_files.reply_id));
    CREATE POLICY proposal_reply_files_insert ON proposal_reply_files FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM proposal_replies r WHERE r.id = proposal_reply_files.reply_id AND r.author_id = app_user_id()));
    GRANT SELECT, INSERT ON proposal_reply_files TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('reply files migration cannot be reverted');
}
