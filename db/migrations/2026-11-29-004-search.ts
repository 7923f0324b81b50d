import { sql, type Kysely } from 'kysely';

/**
 * Search (/search): trigram GIN indexes for substring matching. Chinese has no spaces to split words
 * on and 2–3 character terms (氢走廊) share too few trigrams for `%`/similarity to find them, so search
 * matches with ILIKE '%term%'; these indexes serve ILIKE (terms of 3+ characters) and rank by similarity.
 * pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it; PGlite loads it
 * at start (db/index.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX notices_search_idx ON notices USING gin (title gin_trgm_ops, body gin_trgm_ops);
    CREATE INDEX drafts_search_idx ON drafts USING gin (title gin_trgm_ops, plain_text gin_trgm_ops);
    CREATE INDEX workspaces_search_idx ON workspaces USING gin (name gin_trgm_ops, description gin_trgm_ops);
    CREATE INDEX users_search_idx ON users USING gin (display_name gin_trgm_ops, username gin_trgm_ops);
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('search migration cannot be reverted');
}
