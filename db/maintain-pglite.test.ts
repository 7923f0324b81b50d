import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from './pglite-dialect';
import { APP_ROLE, maintainPGlite, type DB } from './index';

let pglite: PGlite;
let db: Kysely<DB>;
beforeAll(async () => {
  pglite = await PGlite.create();
  db = new Kysely({ dialect: new PGliteDialect(pglite) });
  // As the app runs: tables owned by the superuser, queries as the app role, which may only read.
  await sql.raw(`
    create role ${APP_ROLE};
    create table churn (id int primary key, body text);
    create table kept (id int primary key);
    grant select on churn, kept to ${APP_ROLE};
    insert into churn select i, repeat('x', 200) from generate_series(1, 5000) i;
    insert into kept select i from generate_series(1, 1000) i;
    delete from churn;
    set role ${APP_ROLE};
  `).execute(db);
}, 60_000);
afterAll(async () => { await db?.destroy(); await pglite?.close(); });

const pages = async (table: string) => (await sql<{ n: number }>`select pg_relation_size(${table})::int as n`.execute(db)).rows[0].n;
const whoAmI = async () => (await sql<{ u: string }>`select current_user as u`.execute(db)).rows[0].u;

describe('maintainPGlite: the autovacuum embedded PGlite lacks', () => {
  it('clears dead rows and renews statistics, and no other query runs as the owner meanwhile', async () => {
    expect(await pages('churn')).toBeGreaterThan(0);
    const seen: string[] = [];
    let done = false;
    const maintained = maintainPGlite(db).finally(() => { done = true; });
    while (!done) seen.push(await whoAmI());
    await maintained;

    expect(await pages('churn')).toBe(0); // every row was dead: the table is truncated
    const stats = await sql<{ relname: string; reltuples: number }>`
      select relname, reltuples::int as reltuples from pg_class where relname in ('churn', 'kept') order by relname`.execute(db);
    expect(stats.rows).toEqual([{ relname: 'churn', reltuples: 0 }, { relname: 'kept', reltuples: 1000 }]);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([APP_ROLE]));
    expect(await whoAmI()).toBe(APP_ROLE);
  });
});
