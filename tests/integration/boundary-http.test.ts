/**
 * The boundary as a browser meets it: pages, direct URLs, Remix data requests and actions, logged in
 * as sc-member and cq-member on the real server (production build) with the demo data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestServer, type TestServer } from '../support/server';
import { insertNotice, noticeId, SEED, workspaceId } from '../factories/demo';
import { asOwner } from '../support/owner';

let server: TestServer;
const cookies: Record<string, string> = {};
const ids = { notices: {} as Record<keyof typeof SEED.notices, string>, workspaces: {} as Record<keyof typeof SEED.workspaces, string> };
let cqOrgInCqOwn: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const u of ['sc-member', 'cq-member', 'cq-member2', 'unit-ndrc', 'cq-admin']) cookies[u] = await server.login(u);
  for (const [k, title] of Object.entries(SEED.notices)) ids.notices[k as keyof typeof SEED.notices] = await noticeId(server.database.db, title);
  for (const [k, name] of Object.entries(SEED.workspaces)) ids.workspaces[k as keyof typeof SEED.workspaces] = await workspaceId(server.database.db, name);
  // An org-private notice of 重庆市政协 in a workspace where 璧山区政协 (cq-member2) is also a member.
  cqOrgInCqOwn = await insertNotice(server.database.db, {
    workspace: SEED.workspaces.cqOwn, author: 'cq-coordinator', visibility: 'org', title: '重庆市政协机关内部通知（测试）',
  });
});
afterAll(() => server?.stop());

/** Whether a page or data payload carries a text, raw or JSON-escaped (\uXXXX) as in serialized loader data. */
function carries(body: string, text: string): boolean {
  const escaped = [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return body.includes(text) || body.toLowerCase().includes(escaped);
}

async function get(user: string | null, path: string) {
  const res = await server.request(path, { cookie: user ? cookies[user] : undefined });
  return { status: res.status, body: await res.text(), location: res.headers.get('location') };
}

const SC_PRIVATE = [SEED.notices.scRegion, SEED.notices.scOwnRegion];
const CQ_PRIVATE = [SEED.notices.cqRegion, SEED.notices.cqOrg, SEED.notices.cqOwnRegion];

describe(`the home page (${backend})`, () => {
  it('sc-member sees joint and Sichuan notices, never Chongqing\'s private ones', async () => {
    const { status, body } = await get('sc-member', '/');
    expect(status).toBe(200);
    expect(body).toContain(SEED.notices.jointHydrogen);
    for (const t of SC_PRIVATE) expect(body).toContain(t);
    for (const t of CQ_PRIVATE) expect(carries(body, t), t).toBe(false);
    expect(carries(body, SEED.workspaces.cqOwn)).toBe(false);
    expect(body).toContain(SEED.workspaces.scOwn);
  });

  it('cq-member sees joint and Chongqing notices, never Sichuan\'s private ones', async () => {
    const { status, body } = await get('cq-member', '/');
    expect(status).toBe(200);
    expect(body).toContain(SEED.notices.jointHydrogen);
    for (const t of CQ_PRIVATE) expect(body).toContain(t);
    for (const t of SC_PRIVATE) expect(carries(body, t), t).toBe(false);
    expect(carries(body, SEED.workspaces.scOwn)).toBe(false);
  });

  it('labels say who a record is shared between and where people belong: 渝黔联合 for 乌江, 国家部委 for the ministry', async () => {
    const notice = (body: string, title: string) => {
      const item = body.split('data-testid="notice-item"').find((part) => part.includes(title));
      expect(item, title).toBeDefined();
      return item!;
    };
    const { body } = await get('cq-member', '/');
    expect(notice(body, SEED.notices.wujiangJoint)).toContain('渝黔联合');
    expect(notice(body, SEED.notices.jointHydrogen)).toContain('川渝联合');
    expect(carries(notice(body, SEED.notices.wujiangJoint), '川渝联合')).toBe(false);
    const wujiang = await get('cq-member', `/notices/${ids.notices.wujiangJoint}`);
    expect(wujiang.body).toContain('渝黔联合');
    // The handling unit of a national ministry is not of Chongqing.
    const unit = await get('unit-ndrc', '/');
    const header = unit.body.slice(unit.body.indexOf('data-testid="current-user"'), unit.body.indexOf('</header>'));
    expect(header).toContain('国家部委');
    expect(header).not.toContain('重庆');
  });

  it('the Remix data request for the home page leaks nothing either', async () => {
    const { status, body } = await get('sc-member', '/_root.data');
    expect(status).toBe(200);
    expect(carries(body, SEED.notices.jointHydrogen)).toBe(true);
    for (const t of CQ_PRIVATE) expect(carries(body, t), t).toBe(false);
  });

  it('the workspace list shows no workspace of the other region alone', async () => {
    const sc = await get('sc-member', '/workspaces');
    expect(sc.status).toBe(200);
    expect(sc.body).toContain(SEED.workspaces.chuanyu);
    expect(carries(sc.body, SEED.workspaces.cqOwn)).toBe(false);
    expect(carries(sc.body, SEED.workspaces.wujiang)).toBe(false);
    const cq = await get('cq-member', '/workspaces');
    expect(cq.status).toBe(200);
    expect(carries(cq.body, SEED.workspaces.scOwn)).toBe(false);
  });
});

describe(`direct URLs (${backend})`, () => {
  it('a notice of one\'s own region, and a joint one, open (200)', async () => {
    const own = await get('sc-member', `/notices/${ids.notices.scRegion}`);
    expect(own.status).toBe(200);
    expect(own.body).toContain(SEED.notices.scRegion);
    const joint = await get('sc-member', `/notices/${ids.notices.jointHydrogen}`);
    expect(joint.status).toBe(200);
    expect(joint.body).toContain(SEED.notices.jointHydrogen);
  });

  it('the other region\'s private notice is 404, as page and as data, and shows nothing of it', async () => {
    for (const [user, key] of [['sc-member', 'cqRegion'], ['sc-member', 'cqOrg'], ['sc-member', 'cqOwnRegion'], ['cq-member', 'scRegion'], ['cq-member', 'scOwnRegion']] as const) {
      for (const path of [`/notices/${ids.notices[key]}`, `/notices/${ids.notices[key]}.data`]) {
        const res = await get(user, path);
        expect(res.status, `${user} ${path}`).toBe(404);
        expect(carries(res.body, SEED.notices[key]), `${user} ${path}`).toBe(false);
      }
    }
  });

  it('org visibility: another committee of the same region gets 404, the owning committee 200', async () => {
    expect((await get('cq-member2', `/notices/${cqOrgInCqOwn}`)).status).toBe(404); // 璧山区政协
    expect((await get('cq-member', `/notices/${cqOrgInCqOwn}`)).status).toBe(200);  // 重庆市政协
  });

  it('the other region\'s own workspace is 404; one\'s own opens', async () => {
    const cqOwn = await get('sc-member', `/workspaces/${ids.workspaces.cqOwn}`);
    expect(cqOwn.status).toBe(404);
    expect(carries(cqOwn.body, SEED.workspaces.cqOwn)).toBe(false);
    expect((await get('sc-member', `/workspaces/${ids.workspaces.wujiang}`)).status).toBe(404);
    expect((await get('cq-member', `/workspaces/${ids.workspaces.scOwn}`)).status).toBe(404);
    const scOwn = await get('sc-member', `/workspaces/${ids.workspaces.scOwn}`);
    expect(scOwn.status).toBe(200);
    expect(scOwn.body).toContain(SEED.workspaces.scOwn);
  });

  it('a shared workspace shows each side only what it may read', async () => {
    const sc = await get('sc-member', `/workspaces/${ids.workspaces.chuanyu}`);
    expect(sc.status).toBe(200);
    expect(sc.body).toContain(SEED.notices.jointPlan);
    expect(sc.body).toContain(SEED.notices.scRegion);
    for (const t of [SEED.notices.cqRegion, SEED.notices.cqOrg]) expect(carries(sc.body, t), t).toBe(false);
    const cq = await get('cq-member', `/workspaces/${ids.workspaces.chuanyu}`);
    expect(cq.body).toContain(SEED.notices.cqRegion);
    expect(carries(cq.body, SEED.notices.scRegion)).toBe(false);
  });

  it('actions on the other region\'s notice are 404 and change nothing', async () => {
    const id = ids.notices.cqRegion;
    for (const body of [{ intent: 'visibility', visibility: 'joint' }, { intent: 'update', title: '改', body: '改' }, { intent: 'delete' }]) {
      const res = await server.request(`/notices/${id}`, {
        method: 'POST', cookie: cookies['sc-member'], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      expect(res.status, body.intent).toBe(404);
    }
    const still = await get('cq-member', `/notices/${id}`);
    expect(still.status).toBe(200);
    expect(still.body).toContain(SEED.notices.cqRegion);
    expect(carries((await get('sc-member', '/')).body, SEED.notices.cqRegion)).toBe(false);
  });

  it('a malformed submission to a record one may not read is 404, not the form\'s 400; to the administration, 403', async () => {
    const chongqingOnly = (table: 'drafts' | 'events' | 'proposals' | 'inspections') => asOwner(server.database.db, (trx) =>
      trx.selectFrom(table).select('id').where('owner_region', '=', 'chongqing').where('visibility', '=', 'region').executeTakeFirstOrThrow())
      .then((r) => r.id);
    const paths = [
      `/workspaces/${ids.workspaces.cqOwn}`, `/notices/${ids.notices.cqRegion}`,
      `/drafts/${await chongqingOnly('drafts')}`, `/drafts/${await chongqingOnly('drafts')}/sponsors`,
      `/events/${await chongqingOnly('events')}`, `/proposals/${await chongqingOnly('proposals')}`,
      `/inspections/${await chongqingOnly('inspections')}`, `/inspections/${await chongqingOnly('inspections')}/findings`,
    ];
    for (const path of paths) {
      for (const body of [{ intent: 'post' }, { intent: 'nonsense', x: 1 }]) {
        const res = await server.request(path, {
          method: 'POST', cookie: cookies['sc-member'], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
        });
        expect(res.status, `${path} ${body.intent}`).toBe(404);
      }
    }
    for (const path of ['/admin/users/new', '/admin/orgs', '/admin/workspaces']) {
      const res = await server.request(path, {
        method: 'POST', cookie: cookies['cq-member'], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'x' }),
      });
      expect(res.status, path).toBe(403);
    }
  });

  it('malformed or unknown ids are 404, never 500', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      '/notices/not-a-uuid', '/notices/123', "/notices/1'%20OR%20'1'='1", `/notices/${unknown}`, `/notices/${unknown}.data`,
      '/workspaces/not-a-uuid', `/workspaces/${unknown}`, '/workspaces/%00', `/workspaces/${ids.workspaces.scOwn}x`,
    ]) {
      expect((await get('sc-member', path)).status, path).toBe(404);
    }
    const post = await server.request('/notices/not-a-uuid', {
      method: 'POST', cookie: cookies['sc-member'], headers: { 'Content-Type': 'application/json' }, body: '{"intent":"delete"}',
    });
    expect(post.status).toBe(404);
    // The 404 page keeps the app around it: the header (who is signed in, the navigation) and a heading.
    const page = await get('sc-member', `/notices/${unknown}`);
    expect(page.body).toContain('data-testid="current-user"');
    expect(page.body).toMatch(/<h1[^>]*>找不到页面<\/h1>/);
    // Broken percent-encoding is refused, not crashed on.
    expect([400, 404]).toContain((await get('sc-member', '/notices/%E0%A4%A')).status);
  });

  it('the interface offers only what the policy allows: a handling unit neither drafts nor administers', async () => {
    const unit = await get('unit-ndrc', '/drafts');
    expect(unit.status).toBe(200);
    expect(unit.body).not.toContain('data-testid="new-draft"');
    expect(unit.body).not.toContain('data-testid="import-draft"');
    expect(unit.body).not.toContain('href="/drafts"'); // no 草稿 in its navigation
    for (const path of ['/drafts/new', '/drafts/import', '/admin/users']) expect((await get('unit-ndrc', path)).status, path).toBe(403);
    const member = await get('cq-member', '/drafts');
    expect(member.body).toContain('data-testid="new-draft"');
    expect(member.body).not.toContain('href="/admin/users"');
    expect((await get('cq-member', '/admin/users')).status).toBe(403);
    expect((await get('cq-admin', '/')).body).toContain('href="/admin/users"');
  });

  it('signed out, a direct URL goes to the login page and back', async () => {
    const res = await get(null, `/notices/${ids.notices.jointHydrogen}`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent(`/notices/${ids.notices.jointHydrogen}`)}`);
  });
});
