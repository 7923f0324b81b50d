import { sql, type Kysely } from 'kysely';

/**
 * The rows that belong to a draft (collaborators, log, snapshot, client ids, versions, comments) are
 * visible and writable when their draft is. Migration 002 said so with `draft_id IN (SELECT id FROM
 * drafts)`, which PostgreSQL runs as a hashed subplan: every statement read EVERY draft the user may
 * see first. Measured with 10,253 drafts: 80 ms for each log flush, each comment list, each document
 * load. Asked per row instead (one primary-key lookup of the row's draft under the drafts policy), a
 * flush took 3.9 ms again; the price is ~1.5 µs per row read, which only shows on a log that was never
 * compacted (260,000 rows: 0.3 s more).
 */
const TABLES = ['draft_updates', 'draft_snapshots', 'draft_client_ids', 'draft_versions', 'draft_comments'];

export async function up(db: Kysely<any>): Promise<void> {
  const draftVisible = (table: string) => `EXISTS (SELECT 1 FROM drafts d WHERE d.id = ${table}.draft_id)`;
  await sql.raw([
    `ALTER POLICY draft_collaborators_read ON draft_collaborators USING (${draftVisible('draft_collaborators')})`,
    `ALTER POLICY draft_collaborators_write ON draft_collaborators USING (${draftVisible('draft_collaborators')}) WITH CHECK (${draftVisible('draft_collaborators')})`,
    ...TABLES.map((t) => `ALTER POLICY ${t}_all ON ${t} USING (${draftVisible(t)}) WITH CHECK (${draftVisible(t)})`),
  ].join(';\n')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('draft child policies migration cannot be reverted');
}
