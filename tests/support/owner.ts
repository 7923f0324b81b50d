import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { APP_ROLE, type DB } from '../../db';

/**
 * Test set-up sometimes needs the tables' owner (seeing every row, changing what the app role may
 * not). On PostgreSQL that is a separate login (the app's login cannot become the owner); on PGlite
 * the single connection steps out of the app role for one transaction.
 */
const owners = new WeakMap<Kysely<DB>, Kysely<DB>>();

export function registerOwner(appDb: Kysely<DB>, ownerUrl: string | undefined): () => Promise<void> {
  if (!ownerUrl) return async () => {};
  const owner = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ownerUrl, max: 2 }).on('error', () => undefined) }) });
  owners.set(appDb, owner);
  return () => owner.destroy();
}

export function asOwner<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const owner = owners.get(db);
  if (owner) return owner.transaction().execute(fn);
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE NONE`.execute(trx);
    return fn(trx);
  });
}

/**
 * VACUUM ANALYZE as the owner (a database that has lived a while is vacuumed: on PostgreSQL by
 * autovacuum). It cannot run inside a transaction: on PGlite the one connection steps out of the
 * app role and back around it.
 */
export async function vacuumAsOwner(db: Kysely<DB>): Promise<void> {
  const owner = owners.get(db);
  if (owner) {
    await sql`vacuum analyze`.execute(owner);
    return;
  }
  await db.connection().execute(async (c) => {
    await sql`reset role`.execute(c);
    try {
      await sql`vacuum analyze`.execute(c);
    } finally {
      await sql.raw(`set role ${APP_ROLE}`).execute(c);
    }
  });
}
