/**
 * Durability of live edits: the server is a child process (`node --import tsx server/main.ts`),
 * killed with SIGKILL one second after the last edit (no shutdown hook runs), or stopped with
 * SIGTERM right after an edit (shutdown stores what is buffered); after a restart every edit is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db';
import { seedDemo } from '../../db/seed';
import { hashPassword } from '../../server/auth/passwords';
import { backend, DEMO_PASSWORD, freshDatabase, type FreshDatabase } from '../support/server';
import { registerOwner } from '../support/owner';
import { SEED } from '../factories/demo';
import { createDraft, loginAt, openClient, sleep, spawnServer, until, type ServerProcess } from '../support/collab';

let fresh: FreshDatabase;
let draftId: string;
let env: Record<string, string>;
const running: ServerProcess[] = [];

beforeAll(async () => {
  fresh = await freshDatabase();
  // Seed and create the draft before any server runs (an embedded database has one process at a time).
  const database = await createDatabase({
    databaseUrl: fresh.databaseUrl,
    databaseOwnerUrl: fresh.databaseOwnerUrl,
    dataDir: fresh.dataDir,
    beforeAppRole: async (owner) => { await seedDemo(owner, await hashPassword(DEMO_PASSWORD)); },
  });
  const closeOwner = registerOwner(database.db, fresh.databaseOwnerUrl);
  draftId = await createDraft(database.db, { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['案由'] });
  await closeOwner();
  await database.close();
  env = {
    DATA_DIR: fresh.dataDir,
    DEMO: 'true',
    DEMO_PASSWORD,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    ...(fresh.databaseUrl ? { DATABASE_URL: fresh.databaseUrl, DATABASE_OWNER_URL: fresh.databaseOwnerUrl! } : {}),
  };
});
afterAll(async () => {
  for (const p of running) await p.kill();
  await fresh?.drop();
});

async function start() {
  const started = performance.now();
  const p = await spawnServer(env);
  running.push(p);
  console.log(`[collab] server process ready in ${(performance.now() - started).toFixed(0)} ms`);
  return p;
}

async function reopen(p: ServerProcess) {
  const c = openClient(p.url, draftId, { cookie: await loginAt(p.url, 'sc-member', DEMO_PASSWORD) });
  await c.synced;
  const text = c.text();
  c.destroy();
  return text;
}

describe(`collaboration durability (${backend})`, () => {
  it('every edit survives kill -9 one second after the last edit', async () => {
    const first = await start();
    const cookie = await loginAt(first.url, 'cq-member', DEMO_PASSWORD);
    const c = openClient(first.url, draftId, { cookie });
    await c.synced;
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const line = `第${i}条：成渝氢走廊`;
      lines.push(line);
      c.type(line);
      await sleep(20 + Math.random() * 30);
    }
    await sleep(1000);
    await first.kill();
    c.destroy(); // its copy must not refill the restarted server
    expect(first.proc.signalCode).toBe('SIGKILL');

    const second = await start();
    const cookie2 = await loginAt(second.url, 'cq-member', DEMO_PASSWORD);
    const again = openClient(second.url, draftId, { cookie: cookie2 });
    await again.synced;
    expect(again.text(), 'after kill -9').toBe(['案由', ...lines].join('\n'));

    // SIGTERM right after an edit (inside the flush window): shutdown stores it.
    again.type('最后一条');
    await until(() => again.provider.wsconnected, 'connected');
    await sleep(20);
    await second.stop();
    again.destroy();
    expect(second.output()).toMatch(/collaboration server stopped/);

    const third = await start();
    expect(await reopen(third), 'after SIGTERM').toBe(['案由', ...lines, '最后一条'].join('\n'));
    await third.stop();
  }, 180_000); // three server starts on a busy 2-core machine
});
