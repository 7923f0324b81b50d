/**
 * Bad input on every form: whatever arrives — empty, wrong types, unknown intents, broken JSON,
 * oversized text — the answer is a 4xx, never a 500, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, backend, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { noticeId, SEED, workspaceId } from '../factories/demo';

let server: TestServer;
let admin: string;
let coordinator: string;
const paths: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('cq-admin');
  coordinator = await server.login('cq-coordinator');
  const db = server.database.db;
  const ws = await workspaceId(db, SEED.workspaces.chuanyu);
  const notice = await noticeId(db, SEED.notices.cqRegion);
  const user = await asOwner(db, (trx) => trx.selectFrom('users').select('id').where('username', '=', 'cq-member2').executeTakeFirstOrThrow());
  paths.push('/login', '/lang', `/workspaces/${ws}`, `/notices/${notice}`, '/admin/users/new', `/admin/users/${user.id}`,
    '/admin/orgs', '/admin/workspaces', `/admin/workspaces/${ws}`);
}, 120_000);
afterAll(() => server?.stop());

const long = '长'.repeat(20_000);
const bodies: Array<[string, string, string]> = [
  ['empty JSON object', 'application/json', '{}'],
  ['JSON array', 'application/json', '[1,2,3]'],
  ['broken JSON', 'application/json', '{"intent": '],
  ['JSON null', 'application/json', 'null'],
  ['wrong types', 'application/json', JSON.stringify({ intent: 'post', title: 123, body: {}, visibility: 'everyone', userId: [1], role: 7, name: null, orgId: 'x', roles: 'admin', password: 1 })],
  ['unknown intent', 'application/json', JSON.stringify({ intent: 'drop-tables' })],
  ['every intent with nothing else', 'application/json', JSON.stringify({ intent: 'update' })],
  ['oversized text', 'application/json', JSON.stringify({ intent: 'post', title: long, body: long, visibility: 'joint', name: long, displayName: long, username: long })],
  ['unknown ids', 'application/json', JSON.stringify({ intent: 'addMember', userId: '00000000-0000-4000-8000-000000000000', orgId: '00000000-0000-4000-8000-000000000000', role: 'member' })],
  ['url-encoded garbage', 'application/x-www-form-urlencoded', 'intent=%%%&&=&title=%E0%A4%A&visibility[]=x'],
  ['multipart without boundary', 'multipart/form-data', '--x\r\n'],
];

describe(`every form refuses bad input with a 4xx (${backend})`, () => {
  for (const [what, type, body] of bodies) {
    it(`${what}`, async () => {
      for (const cookie of [admin, coordinator]) {
        for (const path of paths) {
          const res = await server.request(path, { method: 'POST', cookie, headers: { 'Content-Type': type }, body });
          expect.soft(res.status, `${path} as ${cookie === admin ? 'cq-admin' : 'cq-coordinator'}`).toBeGreaterThanOrEqual(300);
          expect.soft(res.status, `${path}`).toBeLessThan(500);
        }
      }
    });
  }

  it('malformed query strings on list pages are a 4xx or a normal page, never a 500', async () => {
    for (const q of ['/admin/audit?from=2025-13-45&to=x&page=-1', '/admin/audit?page=abc', '/admin/users?role=nobody&org=zzz&q=' + long.slice(0, 500),
      '/workspaces/not-a-uuid', '/notices/%E0%A4%A', '/users/00000000-0000-4000-8000-000000000000']) {
      const res = await server.request(q, { cookie: admin });
      expect.soft(res.status, q).toBeLessThan(500);
    }
  });

  it('the server is still healthy afterwards, and nothing saved was lost', async () => {
    expect((await server.request('/healthz')).status).toBe(200);
    const home = await server.request('/', { cookie: coordinator });
    expect(await home.text()).toContain(SEED.notices.cqRegion);
  });
});
