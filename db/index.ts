import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { migrations } from './migrations';
import { PGliteDialect } from './pglite-dialect';
import { acquireDirLock } from './dir-lock';

export type { DB } from './schema';
export type Executor = Kysely<DB> | Transaction<DB>;

/** The role the app acts as: owns no table, has no BYPASSRLS (see the foundation migration). */
export const APP_ROLE = 'cppcc_app';

// int8 and numeric come back as strings from pg but numbers from PGlite: make both numbers. A
// `date` (a Beijing day such as a deadline) stays its 'YYYY-MM-DD' text on both, never a local Date.
const DATE_OID = 1082;
const pgTypes = {
  getTypeParser(oid: number, format?: any) {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === DATE_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

export interface DatabaseOptions {
  /** PostgreSQL server; unset means embedded PGlite under dataDir/pg. */
  databaseUrl?: string;
  /** The tables' owner, for migrations and seeding; unset: databaseUrl is the owner too. */
  databaseOwnerUrl?: string;
  dataDir: string;
  /** Hook run as the owner after migrating and before the app role takes over (demo seeding). */
  beforeAppRole?: (owner: Kysely<DB>) => Promise<void>;
  /** Errors of idle pooled connections (logged by the server). */
  onPoolError?: (err: Error) => void;
  /** Errors of the embedded database's upkeep (`maintainPGlite`; logged by the server). */
  onUpkeepError?: (err: unknown) => void;
}

export interface Database {
  /** Every query through this runs as the app role, under row-level security. */
  db: Kysely<DB>;
  backend: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPGlite(opts);
}

async function openPostgres(url: string, opts: DatabaseOptions): Promise<Database> {
  const owner = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: opts.databaseOwnerUrl ?? url, max: 1, types: pgTypes }).on('error', () => undefined),
    }),
  });
  try {
    await migrate(owner);
    await opts.beforeAppRole?.(owner);
    if (!opts.databaseOwnerUrl) await assertCanActAsAppRole(owner);
  } finally {
    await owner.destroy();
  }
  // No JIT: the app's statements take milliseconds, and compiling one whose estimated cost passes
  // jit_above_cost took some 100 ms (the dashboard's statement: 35 → 146 ms).
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes, options: '-c jit=off' });
  // An idle connection the server drops (restart, failover) must not crash the process: the pool
  // discards it and opens a new one on the next query.
  pool.on('error', (err) => opts.onPoolError?.(err));
  if (!opts.databaseOwnerUrl) {
    // One URL for both: the login owns the tables, so each connection drops to the app role. Weaker
    // than a separate login (a statement could RESET ROLE), hence DATABASE_OWNER_URL in production.
    pool.on('connect', (client) => { client.query(`SET ROLE ${APP_ROLE}`).catch(() => (client as unknown as pg.Client).end()); });
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as any }) });
  await assertAppRole(db).catch(async (err) => { await db.destroy(); throw err; });
  return { db, backend: 'postgres', close: () => db.destroy() };
}

async function openPGlite(opts: DatabaseOptions): Promise<Database> {
  const dir = path.resolve(opts.dataDir, 'pg');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // PGlite has no lock of its own and two processes on one folder lose writes silently.
  const release = acquireDirLock(path.resolve(opts.dataDir, 'pg.lock'));
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    // pg_trgm: search's trigram indexes (migration 004); an extension must be loaded at start.
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const pglite = await PGlite.create(dir, { extensions: { pg_trgm }, parsers: { [DATE_OID]: (v: string) => v } });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    let closing: Promise<void> | undefined;
    await migrate(db);
    await opts.beforeAppRole?.(db);
    // No autovacuum here: a database never analyzed (just seeded) is analyzed now, once; statistics are
    // kept on disk across restarts, and `maintainPGlite` renews them.
    const { rows: [stats] } = await sql<{ analyzed: boolean }>`
      select exists (select 1 from pg_stats where schemaname = 'public') as analyzed`.execute(db);
    if (!stats?.analyzed) await sql`analyze`.execute(db);
    await sql.raw(`SET ROLE ${APP_ROLE}`).execute(db);
    await assertAppRole(db);
    const upkeep = setInterval(() => { maintainPGlite(db).catch((err) => opts.onUpkeepError?.(err)); }, PGLITE_UPKEEP_MS);
    upkeep.unref();
    return {
      db,
      backend: 'pglite',
      // Idempotent, and the folder lock is released even if closing fails.
      close: () => (closing ??= (async () => {
        clearInterval(upkeep);
        try { await db.destroy(); if (!pglite.closed) await pglite.close(); } finally { release(); }
      })()),
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** How often the embedded database is vacuumed: daily. */
const PGLITE_UPKEEP_MS = 24 * 60 * 60 * 1000;

/**
 * What PostgreSQL's autovacuum does, which embedded PGlite lacks: dead rows (each stored edit of a
 * draft, each session touched) are cleared and the planner's statistics renewed. Table by table, each
 * holding the one connection only for its own table, as the owner (VACUUM needs it); the connection
 * is the app role again before anyone else's query runs on it.
 */
export async function maintainPGlite(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(db);
  for (const { name } of rows) {
    await db.connection().execute(async (conn) => {
      await sql.raw('RESET ROLE').execute(conn);
      try {
        await sql`vacuum (analyze) ${sql.id(name)}`.execute(conn);
      } finally {
        await sql.raw(`SET ROLE ${APP_ROLE}`).execute(conn);
      }
    });
  }
}

/** A single DATABASE_URL switches to the app role: its login must be a member (the migration cannot always make it one). */
async function assertCanActAsAppRole(owner: Kysely<DB>) {
  const { rows } = await sql<{ role: string; member: boolean }>`
    select current_user as role, pg_has_role(current_user, ${APP_ROLE}, 'MEMBER') as member`.execute(owner);
  if (!rows[0]?.member) {
    throw new Error(`DATABASE_URL's login "${rows[0]?.role}" owns the tables but is not a member of ${APP_ROLE}, so it cannot act as it: ` +
      `as a superuser run GRANT ${APP_ROLE} TO "${rows[0]?.role}", or give the app a login of its own (see README, "Running on PostgreSQL").`);
  }
}

/**
 * Refuse to serve if queries would bypass row-level security: the acting role must be a member of
 * the app role, not a superuser, without BYPASSRLS, and own no table.
 */
async function assertAppRole(db: Kysely<DB>) {
  const { rows } = await sql<{ role: string; safe: boolean }>`
    select current_user as role,
           pg_has_role(current_user, ${APP_ROLE}, 'MEMBER')
           and not r.rolsuper and not r.rolbypassrls
           and not exists (select 1 from pg_tables t where t.tableowner = current_user) as safe
    from pg_roles r where r.rolname = current_user`.execute(db);
  if (!rows[0]?.safe) {
    throw new Error(`The database connection runs as "${rows[0]?.role}", which owns tables or bypasses row-level security; ` +
      `connect as a login that is a member of ${APP_ROLE} only (see README, "Running on PostgreSQL").`);
  }
}

export async function migrate(owner: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db: owner, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}

/** The acting user of a transaction, as row-level security reads it. */
export interface DbActor { id: string; region: string; orgId: string }

/**
 * Runs fn in one transaction whose row-level security context is the actor (or nobody).
 * set_config(..., true) is transaction-local, so a pooled connection never carries it over.
 */
export function withActor<T>(db: Kysely<DB>, actor: DbActor | null, fn: (trx: Transaction<DB>) => Promise<T>) {
  return db.transaction().execute(async (trx) => {
    await actAs(trx, actor);
    return fn(trx);
  });
}

/**
 * Sets (or changes) the row-level security identity inside an open transaction, for the rest of it:
 * withActor's first step, and how one transaction acts for several users in turn (the session
 * lookup, the collaboration server's batched writes).
 */
export async function actAs(trx: Executor, actor: DbActor | null) {
  await sql`select set_config('app.user_id', ${actor?.id ?? ''}, true),
                   set_config('app.region', ${actor?.region ?? ''}, true),
                   set_config('app.org_id', ${actor?.orgId ?? ''}, true)`.execute(trx);
}
