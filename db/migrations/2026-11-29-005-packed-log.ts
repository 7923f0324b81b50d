import { sql, type Kysely } from 'kysely';

/**
 * A draft_updates row holds every update one author's connections sent within a flush, instead of
 * one row per keystroke: each row costs the database an insert with two foreign-key checks and two
 * index entries (on the embedded PGlite ~30 µs, more than the Node work of the update itself).
 * `updates` = 1: data is one Yjs update, as before; > 1: data is that many updates, each with a
 * varuint length in front (lib0 writeVarUint8Array). Merging them into one update instead cost more
 * CPU than the rows it saves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE draft_updates ADD COLUMN updates integer NOT NULL DEFAULT 1 CHECK (updates >= 1)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('packed-log migration cannot be reverted');
}
