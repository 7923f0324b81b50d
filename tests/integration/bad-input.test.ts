/**
 * Bad input on every route: whatever arrives at a loader or an action (ids that are not ids, garbled
 * query strings, headers and cookies, wrong content types, broken or wrongly shaped bodies, oversized
 * text) the answer is a 4xx with a message (or the normal page or redirect), never a 500, and the
 * server keeps serving. The table below names every file in app/routes; a new route must join it.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, backend, TEST_SESSION_SECRET, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf, noticeId, SEED, workspaceId } from '../factories/demo';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { regenerateFeed } from '../../server/services/calendar-feed';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { DEMO_FINDINGS, DEMO_INSPECTIONS } from '../../db/seed/inspections';

const ROUTES_DIR = path.resolve(import.meta.dirname, '../../app/routes');

/** Every route file, the URL it answers, and the intents its action tells apart (if it has one). */
const ROUTES: Record<string, { path: string; action?: readonly string[] }> = {
  '_index.tsx': { path: '/' },
  // The catch-all: any address no page has.
  '$.tsx': { path: '/no/such/page', action: [] },
  'admin.tsx': { path: '/admin' },
  'admin.audit.tsx': { path: '/admin/audit' },
  'admin.orgs.tsx': { path: '/admin/orgs', action: ['create', 'rename'] },
  'admin.users._index.tsx': { path: '/admin/users' },
  'admin.users.new.tsx': { path: '/admin/users/new', action: [] },
  'admin.users.$userId.tsx': { path: '/admin/users/:userId', action: ['update', 'disable', 'enable', 'password'] },
  'admin.workspaces._index.tsx': { path: '/admin/workspaces', action: [] },
  'admin.workspaces.$workspaceId.tsx': { path: '/admin/workspaces/:workspaceId', action: ['update', 'addOrg', 'removeOrg', 'addMember', 'removeMember', 'setRole'] },
  'antd-css.$sheet.tsx': { path: '/antd-css/:sheet' },
  'calendar._index.tsx': { path: '/calendar', action: ['create', 'feed', 'revokeFeed'] },
  'drafts._index.tsx': { path: '/drafts' },
  'drafts.new.tsx': { path: '/drafts/new', action: [] },
  'drafts.import.tsx': { path: '/drafts/import', action: [] },
  'drafts.$draftId.tsx': { path: '/drafts/:draftId', action: ['comment', 'reply', 'resolve', 'reopen', 'deleteComment'] },
  'drafts.$draftId.settings.tsx': { path: '/drafts/:draftId/settings', action: ['meta', 'visibility', 'invite', 'role', 'remove'] },
  'drafts.$draftId.versions.tsx': { path: '/drafts/:draftId/versions', action: ['save', 'restore'] },
  'drafts.$draftId.versions.$versionId.tsx': { path: '/drafts/:draftId/versions/:versionId' },
  'drafts.$draftId.export[.]docx.tsx': { path: '/drafts/:draftId/export.docx' },
  // 'freeze', 'reopen' and 'submit' are left out: they need nothing but the route's id.
  'drafts.$draftId.sponsors.tsx': { path: '/drafts/:draftId/sponsors', action: ['invite', 'remove', 'answer', 'sign'] },
  // 'delete' is left out, as for notices.
  'events.$eventId.tsx': { path: '/events/:eventId', action: ['update', 'visibility', 'answer', 'attendance', 'minutes', 'occurrence'] },
  'events.$eventId.download[.]ics.tsx': { path: '/events/:eventId/download.ics' },
  'lang.tsx': { path: '/lang', action: [] },
  'login.tsx': { path: '/login', action: [] },
  'logout.tsx': { path: '/logout', action: [] },
  // 'delete' is left out: it needs nothing but the route's id, so it would simply delete the notice.
  'notices.$noticeId.tsx': { path: '/notices/:noticeId', action: ['update', 'visibility'] },
  'notifications.tsx': { path: '/notifications', action: ['markRead', 'markAllRead', 'preferences'] },
  'notifications.unread.tsx': { path: '/notifications/unread' },
  // The steps that need nothing but the route's id (review, file, accept, close) are left out.
  'proposals.$proposalId.tsx': { path: '/proposals/:proposalId', action: ['reject', 'return', 'assign', 'reply', 'evaluate', 'opinion', 'quality', 'note', 'select', 'supervise'] },
  'proposals.$proposalId.export[.]docx.tsx': { path: '/proposals/:proposalId/export.docx' },
  'proposals.$proposalId.files.$fileId.tsx': { path: '/proposals/:proposalId/files/:fileId' },
  'proposals._index.tsx': { path: '/proposals' },
  'proposals.export[.]xlsx.tsx': { path: '/proposals/export.xlsx' },
  'proposals.dashboard.tsx': { path: '/proposals/dashboard' },
  'proposals.dashboard.export[.]xlsx.tsx': { path: '/proposals/dashboard/export.xlsx' },
  'search.tsx': { path: '/search' },
  'users.$userId.tsx': { path: '/users/:userId', action: ['contact', 'password'] },
  'workspaces._index.tsx': { path: '/workspaces' },
  'workspaces.$workspaceId.tsx': { path: '/workspaces/:workspaceId', action: ['post', 'addMember', 'removeMember'] },
  'inspections._index.tsx': { path: '/inspections', action: ['create'] },
  'inspections.mine.tsx': { path: '/inspections/mine' },
  'inspections.$inspectionId.tsx': { path: '/inspections/:inspectionId', action: ['report', 'status', 'roster.add', 'roster.remove', 'stop.add', 'stop.remove',
    'task.create', 'task.move', 'task.check', 'finding.create', 'finding.share', 'item.create', 'item.report', 'item.verify'] },
  'inspections.$inspectionId.findings.tsx': { path: '/inspections/:inspectionId/findings', action: [] },
  'inspections.$inspectionId.findings.$findingId.photos.tsx': { path: '/inspections/:inspectionId/findings/:findingId/photos', action: [] },
  'inspections.$inspectionId.photos.$photoId.tsx': { path: '/inspections/:inspectionId/photos/:photoId' },
  'inspections.$inspectionId.items[.]xlsx.tsx': { path: '/inspections/:inspectionId/items.xlsx' },
  'inspections.$inspectionId.summary[.]docx.tsx': { path: '/inspections/:inspectionId/summary.docx' },
};

/** What Express answers ahead of Remix (server/main.ts), swept the same way. */
const SERVER_ROUTES: Record<string, { path: string; action?: readonly string[] }> = {
  'calendar feed (server/calendar/feed-endpoint.ts)': { path: '/calendar/:feed' },
};

const long = '长'.repeat(20_000);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** Route ids that are not ids, or name nothing. */
const BAD_IDS = ['not-a-uuid', '%E0%A4%A', UNKNOWN_ID, '%00', '..%2F..%2Fadmin', 'x'.repeat(3000), `${UNKNOWN_ID}%20or%201%3D1`];
const GARBAGE_QUERY = '?q=%E0%A4%A&page=-1&page=abc&workspace=x&workspace=y&compare=zzz&view=nope&kind=nope&show=x'
  + '&from=2025-13-45&to=x&orgId=zzz&role=nobody&redirectTo=%2F%5Cevil.example&mine=2&type=x&_data=x&q=' + encodeURIComponent(long.slice(0, 600));
/** Edge values: NUL characters in every text filter (PostgreSQL refuses them in text), days past what it reads. */
const EDGE_QUERY = '?q=%00&action=log%00in&actor=%00&redirectTo=%2F%00&view=month&date=9999-12-31&from=0000-01-01&to=0001-01-01&year=0';
/** Headers a client may garble; sent together with the session cookie. */
const GARBAGE_HEADERS: Record<string, string> = {
  Referer: 'not a url', 'Accept-Language': '%%%;q=x', Accept: 'garbage/;;', 'X-Forwarded-For': 'not an address',
  'X-Forwarded-Host': 'exa mple:99999', 'X-Forwarded-Proto': 'gopher', 'If-Modified-Since': 'yesterday', Range: 'bytes=x-y',
};
const GARBAGE_COOKIES = 'lang=%E0%A4%A; cy_session=%zz; lang=%; =; cy_session';

// Every field some form reads, with the wrong type or an id that is not one.
const WRONG = { title: 123, body: {}, visibility: 'everyone', userId: [1], role: 7, name: null, orgId: 'x', roles: 'admin', password: 1,
  id: 'not-a-uuid', threadId: 'x', commentId: 'x', versionId: 'x', workspaceId: 'x', kind: 'poem', enabled: 'yes', locale: 5,
  username: {}, displayName: [], parentId: 'x', level: 'planet', description: 9, anchor: 'x', quote: 1 };
const UNKNOWN_IDS = Object.fromEntries(['id', 'userId', 'orgId', 'threadId', 'commentId', 'versionId', 'workspaceId', 'parentId'].map((k) => [k, UNKNOWN_ID]));

const json = (v: unknown): [contentType: string, body: string] => ['application/json', JSON.stringify(v)];
type Body = [what: string, contentType: string | undefined, body: string];
/** What an action gets for each of its intents (and for one it does not know). */
const intentBodies = (intents: readonly string[]): Body[] => [...intents, 'drop-tables'].flatMap((intent): Body[] => [
  [`intent ${intent}, wrong types`, ...json({ intent, ...WRONG })],
  [`intent ${intent}, unknown ids`, ...json({ intent, ...UNKNOWN_IDS, role: 'member', visibility: 'joint', name: '测试', body: '测试', title: '测试' })],
]);
/** Bodies every action gets. */
const BODIES: Body[] = [
  ['empty JSON object', ...json({})],
  ['JSON array', ...json([1, 2, 3])],
  ['JSON null', ...json(null)],
  ['JSON string', ...json('intent=post')],
  ['broken JSON', 'application/json', '{"intent": '],
  ['deeply nested JSON', 'application/json', '['.repeat(20_000) + ']'.repeat(20_000)],
  ['JSON in a charset nobody speaks', 'application/json; charset=utf-7', '{"intent":"post"}'],
  ['__proto__ keys', 'application/json', '{"__proto__":{"intent":"post"},"constructor":{"prototype":{"x":1}},"intent":"__proto__"}'],
  ['NUL characters in text, days past year 9999', ...json({ intent: 'post', startDay: '9999-12-31', endDay: '9999-12-31', startsOn: '0000-01-01', endsOn: '9999-12-31', deadline: '0000-01-01', title: '测\u0000试', body: '\u0000', name: '\u0000名', displayName: '\u0000', username: 'cq-member\u0000', password: '\u0000' })],
  ['oversized text', ...json({ intent: 'post', title: long, body: long, visibility: 'joint', name: long, displayName: long, username: long })],
  ['a comment anchored to nothing', ...json({ intent: 'comment', body: '评论', quote: '引文', anchor: { from: { item: { client: 1, clock: 1e9 } }, to: { item: { client: 1, clock: 1e9 + 5 } } } })],
  ['url-encoded garbage', 'application/x-www-form-urlencoded', 'intent=%%%&&=&title=%E0%A4%A&visibility[]=x&userId=%00'],
  ['url-encoded, repeated fields', 'application/x-www-form-urlencoded', 'intent=post&intent=update&title=a&title=b&roles=admin&roles=x'],
  ['no Content-Type', undefined, 'intent=post&title=x'],
  ['text/plain', 'text/plain', 'intent=post'],
  ['XML', 'application/xml', '<intent>post</intent>'],
  ['multipart without boundary', 'multipart/form-data', '--x\r\n'],
  ['multipart, broken', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data\r\n\r\nnope'],
  ['multipart, a file that is not Word', 'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="intent"\r\n\r\npost\r\n'
    + '--x\r\nContent-Disposition: form-data; name="workspaceId"\r\n\r\n{ws}\r\n'
    + '--x\r\nContent-Disposition: form-data; name="visibility"\r\n\r\njoint\r\n'
    + '--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nproposal\r\n'
    + '--x\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04 not a zip\r\n--x--\r\n'],
];

let server: TestServer;
let port: number;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};

interface Answer { status: number; body: string }

/**
 * A request with exactly these headers (fetch would not send a bad Host, and normalizes others). A
 * server that answers before reading the whole body may reset the connection: the answer still counts.
 */
function raw(method: string, target: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    let answer: Answer | undefined;
    // A fresh connection each time: a kept-alive one the server closed would fail the next request.
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, setHost: !('Host' in headers), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(answer ?? { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') || '(reset)' }));
    });
    req.on('error', (err) => { if (!answer) resolve({ status: 0, body: `no answer: ${err.message}` }); });
    req.end(body === undefined ? undefined : Buffer.from(body.replace('{ws}', ids.workspaceId), 'utf8'));
  });
}

beforeAll(async () => {
  server = await startTestServer();
  port = server.port;
  const db = server.database.db;
  ids.workspaceId = await workspaceId(db, SEED.workspaces.chuanyu);
  ids.noticeId = await noticeId(db, SEED.notices.cqRegion);
  const owner = await asOwner(db, async (trx) => ({
    user: await trx.selectFrom('users').select('id').where('username', '=', 'cq-member2').executeTakeFirstOrThrow(),
    draft: await trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow(),
  }));
  ids.userId = owner.user.id;
  ids.eventId = (await asOwner(db, (trx) => trx.selectFrom('events').select('id').where('title', '=', DEMO_EVENTS.corridor).executeTakeFirstOrThrow())).id;
  ids.feed = `${await regenerateFeed(db, await actorOf(db, 'cq-member'), TEST_SESSION_SECRET)}.ics`;
  ids.draftId = owner.draft.id;
  // A proposal of cq-member's, received by the Chongqing committee (the cq-admin is its committee side).
  ids.proposalId = await asOwner(db, async (trx) => {
    const committee = await trx.selectFrom('orgs').select('id').where('name', '=', '重庆市政协').executeTakeFirstOrThrow();
    const member = await trx.selectFrom('users').select('id').where('username', '=', 'cq-member').executeTakeFirstOrThrow();
    const p = await trx.insertInto('proposals').values({
      owner_org_id: committee.id, owner_region: 'chongqing', workspace_id: ids.workspaceId, visibility: 'joint', regions: ['chongqing'],
      author_id: member.id, year: 2026, sequence: 9990, number: '渝政协2026第9990号', title: '关于测试坏输入的提案', state: 'replied',
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('proposal_sponsors').values({ proposal_id: p.id, user_id: member.id, region: 'chongqing', role: 'lead' }).execute();
    return p.id;
  });
  // The 乌江 inspection and its shared finding (no photo yet: any photo id is unknown).
  const insp = await asOwner(db, async (trx) => ({
    inspection: await trx.selectFrom('inspections').select('id').where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow(),
    finding: await trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.wujiangShared).executeTakeFirstOrThrow(),
  }));
  ids.inspectionId = insp.inspection.id;
  ids.findingId = insp.finding.id;
  ids.photoId = insp.finding.id;
  // The proposal has no reply, so no file: any file id is unknown.
  ids.fileId = ids.proposalId;
  // The admin, and the author of the joint draft (who may manage it), both of Chongqing.
  cookies['cq-admin'] = await server.login('cq-admin');
  cookies['cq-member'] = await server.login('cq-member');
  cookies.nobody = '';
  const saved = await server.request(`/drafts/${ids.draftId}/versions`, {
    method: 'POST', cookie: cookies['cq-member'], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'save', name: '测试版本' }),
  });
  expect(saved.status).toBe(200);
  ids.versionId = (await asOwner(db, (trx) => trx.selectFrom('draft_versions').select('id').where('draft_id', '=', ids.draftId)
    .executeTakeFirstOrThrow())).id;
}, 120_000);
afterAll(() => server?.stop());

const fill = (template: string, bad?: { param: string; value: string }) =>
  template.replace(/:(\w+)/g, (_, name: string) => (bad?.param === name ? bad.value : ids[name]));
const dataUrl = (p: string) => (p === '/' ? '/_root.data' : `${p}.data`);

/** Sends every variant to one route; returns the requests that failed (5xx, no answer, or a 4xx without a message). */
async function sweep(file: string): Promise<string[]> {
  const route = ROUTES[file] ?? SERVER_ROUTES[file];
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const own = fill(route.path);
  const badPaths = params.flatMap((param) => BAD_IDS.map((value) => fill(route.path, { param, value })));
  const failures: string[] = [];
  const send = async (what: string, ...args: Parameters<typeof raw>) => {
    const a = await raw(...args);
    if (a.status === 0 || a.status >= 500 || (a.status >= 400 && a.body.trim() === '')) failures.push(`${a.status} ${what}: ${a.body.slice(0, 160)}`);
  };
  for (const [who, cookie] of Object.entries(cookies)) {
    const as = `as ${who}`;
    // /logout gets garbage cookies only: a real one would end the session in the middle of the sweep.
    const session = file === 'logout.tsx' ? '' : cookie;
    const withCookie = (extra = '') => ({ Cookie: [session, extra].filter(Boolean).join('; ') });
    const json = { ...withCookie(), 'Content-Type': 'application/json' };
    // Signed out, most routes only send the browser to /login: a few requests say so.
    const signedOutOnly = who === 'nobody' && !['login.tsx', 'lang.tsx', 'logout.tsx'].includes(file);

    await send(`GET ${own} ${as}`, 'GET', own, withCookie());
    await send(`GET ${own} with a garbled query ${as}`, 'GET', own + GARBAGE_QUERY, withCookie());
    await send(`GET ${own} with edge values in the query ${as}`, 'GET', own + EDGE_QUERY, withCookie());
    await send(`GET ${own} with garbled headers and cookies ${as}`, 'GET', own, { ...withCookie(GARBAGE_COOKIES), ...GARBAGE_HEADERS });
    await send(`GET ${own} with an unparsable Host ${as}`, 'GET', own, { ...withCookie(), Host: 'exa mple' });
    await send(`GET ${dataUrl(own)} with garbled _routes ${as}`, 'GET', `${dataUrl(own)}?_routes=%E0%A4%A,routes%2Fnope`, withCookie());
    if (route.action && !signedOutOnly) {
      // As the app's own fetchers post (single fetch: <path>.data, no page rendered), and a few as a plain form.
      const bodies = [...BODIES, ...intentBodies(route.action)];
      const posts = [...bodies.map((b) => [dataUrl(own), ...b] as const), ...bodies.slice(0, 3).map((b) => [own, ...b] as const)];
      for (const [target, what, type, body] of posts) {
        await send(`POST ${target} [${what}] ${as}`, 'POST', target, { ...withCookie(), ...(type ? { 'Content-Type': type } : {}) }, body);
      }
      await send(`POST ${own} with garbled headers ${as}`, 'POST', own, { ...json, ...GARBAGE_HEADERS, Cookie: withCookie(GARBAGE_COOKIES).Cookie }, '{}');
    } else {
      // No action (or signed out): a 405 or the way to /login.
      await send(`POST ${own} ${as}`, 'POST', own, json, '{"intent":"post"}');
    }
    if (who === 'nobody') continue;
    for (const p of badPaths) {
      await send(`GET ${p} ${as}`, 'GET', p, withCookie());
      await send(`GET ${dataUrl(p)} ${as}`, 'GET', dataUrl(p), withCookie());
      await send(`POST ${p} ${as}`, 'POST', p, json, JSON.stringify({ intent: route.action?.[0] ?? 'post', ...WRONG }));
    }
  }
  return failures;
}

describe(`every route answers bad input with a 4xx, never a 500 (${backend})`, () => {
  it('the table names every route file, and which of them have an action', () => {
    const files = fs.readdirSync(ROUTES_DIR).filter((f) => /\.tsx?$/.test(f) && !/\.test\./.test(f)).sort();
    expect(Object.keys(ROUTES).sort()).toEqual(files);
    for (const file of files) {
      const hasAction = /export (async function|const|function) action\b/.test(fs.readFileSync(path.join(ROUTES_DIR, file), 'utf8'));
      expect(!!ROUTES[file].action, file).toBe(hasAction);
    }
  });

  for (const file of [...Object.keys(ROUTES), ...Object.keys(SERVER_ROUTES)]) {
    it(file, async () => {
      const failures = await sweep(file);
      if (failures.length > 0) console.error(`${file}:\n${failures.join('\n')}`); // the diff below is cut short
      expect(failures).toEqual([]);
    }, 120_000);
  }

  it('the server is still healthy afterwards, and nothing saved was lost', async () => {
    expect((await server.request('/healthz')).status).toBe(200);
    const home = await server.request('/', { cookie: cookies['cq-member'] });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(SEED.notices.cqRegion);
  });
});
