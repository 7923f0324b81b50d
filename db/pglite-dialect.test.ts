import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from './pglite-dialect';

let pglite: PGlite;
let db: Kysely<Record<string, never>>;
beforeAll(async () => {
  pglite = await PGlite.create();
  db = new Kysely({ dialect: new PGliteDialect(pglite) });
}, 60_000);
afterAll(async () => { await db?.destroy(); await pglite?.close(); });

describe('PGliteDialect: one connection, one transaction at a time', () => {
  it('runs queued transactions one after another, in the order they asked', async () => {
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.transaction().execute(async (trx) => {
      await sql`select pg_sleep(0)`.execute(trx);
      order.push(i);
    })));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('lets the event loop turn between queued transactions, so a busy server still renders pages and writes responses', async () => {
    const finished: number[] = [];
    let finishedWhenPolled = -1;
    // Queued before the transactions: it runs at the event loop's next turn. Were the connection handed
    // on within the same microtask queue, all 50 would finish before it (what starved the server).
    setImmediate(() => { finishedWhenPolled = finished.length; });
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.transaction().execute(async (trx) => {
      await sql`select ${i}::int as i`.execute(trx);
      finished.push(i);
    })));
    expect(finished).toHaveLength(50);
    expect(finishedWhenPolled).toBeGreaterThanOrEqual(0);
    expect(finishedWhenPolled).toBeLessThan(5);
  });
});
