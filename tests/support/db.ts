
import { createDatabase, type Database, type DbActor } from '../../db';
import { seedDemo } from '../../db/seed';
import { freshDatabase } from './server';
import { registerOwner } from './owner';

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
    databaseOwnerUrl: fresh.databaseOwnerUrl,
    dataDir: fresh.dataDir,
    beforeAppRole: async (owner) => { await seedDemo(owner, 'not-a-hash'); },
  });
  const closeOwner = registerOwner(database.db, fresh.databaseOwnerUrl);
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
      await closeOwner();
      await database.close();
      await fresh.drop();
    },
  };
}

export { asOwner } from './owner';

/** The SQLSTATE of a failed query (pg and PGlite both expose `code`). */
export async function sqlError(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (err: any) {
    return { code: String(err?.code ?? ''), message: String(err?.message ?? err) };
  }
  throw new Error('expected the query to fail');
}
