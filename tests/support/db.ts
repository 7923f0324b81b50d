import { sql, type Kysely, type Transaction } from 'kysely';
import { createDatabase, type Database, type DB, type DbActor } from '../../db';
import { seedDemo } from '../../db/seed';
import { freshDatabase } from './server';

export interface TestDatabase extends Database {
  /** The RLS identity of a demo user, by username. */
  actor(username: string): Promise<DbActor>;
  drop(): Promise<void>;
}

/**
 * A migrated database with the demo data, opened as the app does (queries run as cppcc_app), without
 * a server: on the TEST_DATABASE_URL server when set, else PGlite in a temporary folder.
 */
export async function openSeededDatabase(): Promise<TestDatabase> {
  const fresh = await freshDatabase();
  // The seed stores this string as every user's password hash; these tests never log in.
  const database = await createDatabase({
    databaseUrl: fresh.databaseUrl,
    dataDir: fresh.dataDir,
    beforeAppRole: async (owner) => { await seedDemo(owner, 'not-a-hash'); },
  });
  const actors = new Map<string, DbActor>();
  return {
    ...database,
    async actor(username) {
      if (!actors.has(username)) {
        // users is readable by everyone (names are public), so no actor is needed here.
        const u = await database.db.selectFrom('users').select(['id', 'region', 'org_id']).where('username', '=', username)
          .executeTakeFirstOrThrow();
        actors.set(username, { id: u.id, region: u.region, orgId: u.org_id });
      }
      return actors.get(username)!;
    },
    async drop() {
      await database.close();
      await fresh.drop();
    },
  };
}

/**
 * Runs fn as the migration owner (the login role) in one transaction, for test set-up and for changes
 * the app role may not make. SET LOCAL ROLE ends with the transaction: the connection is the app role again.
 */
export function asOwner<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE NONE`.execute(trx);
    return fn(trx);
  });
}

/** The SQLSTATE of a failed query (pg and PGlite both expose `code`). */
export async function sqlError(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (err: any) {
    return { code: String(err?.code ?? ''), message: String(err?.message ?? err) };
  }
  throw new Error('expected the query to fail');
}
