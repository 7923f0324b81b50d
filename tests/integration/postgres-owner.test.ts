/**
 * Who may own the tables on PostgreSQL: the migrations run as the owner whatever its privileges, and a
 * single DATABASE_URL works when its login may act as the app role, or says why not. PostgreSQL only
 * (TEST_DATABASE_URL, a superuser); each case makes its own roles and database and drops them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDatabase, migrate } from '../../db';
import { backend } from '../support/server';

const base = process.env.TEST_DATABASE_URL;
const made: Array<{ db: string; roles: string[] }> = [];
let counter = 0;

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try { return await work(c); } finally { await c.end(); }
}

/** A login created as `attributes` (e.g. CREATEROLE), owning a new database; returns its URL. */
async function ownerWith(attributes: string): Promise<{ role: string; url: string }> {
  const name = `cppcc_owner_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await admin(async (c) => {
    await c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cppcc_app') THEN CREATE ROLE cppcc_app NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await c.query(`CREATE ROLE ${name} LOGIN ${attributes}`);
    await c.query(`CREATE DATABASE ${name} OWNER ${name}`);
  });
  made.push({ db: name, roles: [name] });
  const url = new URL(base!);
  url.username = name;
  url.password = '';
  url.pathname = `/${name}`;
  return { role: name, url: url.toString() };
}

const isMember = (role: string) =>
  admin(async (c) => (await c.query(`select pg_has_role($1, 'cppcc_app', 'MEMBER') as m`, [role])).rows[0].m as boolean);

async function migrateAs(url: string) {
  const owner = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    await migrate(owner);
    return (await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user`.execute(owner)).rows[0].n;
  } finally {
    await owner.destroy();
  }
}

afterAll(async () => {
  if (!base) return;
  await admin(async (c) => {
    for (const { db, roles } of made) {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      for (const r of roles) await c.query(`DROP ROLE IF EXISTS ${r}`);
    }
  });
});

describe.runIf(backend === 'postgres')('the owner of the tables on PostgreSQL', () => {
  it('a plain owner (the README recipe: no CREATEROLE, not a member of cppcc_app) migrates', async () => {
    const { role, url } = await ownerWith('');
    expect(await migrateAs(url)).toBeGreaterThan(10);
    expect(await isMember(role)).toBe(false); // it could not join, and needs not: the app has its own login
  });

  it('an owner with CREATEROLE (not a superuser) migrates and joins cppcc_app, so one DATABASE_URL works', async () => {
    const { role, url } = await ownerWith('CREATEROLE');
    const database = await createDatabase({ databaseUrl: url, dataDir: '/nonexistent' });
    try {
      expect(await isMember(role)).toBe(true);
      const { rows } = await sql<{ role: string }>`select current_user as role`.execute(database.db);
      expect(rows[0].role).toBe('cppcc_app');
    } finally {
      await database.close();
    }
  });

  it('one DATABASE_URL whose login cannot act as cppcc_app is refused with a sentence saying what to do', async () => {
    const { role, url } = await ownerWith('');
    await expect(createDatabase({ databaseUrl: url, dataDir: '/nonexistent' }))
      .rejects.toThrow(new RegExp(`not a member of cppcc_app.*GRANT cppcc_app TO "${role}"`));
  });
});
