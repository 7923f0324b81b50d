/**
 * Per-user rate limits (server/rate-limits.ts) on the real server: comments, search, Word import and
 * live connections (collab and socket.io) answer 429 / 4429 / `too-many` past the limit, with the
 * Chinese message, and nothing of the refused action happens. Another user is not affected. (Two
 * processes sharing one count through Redis: collab-cluster.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { rawSocket } from '../support/collab';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { RATE_LIMITS } from '../../server/rate-limits';
import { CLOSE } from '../../shared/realtime/collab';

let server: TestServer;
let draftId: string;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  draftId = (await asOwner(db, (trx) => trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
  workspaceId = (await asOwner(db, (trx) => trx.selectFrom('drafts').select('workspace_id').where('id', '=', draftId).executeTakeFirstOrThrow())).workspace_id;
});
afterAll(() => server?.stop());

const anchor = { from: { item: { client: 1, clock: 10 }, assoc: -1 }, to: { item: { client: 1, clock: 20 }, assoc: -1 } };
const comment = (cookie: string, body: string) => server.request(`/drafts/${draftId}.data`, {
  method: 'POST', cookie, headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ intent: 'comment', body, anchor, quote: '燃料电池汽车' }),
});
const commentCount = () => asOwner(server.database.db, async (trx) => Number((await trx.selectFrom('draft_comments')
  .select((eb) => eb.fn.countAll().as('n')).where('draft_id', '=', draftId).executeTakeFirstOrThrow()).n));

describe('rate limits per user', () => {
  it(`comments: ${RATE_LIMITS.comment.points} a minute, then 429 with a message and nothing stored; another user still comments`, async () => {
    const cq = await server.login('cq-member');
    const before = await commentCount();
    for (let i = 0; i < RATE_LIMITS.comment.points; i++) expect((await comment(cq, `第${i}条意见`)).status).toBe(200);
    const refused = await comment(cq, '多出的一条');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('error.rateLimited');
    expect(await commentCount()).toBe(before + RATE_LIMITS.comment.points);
    expect((await comment(await server.login('sc-member'), '四川委员的意见')).status).toBe(200);
  });

  it(`search: ${RATE_LIMITS.search.points} searches a minute, then the page says so with a 429 (the empty page is not counted)`, async () => {
    const sc = await server.login('sc-coordinator');
    for (let i = 0; i < 5; i++) expect((await server.request('/search', { cookie: sc })).status).toBe(200);
    for (let i = 0; i < RATE_LIMITS.search.points; i++) expect((await server.request(`/search?q=${encodeURIComponent('氢能')}`, { cookie: sc })).status).toBe(200);
    const refused = await server.request(`/search?q=${encodeURIComponent('氢能')}`, { cookie: sc });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('操作过于频繁');
  }, 120_000); // 65 searches: slow on the embedded database of a busy machine

  it(`Word import: ${RATE_LIMITS.wordImport.points} tries in ${RATE_LIMITS.wordImport.seconds / 60} minutes, then 429 on the file field before the file is looked at`, async () => {
    const cookie = await server.login('cq-coordinator');
    const upload = () => {
      const form = new FormData();
      form.append('workspaceId', workspaceId);
      form.append('kind', 'proposal');
      form.append('visibility', 'org');
      form.append('file', new File([Buffer.from('not a word file')], '提案.docx'));
      return server.request('/drafts/import.data', { method: 'POST', cookie, body: form });
    };
    for (let i = 0; i < RATE_LIMITS.wordImport.points; i++) expect((await upload()).status).toBe(400); // counted, then refused as not Word
    const refused = await upload();
    expect(refused.status).toBe(429);
    const body = await refused.text();
    expect(body).toContain('file');
    expect(body).toContain('error.rateLimited');
  });

  it(`live connections: ${RATE_LIMITS.connection.points} a minute across collab and socket.io, then 4429 / too-many`, async () => {
    const cookie = await server.login('sc-member');
    const headers = { origin: server.url, cookie };
    const half = RATE_LIMITS.connection.points / 2;
    for (let i = 0; i < half; i++) {
      const s = rawSocket(server.url, draftId, headers);
      await Promise.race([s.opened, s.closed]);
      s.ws.close();
      await s.closed;
    }
    const socketIo = () => new Promise<string>((resolve) => {
      const s = connectClient(server.url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
      s.once('connect', () => { s.disconnect(); resolve('connected'); });
      s.once('connect_error', (err) => { s.disconnect(); resolve((err as Error & { data?: { code?: string } }).data?.code ?? err.message); });
    });
    for (let i = 0; i < half; i++) expect(await socketIo()).toBe('connected');
    expect(await rawSocket(server.url, draftId, headers).closed).toBe(CLOSE.RATE_LIMITED);
    expect(await socketIo()).toBe('too-many');
    // Someone else connects as usual.
    const other = rawSocket(server.url, draftId, { origin: server.url, cookie: await server.login('cq-member') });
    await other.opened;
    other.ws.close();
  });
});
