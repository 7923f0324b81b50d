/**
 * socket.io on the real server (issue 3): the handshake (session cookie, Origin), rooms joined by
 * the server only, events reaching exactly who may read them, presence, and access taken away at once.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf, noticeId, SEED, workspaceId } from '../factories/demo';
import { removeMember } from '../../server/services/membership';
import { setStatus } from '../../server/services/users';
import type { ClientToServerEvents, RecordChange, ServerToClientEvents } from '../../shared/realtime/events';
import { rooms } from '../../shared/realtime/rooms';
import { can } from '../../shared/policy';
import { getProposalRef, transition } from '../../server/services/proposals';
import { DEMO_PROPOSALS } from '../../db/seed/proposals';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: TestServer;
const ws: Record<keyof typeof SEED.workspaces, string> = {} as never;
const open: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (const key of Object.keys(SEED.workspaces) as (keyof typeof SEED.workspaces)[]) {
    ws[key] = await workspaceId(server.database.db, SEED.workspaces[key]);
  }
});
afterEach(() => { for (const s of open.splice(0)) s.disconnect(); });
afterAll(() => server?.stop());

function client(headers: Record<string, string>): Client {
  const s: Client = connectClient(server.url, {
    path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers,
  });
  open.push(s);
  return s;
}

/** A connected socket, or the connect_error it got. */
function attempt(headers: Record<string, string>): Promise<{ socket: Client; error?: Error & { data?: { code?: string } } }> {
  const socket = client(headers);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => resolve({ socket, error }));
  });
}

async function connectAs(username: string, cookie?: string) {
  const c = cookie ?? await server.login(username);
  const { socket, error } = await attempt({ Cookie: c, Origin: server.url });
  if (error) throw new Error(`${username} could not connect: ${error.message}`);
  return { socket, cookie: c, events: record(socket) };
}

/** Every record:changed and access event a socket receives, in order. */
function record(socket: Client) {
  const got: { changes: RecordChange[]; access: number; ended: number } = { changes: [], access: 0, ended: 0 };
  socket.on('record:changed', (c) => got.changes.push(c));
  socket.on('access:changed', () => { got.access++; });
  socket.on('session:ended', () => { got.ended++; });
  return got;
}

const until = async (check: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** Broadcasts leave together: once the expected receiver has one, give the others a moment more. */
const settle = () => new Promise((r) => setTimeout(r, 150));

const change = (workspaceId: string, id = workspaceId): RecordChange => ({ kind: 'workspace', id, workspaceId, action: 'updated' });

const ack = <T>(send: (cb: (r: T) => void) => void) => new Promise<T>((resolve) => send(resolve));

describe(`realtime handshake (${backend})`, () => {
  it('refuses a socket without a session, or with a forged one, with a clear message', async () => {
    const tries: Record<string, string>[] = [{ Origin: server.url }, { Origin: server.url, Cookie: 'cy_session=forged.value' }];
    for (const headers of tries) {
      const { error } = await attempt(headers);
      expect(error?.message).toMatch(/unauthorized/);
      expect(error?.data?.code).toBe('unauthorized');
    }
  });

  it('refuses a foreign Origin, and a missing one, even with a valid session', async () => {
    const cookie = await server.login('cq-member');
    const tries: Record<string, string>[] = [{ Cookie: cookie, Origin: 'https://evil.example' }, { Cookie: cookie }];
    for (const headers of tries) {
      const { error } = await attempt(headers);
      expect(error?.data?.code).toBe('origin-not-allowed');
    }
  });

  it('owns only its path: other upgrades still get the router’s 404', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/elsewhere/`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
      req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});

describe(`realtime rooms and events (${backend})`, () => {
  it('a member is in their workspace and user rooms from the start and receives what the hub sends there', async () => {
    const cq = await connectAs('cq-member');
    server.realtime.hub.toWorkspace(ws.chuanyu, 'record:changed', change(ws.chuanyu));
    await until(() => cq.events.changes.length === 1, 'the workspace event');
    expect(cq.events.changes[0]).toEqual(change(ws.chuanyu));
    const got = new Promise<number>((resolve) => cq.socket.once('notification:changed', (e) => resolve(e.unread)));
    server.realtime.hub.toUser((await actorOf(server.database.db, 'cq-member')).id, 'notification:changed', { unread: 3 });
    expect(await got).toBe(3);
  });

  it('a Sichuan socket never receives an event for a Chongqing-only workspace', async () => {
    const [cq, sc] = await Promise.all([connectAs('cq-member'), connectAs('sc-member')]);
    server.realtime.hub.toWorkspace(ws.cqOwn, 'record:changed', change(ws.cqOwn));
    await until(() => cq.events.changes.length === 1, 'the Chongqing member to receive it');
    await settle();
    expect(sc.events.changes).toEqual([]);
  });

  it('a record change reaches exactly who may read it: a Chongqing-private notice in a joint workspace stays in Chongqing', async () => {
    const db = server.database.db;
    const [cq, sc, cqCoordinator] = await Promise.all([connectAs('cq-member'), connectAs('sc-member'), actorOf(db, 'cq-coordinator')]);
    const privateId = await noticeId(db, SEED.notices.cqRegion);
    const jointId = await noticeId(db, SEED.notices.jointHydrogen);
    const ref = { workspaceId: ws.chuanyu, ownerOrgId: cqCoordinator.orgId, ownerRegion: 'chongqing', authorId: cqCoordinator.id };
    await server.realtime.hub.recordChanged('notice', privateId, { ...ref, visibility: 'region' }, 'updated');
    await server.realtime.hub.recordChanged('notice', jointId, { ...ref, visibility: 'joint' }, 'updated');
    await until(() => cq.events.changes.length === 2 && sc.events.changes.length === 1, 'both changes');
    await settle();
    expect(cq.events.changes.map((c) => c.id)).toEqual([privateId, jointId]);
    expect(sc.events.changes).toEqual([{ kind: 'notice', id: jointId, workspaceId: ws.chuanyu, action: 'updated' }]);
    // Payloads name what changed, never its text.
    expect(Object.keys(cq.events.changes[0]).sort()).toEqual(['action', 'id', 'kind', 'workspaceId']);
  });

  it('a step of a joint proposal reaches the open registries of exactly those who may read it', async () => {
    const db = server.database.db;
    const proposal = await asOwner(db, (trx) => trx.selectFrom('proposals').select('id').where('title', '=', DEMO_PROPOSALS.jointSubmitted).executeTakeFirstOrThrow());
    const people = ['sc-staff', 'sc-coordinator', 'cq-leader', 'sc-member2', 'gz-member', 'unit-ndrc', 'unit-cqfgw'];
    const sockets = await Promise.all(people.map((u) => connectAs(u)));
    const staff = await actorOf(db, 'cq-staff');
    await transition(db, staff, proposal.id, { action: 'review' }, { realtime: server.realtime.hub });
    const ref = await getProposalRef(db, staff, proposal.id);
    const readers: string[] = [];
    for (const u of people) if (can(await actorOf(db, u), 'proposal.read', ref).allowed) readers.push(u);
    // Sichuan's staff supervise a joint proposal; the units, Guizhou and another Sichuan member may not read it.
    expect(readers).toEqual(expect.arrayContaining(['sc-staff', 'cq-leader']));
    expect(readers).not.toEqual(expect.arrayContaining(['gz-member']));
    await until(() => readers.every((u) => sockets[people.indexOf(u)].events.changes.length === 1), 'the readers\' events');
    await settle();
    expect(people.filter((_, i) => sockets[i].events.changes.some((c) => c.id === proposal.id))).toEqual(readers);
  });

  it('record:watch joins a record room only when the policy allows reading the record', async () => {
    const db = server.database.db;
    const sc = await connectAs('sc-member');
    const privateId = await noticeId(db, SEED.notices.cqRegion);
    const jointId = await noticeId(db, SEED.notices.jointHydrogen);
    const watch = (kind: any, id: any) => ack<any>((cb) => sc.socket.emit('record:watch', { kind, id }, cb));
    expect(await watch('notice', privateId)).toEqual({ ok: false, error: 'not-found' });
    expect(await watch('notice', '00000000-0000-4000-8000-000000000000')).toEqual({ ok: false, error: 'not-found' });
    expect(await watch('notice', 'not-a-uuid')).toEqual({ ok: false, error: 'invalid' });
    expect(await watch('secret', jointId)).toEqual({ ok: false, error: 'invalid' });
    expect(await watch('draft', jointId)).toEqual({ ok: false, error: 'not-found' }); // no watch rule for drafts yet
    expect(await watch('notice', jointId)).toEqual({ ok: true });

    server.realtime.hub.toRecord('notice', privateId, 'record:changed', { kind: 'notice', id: privateId, workspaceId: ws.chuanyu, action: 'updated' });
    server.realtime.hub.toRecord('notice', jointId, 'record:changed', { kind: 'notice', id: jointId, workspaceId: ws.chuanyu, action: 'updated' });
    await until(() => sc.events.changes.length === 1, 'the watched record event');
    await settle();
    expect(sc.events.changes.map((c) => c.id)).toEqual([jointId]);

    expect(await ack((cb) => sc.socket.emit('record:unwatch', { kind: 'notice', id: jointId }, cb))).toEqual({ ok: true });
    const watchers = await server.realtime.io.in(rooms.record('notice', jointId)).fetchSockets();
    expect(watchers.map((s) => s.data.user.id)).not.toContain((await actorOf(db, 'sc-member')).id);
  });

  it('narrowing a record to one region tells the other region’s watchers once (their page reloads) and removes them', async () => {
    const db = server.database.db;
    const [cq, sc, cqCoordinator] = await Promise.all([connectAs('cq-member'), connectAs('sc-member'), actorOf(db, 'cq-coordinator')]);
    const id = await noticeId(db, SEED.notices.jointHydrogen);
    for (const s of [cq, sc]) expect(await ack((cb) => s.socket.emit('record:watch', { kind: 'notice', id }, cb))).toEqual({ ok: true });
    const ref = { workspaceId: ws.chuanyu, ownerOrgId: cqCoordinator.orgId, ownerRegion: 'chongqing', authorId: cqCoordinator.id };
    await server.realtime.hub.recordChanged('notice', id, { ...ref, visibility: 'region' }, 'visibility');
    await until(() => cq.events.changes.length === 1 && sc.events.changes.length === 1, 'both watchers to be told');
    expect(sc.events.changes).toEqual([{ kind: 'notice', id, workspaceId: ws.chuanyu, action: 'visibility' }]);
    const watchers = await server.realtime.io.in(rooms.record('notice', id)).fetchSockets();
    expect(watchers.map((s) => s.data.user.region)).toEqual(['chongqing']);
    // The next change reaches Chongqing only.
    await server.realtime.hub.recordChanged('notice', id, { ...ref, visibility: 'region' }, 'updated');
    await until(() => cq.events.changes.length === 2, 'the Chongqing watcher to be told again');
    await settle();
    expect(sc.events.changes).toHaveLength(1);
  });

  it('presence: who is online per workspace, announced to its members and answered only to members', async () => {
    const sc = await connectAs('sc-member');
    const announced = new Promise<string[]>((resolve) => sc.socket.on('presence:changed', (p) => {
      if (p.workspaceId === ws.chuanyu && p.online.some((u) => u.region === 'chongqing')) resolve(p.online.map((u) => u.displayName));
    }));
    await connectAs('cq-member');
    expect(await announced).toEqual(expect.arrayContaining(['李明', '刘洋']));
    const answer = await ack<any>((cb) => sc.socket.emit('presence:get', { workspaceId: ws.chuanyu }, cb));
    expect(answer.ok).toBe(true);
    expect(answer.online).toEqual(expect.arrayContaining([{ userId: expect.any(String), displayName: '李明', region: 'chongqing' }]));
    expect(await ack((cb) => sc.socket.emit('presence:get', { workspaceId: ws.cqOwn }, cb))).toEqual({ ok: false, error: 'not-found' });
    expect(await ack((cb) => sc.socket.emit('presence:get', { workspaceId: 'x' }, cb))).toEqual({ ok: false, error: 'invalid' });
  });
});

describe(`realtime access taken away (${backend})`, () => {
  it('after a membership removal and refreshAccess, the socket no longer receives that workspace’s events', async () => {
    const db = server.database.db;
    const leader = await connectAs('cq-leader');
    const jointId = await noticeId(db, SEED.notices.jointHydrogen);
    // Watching a joint record of the workspace too: that room must go with the membership.
    expect(await ack((cb) => leader.socket.emit('record:watch', { kind: 'notice', id: jointId }, cb))).toEqual({ ok: true });
    const [coordinator, leaderActor] = await Promise.all([actorOf(db, 'cq-coordinator'), actorOf(db, 'cq-leader')]);
    await removeMember(db, coordinator, ws.chuanyu, leaderActor.id);
    await server.realtime.hub.refreshAccess(leaderActor.id);
    await until(() => leader.events.access === 1, 'access:changed');

    server.realtime.hub.toWorkspace(ws.chuanyu, 'record:changed', change(ws.chuanyu));
    server.realtime.hub.toRecord('notice', jointId, 'record:changed', { kind: 'notice', id: jointId, workspaceId: ws.chuanyu, action: 'updated' });
    server.realtime.hub.toWorkspace(ws.cqOwn, 'record:changed', change(ws.cqOwn));
    await until(() => leader.events.changes.length >= 1, 'the event of the workspace still joined');
    await settle();
    expect(leader.events.changes).toEqual([change(ws.cqOwn)]);
    expect(await ack((cb) => leader.socket.emit('presence:get', { workspaceId: ws.chuanyu }, cb))).toEqual({ ok: false, error: 'not-found' });
    expect(leader.socket.connected).toBe(true);
  });

  it('logout ends that session’s sockets at once; another session of the same user stays', async () => {
    const [a, b] = [await connectAs('sc-member2'), await connectAs('sc-member2')];
    const reason = new Promise<string>((resolve) => a.socket.once('disconnect', resolve));
    const res = await server.request('/logout', { method: 'POST', cookie: a.cookie });
    expect(res.status).toBe(302);
    await server.realtime.hub.refreshAccess((await actorOf(server.database.db, 'sc-member2')).id);
    expect(await reason).toBe('io server disconnect'); // the client does not reconnect after this
    expect(a.events.ended).toBe(1);
    expect(b.socket.connected).toBe(true);
    expect((await attempt({ Cookie: a.cookie, Origin: server.url })).error?.data?.code).toBe('unauthorized');
  });

  it('a session that expired while its socket was open ends the socket at the next revalidation; others stay', async () => {
    const db = server.database.db;
    const user = await actorOf(db, 'cq-member2');
    const a = await connectAs('cq-member2');
    const reason = new Promise<string>((resolve) => a.socket.once('disconnect', resolve));
    // Nothing announces an expiry: the session simply passes its absolute age (a's is the user's only one yet).
    await asOwner(db, (trx) => trx.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute());
    const b = await connectAs('cq-member2');
    await settle();
    expect(a.socket.connected).toBe(true); // until the server looks again
    await server.realtime.revalidate();
    expect(await reason).toBe('io server disconnect');
    expect(a.events.ended).toBe(1);
    expect(b.socket.connected).toBe(true);
    expect(b.events.ended).toBe(0);
  });

  it('disabling a user disconnects every socket of theirs, and they cannot connect again', async () => {
    const db = server.database.db;
    const [a, b] = [await connectAs('cq-member2'), await connectAs('cq-member2')];
    const closed = Promise.all([a, b].map((s) => new Promise<string>((resolve) => s.socket.once('disconnect', resolve))));
    const [admin, target] = await Promise.all([actorOf(db, 'cq-admin'), actorOf(db, 'cq-member2')]);
    await setStatus(db, admin, target.id, 'disabled');
    await server.realtime.hub.disconnectUser(target.id);
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
    expect(a.events.ended + b.events.ended).toBe(2);
    expect((await attempt({ Cookie: a.cookie, Origin: server.url })).error?.data?.code).toBe('unauthorized');
    expect(await server.realtime.io.in(rooms.user(target.id)).fetchSockets()).toEqual([]);
  });
});
