/**
 * socket.io across server processes (issue 3): two servers on one PostgreSQL database share events
 * through Redis (REDIS_URL): what server A's hub emits reaches sockets connected to server B, and
 * presence, refreshAccess and disconnectUser called on A act on B's sockets. Both servers run in
 * this test process but each has its own socket.io server and Redis connections, so every
 * cross-server message goes through Redis. PostgreSQL only: an embedded PGlite folder belongs to
 * one process, so with PGlite there is nothing to share.
 */
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/main';
import { backend, DEMO_PASSWORD, freshDatabase, type FreshDatabase } from '../support/server';
import { registerOwner } from '../support/owner';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { removeMember } from '../../server/services/membership';
import type { ClientToServerEvents, RecordChange, ServerToClientEvents } from '../../shared/realtime/events';
import { rooms } from '../../shared/realtime/rooms';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// A channel prefix of this run only: parallel runs sharing the Redis never see each other's events.
const PREFIX = `cppcc-test-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
const REDIS_URL = `${(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/$/, '')}/?prefix=${PREFIX}`;

if (backend !== 'postgres') {
  console.info('[realtime-cluster] skipped: two server processes cannot share one PGlite folder; set TEST_DATABASE_URL to run it on PostgreSQL');
}

describe.skipIf(backend !== 'postgres')('realtime across processes with Redis (postgres)', () => {
  let fresh: FreshDatabase;
  let a: RunningServer;
  let b: RunningServer;
  let closeOwner: () => Promise<void> = async () => undefined;
  const ws: Partial<Record<keyof typeof SEED.workspaces, string>> = {};
  const open: Client[] = [];

  beforeAll(async () => {
    fresh = await freshDatabase();
    const env = {
      NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DEMO_PASSWORD, LOG_LEVEL: 'warn',
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      DATABASE_URL: fresh.databaseUrl!, DATABASE_OWNER_URL: fresh.databaseOwnerUrl!, REDIS_URL,
    } as const;
    // A migrates and seeds; B joins the same database. Each gets its own data folder.
    a = await startServer(loadConfig({ ...env, DATA_DIR: fresh.dataDir, DEMO: 'true' }));
    b = await startServer(loadConfig({ ...env, DATA_DIR: `${fresh.dataDir}/b`, DEMO: 'false' }));
    closeOwner = registerOwner(a.database.db, fresh.databaseOwnerUrl);
    ws.chuanyu = await workspaceId(a.database.db, SEED.workspaces.chuanyu);
    ws.cqOwn = await workspaceId(a.database.db, SEED.workspaces.cqOwn);
  });
  afterEach(() => { for (const s of open.splice(0)) s.disconnect(); });
  afterAll(async () => {
    await b?.close();
    await closeOwner();
    await a?.close();
    await fresh?.drop();
  });

  /** Logs in through the login form of one server (sessions live in the shared database). */
  async function login(server: RunningServer, username: string) {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST', body: new URLSearchParams({ username, password: DEMO_PASSWORD }), redirect: 'manual',
    });
    const cookie = res.headers.get('set-cookie');
    if (res.status !== 302 || !cookie) throw new Error(`login as ${username} failed: ${res.status}`);
    return cookie.split(';')[0];
  }

  /** A socket of `username` connected to `server`, with what it receives recorded. */
  async function connectAs(server: RunningServer, username: string) {
    const socket: Client = connectClient(server.url, {
      path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
      extraHeaders: { Cookie: await login(a, username), Origin: server.url },
    });
    open.push(socket);
    const got = { changes: [] as RecordChange[], access: 0, ended: 0 };
    socket.on('record:changed', (c) => got.changes.push(c));
    socket.on('access:changed', () => { got.access++; });
    socket.on('session:ended', () => { got.ended++; });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', (err) => reject(new Error(`${username} could not connect: ${err.message}`)));
    });
    return { socket, events: got };
  }

  const until = async (check: () => boolean, what: string, ms = 5000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const settle = () => new Promise((r) => setTimeout(r, 200));
  const change = (workspaceId: string): RecordChange => ({ kind: 'workspace', id: workspaceId, workspaceId, action: 'updated' });
  const ack = <T>(send: (cb: (r: T) => void) => void) => new Promise<T>((resolve) => send(resolve));

  it('an event emitted by server A’s hub reaches a socket on server B, and only who may read it', async () => {
    const [cq, sc] = await Promise.all([connectAs(b, 'cq-member'), connectAs(b, 'sc-member')]);
    a.realtime.hub.toWorkspace(ws.chuanyu!, 'record:changed', change(ws.chuanyu!));
    a.realtime.hub.toWorkspace(ws.cqOwn!, 'record:changed', change(ws.cqOwn!));
    await until(() => cq.events.changes.length === 2 && sc.events.changes.length === 1, 'both events on B');
    await settle();
    expect(cq.events.changes).toEqual([change(ws.chuanyu!), change(ws.cqOwn!)]);
    expect(sc.events.changes).toEqual([change(ws.chuanyu!)]);

    const unread = new Promise<number>((resolve) => sc.socket.once('notification:changed', (e) => resolve(e.unread)));
    a.realtime.hub.toUser((await actorOf(a.database.db, 'sc-member')).id, 'notification:changed', { unread: 2 });
    expect(await unread).toBe(2);
  });

  it('presence counts the sockets of both servers', async () => {
    const sc = await connectAs(b, 'sc-member');
    const announced = new Promise<string[]>((resolve) => sc.socket.on('presence:changed', (p) => {
      if (p.workspaceId === ws.chuanyu && p.online.some((u) => u.region === 'chongqing')) resolve(p.online.map((u) => u.displayName));
    }));
    await connectAs(a, 'cq-member'); // A announces to the workspace room, B's socket included
    expect(await announced).toEqual(expect.arrayContaining(['李明', '刘洋']));
    const answer = await ack<any>((cb) => sc.socket.emit('presence:get', { workspaceId: ws.chuanyu! }, cb));
    expect(answer.ok).toBe(true);
    expect(answer.online.map((u: { displayName: string }) => u.displayName)).toEqual(expect.arrayContaining(['李明', '刘洋']));
  });

  it('a membership removed through server A takes the room away from the user’s socket on B', async () => {
    const db = a.database.db;
    const leader = await connectAs(b, 'cq-leader');
    const [coordinator, leaderActor] = await Promise.all([actorOf(db, 'cq-coordinator'), actorOf(db, 'cq-leader')]);
    // The service calls A's hub.refreshAccess after its commit; A asks B through Redis.
    await removeMember(db, coordinator, ws.chuanyu!, leaderActor.id, { realtime: a.realtime.hub });
    await until(() => leader.events.access === 1, 'access:changed on B');
    // The service's own "members changed" broadcast may reach B before B has moved the socket
    // (refreshAccess does not wait for the other processes): only what follows is checked.
    const before = leader.events.changes.length;

    a.realtime.hub.toWorkspace(ws.chuanyu!, 'record:changed', change(ws.chuanyu!));
    a.realtime.hub.toWorkspace(ws.cqOwn!, 'record:changed', change(ws.cqOwn!));
    await until(() => leader.events.changes.length > before, 'the event of the workspace still joined');
    await settle();
    expect(leader.events.changes.slice(before)).toEqual([change(ws.cqOwn!)]);
    expect(await ack((cb) => leader.socket.emit('presence:get', { workspaceId: ws.chuanyu! }, cb))).toEqual({ ok: false, error: 'not-found' });
    expect(leader.socket.connected).toBe(true);
  });

  it('disconnectUser on server A closes the user’s sockets on B and on A', async () => {
    const [onB, onA, other] = await Promise.all([connectAs(b, 'cq-member2'), connectAs(a, 'cq-member2'), connectAs(b, 'sc-member2')]);
    const closed = Promise.all([onB, onA].map((s) => new Promise<string>((resolve) => s.socket.once('disconnect', resolve))));
    const target = await actorOf(a.database.db, 'cq-member2');
    await a.realtime.hub.disconnectUser(target.id);
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
    expect(onB.events.ended + onA.events.ended).toBe(2);
    expect(await a.realtime.io.in(rooms.user(target.id)).fetchSockets()).toEqual([]);
    expect(other.socket.connected).toBe(true);
  });
});
