/**
 * Two server processes behind Redis on one PostgreSQL database (REDIS_URL): clients on either
 * converge and see each other's presence, each update is stored once (by the process that received
 * it), and a revocation made on one process closes connections on the other. Process A runs in the
 * test (to call its collab hub), process B is a child process. PostgreSQL only: an embedded PGlite
 * database belongs to a single process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/main';
import { backend, DEMO_PASSWORD, freshDatabase, startTestServer, type FreshDatabase, type TestServer } from '../support/server';
import { asOwner, registerOwner } from '../support/owner';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import {
  createDraft, loginAt, openClient, sleep, spawnServer, storedClientOwners, typeInto, until, type CollabClient, type ServerProcess,
} from '../support/collab';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { CLOSE } from '../../shared/realtime/collab';
import { loadDocument, documentText } from '../../server/collab/document';
import { createCollab, type Collab } from '../../server/collab';
import { unpackUpdates } from '../../db/queries/collab';
import { Redis } from 'ioredis';
import { redisTarget } from '../../server/redis';
import { RATE_LIMITS } from '../../server/rate-limits';

// A channel prefix of its own: other test files may use the same Redis at the same time.
const REDIS_URL = `${(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/$/, '')}/?prefix=collab-test-${process.pid}`;
const SESSION_SECRET = 'test-secret-test-secret-test-secret-0123456789';

let fresh: FreshDatabase;
let a: RunningServer;
let b: ServerProcess;
let closeOwner: () => Promise<void>;
const cookies: Record<string, string> = {};
const clients: CollabClient[] = [];

describe.skipIf(backend !== 'postgres')('collaboration across processes with Redis (postgres)', () => {
  beforeAll(async () => {
    fresh = await freshDatabase();
    const env = {
      NODE_ENV: 'production' as const, HOST: '127.0.0.1', DATA_DIR: fresh.dataDir, DEMO: 'true', DEMO_PASSWORD, LOG_LEVEL: 'warn',
      SESSION_SECRET, DATABASE_URL: fresh.databaseUrl!, DATABASE_OWNER_URL: fresh.databaseOwnerUrl!, REDIS_URL,
    };
    a = await startServer(loadConfig({ ...env, PORT: '0' }));
    closeOwner = registerOwner(a.database.db, fresh.databaseOwnerUrl);
    b = await spawnServer({ ...env, DEMO: 'false' });
    for (const u of ['cq-member', 'sc-member', 'sc-staff']) cookies[u] = await loginAt(a.url, u, DEMO_PASSWORD);
  });
  afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });
  afterAll(async () => {
    await b?.stop();
    await closeOwner?.();
    await a?.close();
    await fresh?.drop();
  });

  const db = () => a.database.db;
  const on = (server: { url: string }, user: string, draftId: string) => {
    const c = openClient(server.url, draftId, { cookie: cookies[user] });
    clients.push(c);
    return c;
  };
  const jointDraft = (collaborators: Record<string, 'editor' | 'viewer'> = {}) =>
    createDraft(db(), { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['联合提案'], collaborators });

  it('per-user rate limits count across both processes (one count in Redis)', async () => {
    const search = (server: { url: string }) => fetch(`${server.url}/search?q=${encodeURIComponent('氢能')}`, { headers: { cookie: cookies['sc-staff'] }, redirect: 'manual' });
    let allowed = 0;
    for (let i = 0; i < RATE_LIMITS.search.points + 4; i++) if ((await search(i % 2 ? b : a)).status === 200) allowed++;
    expect(allowed).toBe(RATE_LIMITS.search.points);
    expect((await search(a)).status).toBe(429);
    expect((await search(b)).status).toBe(429);
  });

  it('clients on two processes converge, see each other, and every update is stored once', async () => {
    const draftId = await jointDraft({ 'sc-member': 'editor' });
    const onA = on(a, 'cq-member', draftId);
    const onB = on(b, 'sc-member', draftId);
    await Promise.all([onA.synced, onB.synced]);
    const started = performance.now();
    onA.type('重庆一侧');
    onB.type('四川一侧');
    await until(() => onA.text() === onB.text() && onA.text().includes('重庆一侧') && onA.text().includes('四川一侧'), 'convergence across processes');
    console.log(`[collab] converged across two processes in ${(performance.now() - started).toFixed(0)} ms`);
    for (let i = 0; i < 20; i++) (i % 2 ? onA : onB).type(`第${i}条`);
    await until(() => onA.text() === onB.text() && onA.text().includes('第19条'), 'convergence of 20 edits');

    onA.provider.awareness.setLocalStateField('cursor', null);
    await until(() => onB.provider.awareness.getStates().get(onA.doc.clientID)?.user?.name === '李明', 'presence across processes');

    await sleep(500); // both processes flushed
    const rows = await asOwner(db(), (trx) => trx.selectFrom('draft_updates').select(['data', 'updates']).where('draft_id', '=', draftId).execute());
    // No Yjs struct range is stored twice: the process that received an update stored it, the other did not.
    const ranges = new Map<number, Array<[number, number]>>();
    for (const update of rows.flatMap((r) => unpackUpdates(r.data, r.updates))) {
      const meta = Y.parseUpdateMeta(update);
      for (const [client, from] of meta.from) {
        const list = ranges.get(client) ?? [];
        for (const [f, t] of list) expect(from >= t || meta.to.get(client)! <= f).toBe(true);
        list.push([from, meta.to.get(client)!]);
        ranges.set(client, list);
      }
    }
    const stored = await asOwner(db(), async (trx) => documentText(await loadDocument(trx, draftId)));
    expect(stored).toBe(onA.text());
  });

  it('two regions on two processes edit the seeded proposal: 100 edits each, none lost, no client id recorded as another user\'s', async () => {
    const draftId = (await asOwner(db(), (trx) => trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen)
      .executeTakeFirstOrThrow())).id;
    const cq = on(a, 'cq-member', draftId);
    const sc = on(b, 'sc-member', draftId);
    await Promise.all([cq.synced, sc.synced]);
    // Carets, as the editor sets them: each y-websocket client then passes the other's state on.
    cq.provider.awareness.setLocalStateField('cursor', { anchor: 1, head: 1 });
    sc.provider.awareness.setLocalStateField('cursor', { anchor: 2, head: 2 });
    const blocks = ['起草说明', '氢能是构建', '成渝地区是我国', '经两地委员联合调研', '以上建议'];
    const marks: string[] = [];
    for (let i = 0; i < 100; i++) {
      // Each in a block of their own at a time: two people typing at one spot at once may interleave.
      for (const [who, side, offset] of [[cq, '渝', 0], [sc, '川', 2]] as const) {
        const mark = `〔${side}${i}〕`;
        marks.push(mark);
        if (i % 10 === 9) who.type(mark); // a new block now and then
        else typeInto(who.doc, blocks[(i + offset) % blocks.length], mark, i % 2 ? 'end' : 'middle');
      }
      await sleep(10);
    }
    await until(() => cq.text() === sc.text() && marks.every((m) => cq.text().includes(m)), 'every edit on both processes', 15_000)
      .catch((err) => {
        throw new Error(`${err.message}: cq lacks ${marks.filter((m) => !cq.text().includes(m)).join(' ')}; sc lacks ${marks.filter((m) => !sc.text().includes(m)).join(' ')}; closes ${cq.closes} / ${sc.closes}\n${b.output().slice(-3000)}`);
      });
    expect(cq.closes).toEqual([]);
    expect(sc.closes).toEqual([]);
    await a.collab.flush();
    const stored = await asOwner(db(), async (trx) => documentText(await loadDocument(trx, draftId)));
    expect(stored).toBe(cq.text());
    const owners = await storedClientOwners(db(), draftId);
    expect(owners.get(cq.doc.clientID)).toBe((await actorOf(db(), 'cq-member')).id);
    expect(owners.get(sc.doc.clientID)).toBe((await actorOf(db(), 'sc-member')).id);
  });

  it('a process that opens a document late gets what the other has not stored yet', async () => {
    const draftId = await jointDraft({ 'sc-member': 'editor' });
    const onA = on(a, 'cq-member', draftId);
    await onA.synced;
    for (let i = 0; i < 10; i++) onA.type(`刚写的${i}`);
    const onB = on(b, 'sc-member', draftId); // B loads while A may still hold the edits in its buffer
    await onB.synced;
    await until(() => onB.text() === onA.text(), 'the late process catching up');
  });

  it('a revocation made on one process closes connections on the other', async () => {
    const draftId = await jointDraft({ 'sc-member': 'editor' });
    const staffOnB = on(b, 'sc-staff', draftId);
    const scOnB = on(b, 'sc-member', draftId);
    const cqOnA = on(a, 'cq-member', draftId);
    await Promise.all([staffOnB.synced, scOnB.synced, cqOnA.synced]);

    const staff = (await actorOf(db(), 'sc-staff')).id;
    const ws = await workspaceId(db(), SEED.workspaces.chuanyu);
    await asOwner(db(), (trx) => trx.deleteFrom('workspace_members').where('workspace_id', '=', ws).where('user_id', '=', staff).execute());
    let started = performance.now();
    await a.collab.recheckUser(staff);
    expect(await Promise.race([staffOnB.closed, sleep(1000).then(() => -1)])).toBe(CLOSE.FORBIDDEN);
    console.log(`[collab] recheckUser on A closed a connection on B in ${(performance.now() - started).toFixed(0)} ms`);

    await asOwner(db(), (trx) => trx.updateTable('drafts').set({ visibility: 'region' }).where('id', '=', draftId).execute());
    started = performance.now();
    await a.collab.recheckDraft(draftId);
    expect(await Promise.race([scOnB.closed, sleep(1000).then(() => -1)])).toBe(CLOSE.FORBIDDEN);
    console.log(`[collab] recheckDraft on A closed a connection on B in ${(performance.now() - started).toFixed(0)} ms`);
    await sleep(200);
    expect(cqOnA.closes).toEqual([]);
  });
});

/**
 * The same fan-out on either backend: a second collaboration hub in this process (its own Redis
 * connections and process id) on the test server's database, one that stores nothing for a minute,
 * so what another process learns can only have come through Redis.
 */
describe(`a document opened on a second hub learns unstored edits through Redis (${backend})`, () => {
  let server: TestServer;
  let slow: Collab;
  let slowHttp: http.Server;
  let slowUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ REDIS_URL });
    slow = createCollab({
      db: server.database.db,
      config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET, REDIS_URL, DATA_DIR: '/tmp' }),
      log: server.log,
      persistence: { flushMs: 60_000 },
    });
    slowHttp = http.createServer().on('upgrade', slow.handleUpgrade);
    await new Promise<void>((resolve) => slowHttp.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slowHttp.address() as AddressInfo).port}`;
    for (const u of ['cq-member', 'sc-member']) cookies[u] = await server.login(u);
  });
  afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });
  afterAll(async () => {
    await slow?.close();
    slowHttp?.close();
    await server?.stop();
  });

  it('a flush on one process stores what another process still buffers (a version or export made anywhere has every keystroke)', async () => {
    const draftId = await createDraft(server.database.db, {
      workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['联合提案'],
    });
    const writer = openClient(slowUrl, draftId, { cookie: cookies['cq-member'] });
    clients.push(writer);
    await writer.synced;
    const reader = openClient(server.url, draftId, { cookie: cookies['cq-member'] });
    clients.push(reader);
    await reader.synced;
    writer.type('刚刚输入的一句');
    await until(() => reader.text() === writer.text(), 'the edit relayed by the slow process (so it applied it)');
    const stored = () => asOwner(server.database.db, async (trx) => documentText(await loadDocument(trx, draftId)));
    expect(await stored()).toBe('联合提案'); // the slow process flushes once a minute
    await server.collab.flush(); // as the version and export services do, on the other process
    expect(await stored()).toBe('联合提案\n刚刚输入的一句');
  });

  it('edits another process relayed but never stored (it died with them in its buffer) are stored by the process that received them', async () => {
    const draftId = await createDraft(server.database.db, {
      workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['联合提案'],
    });
    const writer = openClient(slowUrl, draftId, { cookie: cookies['cq-member'] });
    clients.push(writer);
    await writer.synced;
    const reader = openClient(server.url, draftId, { cookie: cookies['cq-member'] });
    clients.push(reader);
    await reader.synced;
    writer.type('送达即确认');
    await until(() => reader.text() === writer.text(), 'the edit relayed by the slow process');
    const stored = () => asOwner(server.database.db, async (trx) => documentText(await loadDocument(trx, draftId)));
    // The slow process stores once a minute and never says it did: as if it had died. A client
    // reconnecting to the survivor would send nothing again (the survivor has it), so the survivor stores it.
    expect(await stored()).toBe('联合提案');
    await until(async () => (await stored()) === '联合提案\n送达即确认', 'the receiving process storing the unconfirmed edit', 10_000);
  });

  it('a flush goes on without a process that never answers (it died, or its Redis link is gone)', async () => {
    const { url, prefix } = redisTarget(REDIS_URL);
    const silent = new Redis(url); // listens on the control channel like a process, answers nothing
    await silent.subscribe(`${prefix}:collab:control`);
    try {
      await expect(server.collab.flush()).resolves.toBeUndefined(); // after FLUSH_ANSWER_WAIT_MS, not never
    } finally {
      silent.disconnect();
    }
  });

  it('answers a late process with what it has not stored yet, then stores it on shutdown', async () => {
    const draftId = await createDraft(server.database.db, {
      workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['联合提案'], collaborators: { 'sc-member': 'editor' },
    });
    const writer = openClient(slowUrl, draftId, { cookie: cookies['cq-member'] });
    clients.push(writer);
    await writer.synced;
    for (let i = 0; i < 5; i++) writer.type(`未存储${i}`);
    await sleep(300);
    const log = () => asOwner(server.database.db, (trx) => trx.selectFrom('draft_updates').select('id').where('draft_id', '=', draftId).execute());
    expect(await log()).toHaveLength(0);

    const reader = openClient(server.url, draftId, { cookie: cookies['sc-member'] });
    clients.push(reader);
    await reader.synced;
    await until(() => reader.text() === writer.text(), 'the late process catching up through Redis');
    reader.type('回复');
    await until(() => writer.text().includes('回复'), 'the reply reaching the slow hub');

    writer.destroy();
    await slow.close(); // shutdown stores what it buffered
    expect((await log()).length).toBeGreaterThan(0);
    await server.collab.flush(); // the reply, stored by the process that received it
    const stored = await asOwner(server.database.db, async (trx) => documentText(await loadDocument(trx, draftId)));
    expect(stored).toBe(reader.text());
  });
});
