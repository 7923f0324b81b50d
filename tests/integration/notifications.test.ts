/**
 * Notifications on the real server (issue 3): an invitation or a mention arrives live over
 * socket.io with the right unread count, only for people who may read the record; the centre
 * shows each user their own; mark read / mark all read over HTTP update the bell; preferences are
 * honoured; bad input is a 4xx.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { withActor } from '../../db';
import { backend, sendWhatIsDue, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf, noticeId, SEED, workspaceId } from '../factories/demo';
import { dbActor } from '../../server/services/actor';
import { announceNotifications, notify } from '../../server/services/notifications';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime/events';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: TestServer;
let chuanyu: string;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};
const open: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  chuanyu = await workspaceId(server.database.db, SEED.workspaces.chuanyu);
  const users = await asOwner(server.database.db, (trx) => trx.selectFrom('users').select(['id', 'username']).execute());
  for (const u of users) ids[u.username] = u.id;
  for (const u of ['cq-coordinator', 'cq-member', 'cq-member2', 'sc-member', 'sc-member2', 'sc-coordinator']) cookies[u] = await server.login(u);
  // The demo data's overdue assignments would otherwise ring cq-coordinator's bell mid-test.
  await sendWhatIsDue(server);
  // What that sent depends on the hour (a seeded meeting's reminder falls due within a day of it): read, so
  // that every count below starts from nothing unread.
  await asOwner(server.database.db, (trx) => trx.updateTable('notifications').set({ read_at: new Date() }).where('read_at', 'is', null).execute());
});
afterEach(() => { for (const s of open.splice(0)) s.disconnect(); });
afterAll(() => server?.stop());

/** A connected socket of a signed-in user, recording every unread count it is told. */
async function listen(username: string) {
  const socket: Client = connectClient(server.url, {
    path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
    extraHeaders: { Cookie: cookies[username], Origin: server.url },
  });
  open.push(socket);
  const counts: number[] = [];
  socket.on('notification:changed', (e) => counts.push(e.unread));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return counts;
}

const until = async (check: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const settle = () => new Promise((r) => setTimeout(r, 200));

const post = (path: string, username: string, body: Record<string, unknown>) =>
  server.request(path, { method: 'POST', cookie: cookies[username], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const page = async (username: string, query = '') => {
  const res = await server.request(`/notifications${query}`, { cookie: cookies[username] });
  return { status: res.status, html: await res.text() };
};

/** Sends as a demo user through the service, then announces after the commit, as a route would. */
async function sendAs(sender: string, recipients: string[], kind: 'mention' | 'reply', noticeTitle: string) {
  const db = server.database.db;
  const actor = await actorOf(db, sender);
  const id = await noticeId(db, noticeTitle);
  const notified = await withActor(db, dbActor(actor), (trx) => notify(trx, {
    recipients: recipients.map((u) => ids[u]), kind, record: { kind: 'notice', id }, text: noticeTitle, actor,
  }));
  await announceNotifications(db, { realtime: server.realtime.hub }, notified);
  return { id, notified };
}

describe(`notifications live over socket.io (${backend})`, () => {
  it('adding someone to a workspace notifies them live with the right count; nobody else hears it', async () => {
    const [added, sichuan, other] = await Promise.all([listen('cq-member2'), listen('sc-member'), listen('cq-member')]);
    const res = await post(`/workspaces/${chuanyu}`, 'cq-coordinator', { intent: 'addMember', userId: ids['cq-member2'], role: 'member' });
    expect(res.status).toBe(200);
    await until(() => added.length > 0, 'the invitation count');
    await settle();
    expect(added).toEqual([1]);
    expect(sichuan).toEqual([]);
    expect(other).toEqual([]);

    const { status, html } = await page('cq-member2');
    expect(status).toBe(200);
    expect(html).toContain(`您已被加入协作空间“${SEED.workspaces.chuanyu}”`);
    expect(html).toContain(`href="/workspaces/${chuanyu}"`);
    expect(html).toContain('1 条未读');
  });

  it('a Chongqing region-private notice is never announced to, nor shown to, a Sichuan member', async () => {
    const [chongqing, sichuan] = await Promise.all([listen('cq-member'), listen('sc-member')]);
    const { id, notified } = await sendAs('cq-coordinator', ['sc-member', 'cq-member'], 'mention', SEED.notices.cqRegion);
    expect(notified).toEqual([ids['cq-member']]);
    await until(() => chongqing.length > 0, 'the mention count');
    await settle();
    expect(chongqing).toEqual([1]);
    expect(sichuan).toEqual([]);

    const cq = await page('cq-member');
    expect(cq.html).toContain(SEED.notices.cqRegion);
    expect(cq.html).toContain(`href="/notices/${id}"`);
    const sc = await page('sc-member');
    expect(sc.status).toBe(200);
    expect(sc.html).not.toContain(SEED.notices.cqRegion);
    expect(sc.html).not.toContain(id);
  });

  it('mark read and mark all read update the count live, for the reader only', async () => {
    const [reader, sender] = await Promise.all([listen('cq-member'), listen('cq-coordinator')]);
    await sendAs('cq-coordinator', ['cq-member'], 'reply', SEED.notices.jointHydrogen);
    await sendAs('cq-coordinator', ['cq-member'], 'mention', SEED.notices.jointPlan);
    await until(() => reader.at(-1) === 3, 'three unread');
    // What the bell loads: the reader's own count, the same as the socket's; nobody's when signed out.
    const bell = async (cookie: string) => server.request('/notifications/unread', { cookie });
    expect(await (await bell(cookies['cq-member'])).json()).toEqual({ unread: 3 });
    const senders = await asOwner(server.database.db, (trx) => trx.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', ids['cq-coordinator']).where('read_at', 'is', null).executeTakeFirstOrThrow());
    expect(await (await bell(cookies['cq-coordinator'])).json()).toEqual({ unread: Number(senders.n) });
    expect((await bell('')).status).toBe(302);

    const one = await asOwner(server.database.db, (trx) => trx.selectFrom('notifications').select('id')
      .where('user_id', '=', ids['cq-member']).where('read_at', 'is', null).orderBy('created_at').executeTakeFirstOrThrow());
    expect((await post('/notifications', 'cq-member', { intent: 'markRead', id: one.id })).status).toBe(200);
    await until(() => reader.at(-1) === 2, 'two unread after marking one');

    expect((await post('/notifications', 'cq-member', { intent: 'markAllRead' })).status).toBe(200);
    await until(() => reader.at(-1) === 0, 'none unread after marking all');
    await settle();
    expect(sender).toEqual([]);
    const unread = await page('cq-member', '?show=unread');
    expect(unread.html).toContain('没有未读通知');
  });

  it('filters by kind and unread, and answers a bad filter with a 400', async () => {
    const mentions = await page('cq-member', '?kind=mention');
    expect(mentions.status).toBe(200);
    expect(mentions.html).toContain(SEED.notices.jointPlan);
    expect(mentions.html).not.toContain(SEED.notices.jointHydrogen);
    expect((await page('cq-member', '?kind=everything')).status).toBe(400);
    expect((await page('cq-member', '?show=some')).status).toBe(400);
  });

  it('honours preferences: with invitations off, being added sends nothing', async () => {
    const res = await post('/notifications', 'sc-member2', { intent: 'preferences', enabled: ['mention', 'reply'] });
    expect(res.status).toBe(200);
    const counts = await listen('sc-member2');
    expect((await post(`/workspaces/${chuanyu}`, 'sc-coordinator', { intent: 'addMember', userId: ids['sc-member2'], role: 'member' })).status).toBe(200);
    await settle();
    expect(counts).toEqual([]);
    const { html } = await page('sc-member2');
    expect(html).toContain('0 条未读');
    expect(html).not.toContain('您已被加入协作空间');
  });
});

describe(`the notification centre refuses bad input (${backend})`, () => {
  it('answers 4xx, never 500, and 404 for someone else\'s notification', async () => {
    const foreign = await asOwner(server.database.db, (trx) => trx.selectFrom('notifications').select('id')
      .where('user_id', '=', ids['cq-member2']).where('read_at', 'is', null).executeTakeFirstOrThrow());
    const bodies: Array<[string, string]> = [
      ['application/json', '{}'],
      ['application/json', '{"intent": '],
      ['application/json', JSON.stringify({ intent: 'drop' })],
      ['application/json', JSON.stringify({ intent: 'markRead', id: 'not-a-uuid' })],
      ['application/json', JSON.stringify({ intent: 'markRead' })],
      ['application/json', JSON.stringify({ intent: 'preferences', enabled: ['everything'] })],
      ['application/json', JSON.stringify({ intent: 'preferences', enabled: 'mention'.repeat(1000) })],
      ['application/x-www-form-urlencoded', 'intent=%%%&&=&id=%E0%A4%A'],
      ['multipart/form-data', '--x\r\n'],
    ];
    for (const [type, body] of bodies) {
      const res = await server.request('/notifications', { method: 'POST', cookie: cookies['sc-member'], headers: { 'Content-Type': type }, body });
      expect.soft(res.status, body).toBe(400);
    }
    expect((await post('/notifications', 'sc-member', { intent: 'markRead', id: foreign.id })).status).toBe(404);
    const still = await asOwner(server.database.db, (trx) => trx.selectFrom('notifications').select('read_at').where('id', '=', foreign.id).executeTakeFirstOrThrow());
    expect(still.read_at).toBeNull();
    const signedOut = await server.request('/notifications');
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get('location')).toMatch(/^\/login/);
  });
});
