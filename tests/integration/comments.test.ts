/**
 * Comments on drafts over HTTP on the real server (production build, demo data): the draft page's
 * action takes the comments panel's intents. Commenters comment, viewers get 403, outsiders 404;
 * replies, resolve and reopen; mentions notify only readers; readers' open pages hear about each
 * change live (socket.io), the other region never hears of the Chongqing-private draft; bad input
 * is a 400 with field errors, an unknown thread a 404, never a 500.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import type { ClientToServerEvents, RecordChange, ServerToClientEvents } from '../../shared/realtime/events';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: TestServer;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};
const drafts: Record<string, string> = {};
const open: Client[] = [];
const USERS = ['cq-member', 'cq-leader', 'cq-coordinator', 'sc-member', 'sc-member2', 'sc-coordinator', 'sc-leader', 'gz-member'];

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  for (const u of await asOwner(db, (trx) => trx.selectFrom('users').select(['id', 'username']).execute())) ids[u.username] = u.id;
  for (const d of await asOwner(db, (trx) => trx.selectFrom('drafts').select(['id', 'title']).execute())) drafts[d.title] = d.id;
  for (const u of USERS) cookies[u] = await server.login(u);
});
afterEach(() => { for (const s of open.splice(0)) s.disconnect(); });
afterAll(() => server?.stop());

const H = () => drafts[DEMO_DRAFT_TITLES.hydrogen];
const CQ = () => drafts[DEMO_DRAFT_TITLES.chongqing];
const MISSING = '00000000-0000-4000-8000-000000000000';
/** A well-formed anchor (the browser makes real ones with y-tiptap; the server only stores them). */
const anchor = { from: { item: { client: 1, clock: 10 }, assoc: -1 }, to: { item: { client: 1, clock: 20 }, assoc: -1 } };

/** Whether a page or data payload carries a text, raw or JSON-escaped (\uXXXX) as in serialized loader data. */
function carries(body: string, text: string): boolean {
  const escaped = [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return body.includes(text) || body.toLowerCase().includes(escaped);
}

const post = (user: string, draftId: string, body: unknown, type = 'application/json') => server.request(`/drafts/${draftId}`, {
  method: 'POST', cookie: cookies[user], headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body),
});
/** The action's answer as data (single fetch: the .data request a fetcher makes). */
async function act(user: string, draftId: string, body: unknown) {
  const res = await server.request(`/drafts/${draftId}.data`, {
    method: 'POST', cookie: cookies[user], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const comments = (draftId: string) => asOwner(server.database.db, (trx) => trx.selectFrom('draft_comments')
  .select(['id', 'thread_id', 'author_id', 'body', 'quote', 'resolved_at', 'resolved_by']).where('draft_id', '=', draftId).orderBy('created_at').execute());
const notificationsOf = (user: string) => asOwner(server.database.db, (trx) => trx.selectFrom('notifications')
  .select(['kind', 'record_kind', 'record_id']).where('user_id', '=', ids[user]).execute());

/** A signed-in socket recording every record change it is told about. */
async function listen(user: string) {
  const socket: Client = connectClient(server.url, {
    path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
    extraHeaders: { Cookie: cookies[user], Origin: server.url },
  });
  open.push(socket);
  const events: RecordChange[] = [];
  socket.on('record:changed', (e) => events.push(e));
  await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('connect_error', reject); });
  return events;
}
const until = async (check: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const settle = () => new Promise((r) => setTimeout(r, 300));

describe(`commenting on the joint draft over HTTP (${backend})`, () => {
  let thread: string;

  it('a commenter comments (200); a viewer gets 403; the page carries the comment for every reader', async () => {
    const res = await post('sc-coordinator', H(), { intent: 'comment', body: '建议补充示范城市群的申报条件。', anchor, quote: '燃料电池汽车示范应用' });
    expect(res.status).toBe(200);
    const rows = await comments(H());
    expect(rows.at(-1)).toMatchObject({ author_id: ids['sc-coordinator'], thread_id: null, quote: '燃料电池汽车示范应用' });
    thread = rows.at(-1)!.id;
    const viewer = await post('sc-leader', H(), { intent: 'comment', body: '我也想评论', anchor, quote: '引文' });
    expect(viewer.status).toBe(403);
    expect(await comments(H())).toHaveLength(rows.length);
    for (const reader of ['cq-member', 'sc-leader']) {
      const page = await server.request(`/drafts/${H()}`, { cookie: cookies[reader] });
      expect(page.status).toBe(200);
      expect(carries(await page.text(), '建议补充示范城市群的申报条件。'), reader).toBe(true);
    }
  });

  it('replies, resolves and reopens across the regions; viewers cannot', async () => {
    expect((await post('cq-member', H(), { intent: 'reply', threadId: thread, body: '已补充申报条件。' })).status).toBe(200);
    expect((await post('sc-leader', H(), { intent: 'reply', threadId: thread, body: 'x' })).status).toBe(403);
    expect((await post('sc-leader', H(), { intent: 'resolve', threadId: thread })).status).toBe(403);
    expect((await post('cq-coordinator', H(), { intent: 'resolve', threadId: thread })).status).toBe(200);
    expect((await comments(H())).find((c) => c.id === thread)).toMatchObject({ resolved_by: ids['cq-coordinator'] });
    expect((await post('sc-coordinator', H(), { intent: 'reopen', threadId: thread })).status).toBe(200);
    expect((await comments(H())).find((c) => c.id === thread)).toMatchObject({ resolved_at: null, resolved_by: null });
    const replies = (await comments(H())).filter((c) => c.thread_id === thread);
    expect(replies.map((r) => r.author_id)).toEqual([ids['cq-member']]);
    // The thread's author hears of the reply.
    expect(await notificationsOf('sc-coordinator')).toContainEqual({ kind: 'reply', record_kind: 'draft', record_id: H() });
  });

  it('mentions notify readers only: naming someone who cannot read the draft is a field error', async () => {
    const refused = await act('cq-member', H(), { intent: 'comment', body: `请 <@${ids['sc-member2']}> 看看`, anchor, quote: '引文' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('comments.mentionUnavailable');
    expect(await notificationsOf('sc-member2')).toEqual([]);
    expect((await post('cq-member', H(), { intent: 'comment', body: `<@${ids['gz-member']}>`, anchor, quote: '引文' })).status).toBe(400);
    expect(await notificationsOf('gz-member')).toEqual([]);

    const ok = await act('cq-member', H(), { intent: 'comment', body: `请 <@${ids['sc-leader']}> 审阅`, anchor, quote: '引文' });
    expect(ok.status).toBe(200);
    expect(await notificationsOf('sc-leader')).toContainEqual({ kind: 'mention', record_kind: 'draft', record_id: H() });
    const centre = await server.request('/notifications', { cookie: cookies['sc-leader'] });
    expect(await centre.text()).toContain(`href="/drafts/${H()}"`);
  });

  it('deletes one’s own comment, not someone else’s (403) unless managing the draft', async () => {
    await post('sc-member', H(), { intent: 'reply', threadId: thread, body: '待删除的回复' });
    const reply = (await comments(H())).find((c) => c.body === '待删除的回复')!;
    expect((await post('sc-coordinator', H(), { intent: 'deleteComment', commentId: reply.id })).status).toBe(403);
    expect((await post('sc-member', H(), { intent: 'deleteComment', commentId: reply.id })).status).toBe(200);
    expect((await comments(H())).some((c) => c.id === reply.id)).toBe(false);
    expect((await post('sc-member', H(), { intent: 'deleteComment', commentId: reply.id })).status).toBe(404);
  });
});

describe(`outsiders and the boundary (${backend})`, () => {
  it('Guizhou gets 404 on the joint draft; Sichuan gets 404 on the Chongqing-private draft and never sees its comments', async () => {
    expect((await post('cq-leader', CQ(), { intent: 'comment', body: '重庆内部：暂不与四川方共享', anchor, quote: '引文' })).status).toBe(200);
    const cqThread = (await comments(CQ())).at(-1)!.id;
    for (const [user, draftId] of [['gz-member', H()], ['sc-member', CQ()], ['sc-coordinator', CQ()]] as const) {
      expect((await post(user, draftId, { intent: 'comment', body: 'x', anchor, quote: '引文' })).status, user).toBe(404);
      expect((await post(user, draftId, { intent: 'reply', threadId: cqThread, body: 'x' })).status, user).toBe(404);
      expect((await post(user, draftId, { intent: 'resolve', threadId: cqThread })).status, user).toBe(404);
      expect((await post(user, draftId, { intent: 'deleteComment', commentId: cqThread })).status, user).toBe(404);
      const page = await server.request(`/drafts/${draftId}`, { cookie: cookies[user] });
      expect(page.status, user).toBe(404);
      expect(carries(await page.text(), '暂不与四川方共享')).toBe(false);
      const data = await server.request(`/drafts/${draftId}.data`, { cookie: cookies[user] });
      expect(carries(await data.text(), '暂不与四川方共享')).toBe(false);
    }
    // A thread id of the private draft used on the joint one is simply unknown there.
    expect((await post('sc-member', H(), { intent: 'reply', threadId: cqThread, body: 'x' })).status).toBe(404);
  });

  it('readers’ pages hear of each change live; the other region hears nothing of the private draft', async () => {
    const [sichuan, guizhou, chongqing] = await Promise.all([listen('sc-member'), listen('gz-member'), listen('cq-member')]);
    expect((await post('cq-member', H(), { intent: 'comment', body: '实时评论', anchor, quote: '引文' })).status).toBe(200);
    await until(() => sichuan.some((e) => e.kind === 'draft' && e.id === H()), 'the joint draft change in Sichuan');
    expect(sichuan.find((e) => e.id === H())).toMatchObject({ kind: 'draft', action: 'updated' });
    expect((await post('cq-leader', CQ(), { intent: 'comment', body: '重庆内部实时评论', anchor, quote: '引文' })).status).toBe(200);
    await until(() => chongqing.some((e) => e.id === CQ()), 'the private draft change in Chongqing');
    await settle();
    expect(sichuan.some((e) => e.id === CQ())).toBe(false);
    expect(guizhou).toEqual([]);
  });
});

describe(`bad input is a 4xx, never a 500 (${backend})`, () => {
  it('answers field errors (400), unknown threads (404) and malformed ids without touching SQL', async () => {
    const thread = (await comments(H())).find((c) => c.thread_id === null)!.id;
    const cases: Array<[unknown, number, string?]> = [
      [{}, 400], [[1, 2], 400], [{ intent: 'drop-tables' }, 400], [{ intent: 'comment' }, 400, 'body'],
      [{ intent: 'comment', body: '  ', anchor, quote: '引文' }, 400, 'body'],
      [{ intent: 'comment', body: '长'.repeat(5000), anchor, quote: '引文' }, 400, 'body'],
      [{ intent: 'comment', body: 'x', anchor: { from: {}, to: {} }, quote: '引文' }, 400, 'anchor'],
      [{ intent: 'comment', body: 'x', anchor: 'here', quote: '引文' }, 400, 'anchor'],
      [{ intent: 'comment', body: 'x', anchor: { from: { tname: 'other' }, to: { tname: 'default' } }, quote: '引文' }, 400, 'anchor'],
      [{ intent: 'comment', body: 'x', anchor, quote: '' }, 400, 'quote'],
      [{ intent: 'comment', body: 'x', anchor, quote: '长'.repeat(600) }, 400, 'quote'],
      [{ intent: 'comment', body: `<@${MISSING}>`, anchor, quote: '引文' }, 400, 'comments.mentionUnavailable'],
      [{ intent: 'reply', threadId: 'not-a-uuid', body: 'x' }, 400, 'threadId'],
      [{ intent: 'reply', threadId: thread, body: { text: 'x' } }, 400, 'body'],
      [{ intent: 'reply', threadId: MISSING, body: 'x' }, 404],
      [{ intent: 'resolve', threadId: MISSING }, 404],
      [{ intent: 'reopen' }, 400, 'threadId'],
      [{ intent: 'deleteComment', commentId: "1' or 1=1 --" }, 400, 'commentId'],
      [{ intent: 'deleteComment', commentId: MISSING }, 404],
    ];
    for (const [body, want, field] of cases) {
      const res = await act('sc-member', H(), body);
      expect.soft(res.status, JSON.stringify(body).slice(0, 80)).toBe(want);
      if (field) expect.soft(res.text, JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    for (const [type, body] of [['application/json', '{"intent": '], ['application/x-www-form-urlencoded', 'intent=%%%&&='], ['multipart/form-data', '--x\r\n']]) {
      expect.soft((await post('sc-member', H(), body, type)).status, body).toBe(400);
    }
    expect((await post('sc-member', 'not-a-uuid', { intent: 'comment', body: 'x', anchor, quote: '引文' })).status).toBe(404);
    const signedOut = await server.request(`/drafts/${H()}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(signedOut.status).toBe(302);
    expect((await server.request('/healthz')).status).toBe(200);
  });
});
