/**
 * Search (/search) on PostgreSQL (TEST_DATABASE_URL) and PGlite: Chinese substrings through the
 * pg_trgm-indexed ILIKE, the boundary (nothing of the other region's private scope is returned or
 * counted), people of one's own region only, filters, and the page over HTTP (results, 400s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { can, type Actor } from '../../shared/policy';
import { searchQuerySchema } from '../../shared/validation/search';
import { highlight, search, type SearchResult } from '../../server/services/search';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner, openSeededDatabase, type TestDatabase } from '../support/db';
import { actorOf, noticeId, SEED, workspaceId } from '../factories/demo';

/** The demo hydrogen draft (db/seed/drafts.ts), when the seed has it. */
const SEEDED_HYDROGEN_DRAFT = '关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案';
const JOINT_DRAFT = '川渝联合调研提纲（搜索测试）';
const CQ_DRAFT = '重庆委员内部意见汇总（搜索测试）';

let t: TestDatabase;
const actors: Record<string, Actor> = {};
const ids = { drafts: {} as Record<'joint' | 'cq', string>, hiddenFromSc: [] as string[], cqOwn: '', scOwn: '', chengyu: '' };

async function insertDraft(db: TestDatabase['db'], author: Actor, o: { workspace: string; visibility: 'org' | 'region' | 'joint'; title: string; text: string }) {
  return (await asOwner(db, (trx) => trx.insertInto('drafts').values({
    workspace_id: o.workspace, owner_org_id: author.orgId, owner_region: author.region, visibility: o.visibility,
    kind: 'proposal', title: o.title, author_id: author.id, plain_text: `${o.title}\n${o.text}`,
  }).returning('id').executeTakeFirstOrThrow())).id;
}

beforeAll(async () => {
  t = await openSeededDatabase();
  for (const u of ['sc-member', 'cq-member', 'sc-admin', 'unit-ndrc']) actors[u] = await actorOf(t.db, u);
  const chuanyu = await workspaceId(t.db, SEED.workspaces.chuanyu);
  ids.cqOwn = await workspaceId(t.db, SEED.workspaces.cqOwn);
  ids.scOwn = await workspaceId(t.db, SEED.workspaces.scOwn);
  ids.chengyu = await workspaceId(t.db, SEED.workspaces.chengyu);
  // The term only in the body: found by plain_text, not the title.
  ids.drafts.joint = await insertDraft(t.db, actors['cq-member'], {
    workspace: chuanyu, visibility: 'joint', title: JOINT_DRAFT, text: '一、沿成渝氢走廊布局加氢站，两地联合调研。',
  });
  ids.drafts.cq = await insertDraft(t.db, actors['cq-member'], {
    workspace: chuanyu, visibility: 'region', title: CQ_DRAFT, text: '重庆方对氢走廊提案的内部意见，暂不与四川方共享。',
  });
  // Every notice, draft and workspace sc-member may not open (seeded or inserted above).
  const sc = actors['sc-member'];
  const refColumns = ['id', 'workspace_id as workspaceId', 'owner_org_id as ownerOrgId', 'owner_region as ownerRegion', 'visibility', 'author_id as authorId'] as const;
  const [notices, drafts, workspaces] = await asOwner(t.db, (trx) => Promise.all([
    trx.selectFrom('notices').select(refColumns).execute(),
    trx.selectFrom('drafts').select(refColumns).execute(),
    trx.selectFrom('workspaces').select('id').execute(),
  ]));
  ids.hiddenFromSc = [
    ...notices.filter((n) => !can(sc, 'record.read', n).allowed).map((n) => n.id),
    ...drafts.filter((d) => !can(sc, 'draft.read', { ...d, collaborators: {} }).allowed).map((d) => d.id),
    ...workspaces.filter((w) => !(w.id in sc.workspaces)).map((w) => w.id),
  ];
}, 120_000);
afterAll(() => t?.drop());

const run = (user: string, q: string, filters: { kind?: 'notice' | 'draft' | 'workspace' | 'person'; workspace?: string; region?: string } = {}) =>
  search(t.db, actors[user], { q, ...filters });
const text = (segments: Array<{ text: string }>) => segments.map((s) => s.text).join('');
const group = (r: SearchResult, kind: string) => r.groups.find((g) => g.kind === kind)!;
const titles = (r: SearchResult, kind: string) => group(r, kind).hits.map((h) => text(h.title));

describe(`search: Chinese substrings (${backend})`, () => {
  it('has pg_trgm and the trigram indexes', async () => {
    const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where indexname like '%_search_idx' order by 1`.execute(t.db);
    expect(rows.map((r) => r.name)).toEqual(['drafts_search_idx', 'notices_search_idx', 'users_search_idx', 'workspaces_search_idx']);
    const ext = await sql<{ n: number }>`select count(*)::int as n from pg_extension where extname = 'pg_trgm'`.execute(t.db);
    expect(ext.rows[0].n).toBe(1);
  });

  it('氢走廊 finds the hydrogen-corridor notice, with the term marked', async () => {
    const r = await run('sc-member', '氢走廊');
    expect(titles(r, 'notice')).toContain(SEED.notices.jointHydrogen);
    const hit = group(r, 'notice').hits.find((h) => text(h.title) === SEED.notices.jointHydrogen)!;
    expect(hit.title.filter((s) => s.match).map((s) => s.text)).toEqual(['氢走廊']);
    expect(hit.excerpt?.some((s) => s.match && s.text === '氢走廊')).toBe(true);
    expect(hit.href).toBe(`/notices/${hit.id}`);
  });

  it('finds a draft by its body text, with an excerpt around the match', async () => {
    const r = await run('sc-member', '氢走廊');
    const hit = group(r, 'draft').hits.find((h) => h.id === ids.drafts.joint);
    expect(hit, 'joint draft found by plain_text').toBeTruthy();
    expect(text(hit!.excerpt!)).toContain('沿成渝氢走廊布局加氢站');
    expect(hit!.excerpt!.filter((s) => s.match).map((s) => s.text)).toContain('氢走廊');
  });

  it('finds the demo hydrogen draft when the demo data has drafts', async () => {
    const seeded = await asOwner(t.db, (trx) => trx.selectFrom('drafts').select('id').where('title', '=', SEEDED_HYDROGEN_DRAFT).executeTakeFirst());
    if (!seeded) return; // db/seed/drafts.ts not wired into the demo seed yet
    const r = await run('sc-member', '氢走廊', { kind: 'draft' });
    expect(group(r, 'draft').hits.map((h) => h.id)).toContain(seeded.id);
  });

  it('matches two characters, mixed case and a single character', async () => {
    expect(titles(await run('cq-member', '乌江'), 'notice')).toContain(SEED.notices.wujiangJoint);
    expect(group(await run('cq-member', 'CQ-MEMBER'), 'person').hits.map((h) => text(h.excerpt!))).toContain('cq-member');
    expect(group(await run('sc-member', '氢'), 'notice').count).toBeGreaterThan(0);
  });

  it('treats % and _ as text, not wildcards', async () => {
    // Only the Chongqing notice with "100%" in its body has a percent sign.
    const pct = await run('cq-member', '%');
    expect(titles(pct, 'notice')).toEqual([SEED.notices.cqOwnRegion]);
    expect(group(pct, 'person').count).toBe(0);
    // "sc_" would match every "sc-…" username as a pattern.
    expect((await run('sc-member', 'sc_')).total).toBe(0);
    expect(group(await run('sc-member', 'sc-'), 'person').count).toBe(6);
  });
});

describe(`search: the boundary (${backend})`, () => {
  const leaks = (r: SearchResult) => {
    const json = JSON.stringify(r);
    return ids.hiddenFromSc.filter((id) => json.includes(id));
  };

  it('knows what sc-member may not open', () => {
    expect(ids.hiddenFromSc).toEqual(expect.arrayContaining([ids.drafts.cq, ids.cqOwn, ids.chengyu]));
    expect(ids.hiddenFromSc.length).toBeGreaterThanOrEqual(8);
  });

  for (const q of ['重庆', '内部', '氢走廊', '提案', '安排', '联合', 'a']) {
    it(`sc-member searching ${q} never gets Chongqing's private records`, async () => {
      const r = await run('sc-member', q);
      expect(leaks(r)).toEqual([]);
      const all = r.groups.flatMap((g) => g.hits.map((h) => text(h.title) + (h.excerpt ? text(h.excerpt) : '')));
      for (const title of [SEED.notices.cqRegion, SEED.notices.cqOrg, SEED.notices.cqOwnRegion, CQ_DRAFT, SEED.workspaces.cqOwn]) {
        expect(all.some((s) => s.includes(title)), title).toBe(false);
      }
      // Counts are what the page lists: nothing hidden is counted.
      for (const g of r.groups) expect(g.count, g.kind).toBe(g.hits.length);
    });
  }

  it('counts only what the policy lets the user open (内部: one notice, one workspace)', async () => {
    const sc = await run('sc-member', '内部');
    expect(titles(sc, 'notice')).toEqual([SEED.notices.scRegion]);
    expect(titles(sc, 'workspace')).toEqual([SEED.workspaces.scOwn]);
    expect(group(sc, 'notice').count + group(sc, 'workspace').count).toBe(2);
    const cq = await run('cq-member', '内部');
    expect(titles(cq, 'notice')).toEqual(expect.arrayContaining([SEED.notices.cqRegion, SEED.notices.cqOrg]));
    expect(titles(cq, 'notice')).not.toContain(SEED.notices.scRegion);
  });

  it('a workspace row-level security shows but the policy refuses is neither listed nor counted', async () => {
    // 成渝两市政协合作平台 has a Sichuan committee, so RLS lets sc-member see the row; sc-member is no member.
    const r = await run('sc-member', '重庆');
    expect(titles(r, 'workspace')).toEqual([SEED.workspaces.chuanyu]);
    expect(group(r, 'workspace').count).toBe(1);
    // Sichuan's administrator may read it (admin of a participating region).
    expect(titles(await run('sc-admin', '成渝两市'), 'workspace')).toEqual([SEED.workspaces.chengyu]);
  });

  it('draft counts equal the drafts the policy lets each user read', async () => {
    const matching = await asOwner(t.db, (trx) => trx.selectFrom('drafts as d')
      .select(['d.id', 'd.workspace_id as workspaceId', 'd.owner_org_id as ownerOrgId', 'd.owner_region as ownerRegion', 'd.visibility', 'd.author_id as authorId'])
      .where(sql<boolean>`d.title like '%氢走廊%' or d.plain_text like '%氢走廊%'`).execute());
    for (const user of ['sc-member', 'cq-member']) {
      const readable = matching.filter((d) => can(actors[user], 'draft.read', { ...d, collaborators: {} }).allowed).map((d) => d.id);
      const r = await run(user, '氢走廊', { kind: 'draft' });
      expect(group(r, 'draft').hits.map((h) => h.id).sort(), user).toEqual(readable.sort());
      expect(group(r, 'draft').count).toBe(readable.length);
    }
    expect(group(await run('cq-member', '氢走廊'), 'draft').hits.map((h) => h.id)).toContain(ids.drafts.cq);
  });

  it('a handling unit finds no notice or draft it was not assigned', async () => {
    const r = await run('unit-ndrc', '氢走廊');
    expect(group(r, 'notice').count).toBe(0);
    expect(group(r, 'draft').count).toBe(0);
  });
});

describe(`search: people of one's own region (${backend})`, () => {
  it('returns only own-region people, never personal fields', async () => {
    const sc = await run('sc-member', 'cq');
    expect(group(sc, 'person').count).toBe(0);
    expect(group(await run('sc-member', '周敏'), 'person').count).toBe(0); // cq-admin
    const cq = await run('cq-member', '周敏');
    expect(titles(cq, 'person')).toEqual(['周敏']);
    const everyone = await run('sc-member', 's');
    expect(group(everyone, 'person').hits.length).toBeGreaterThan(0);
    expect(group(everyone, 'person').hits.every((h) => h.region === 'sichuan')).toBe(true);
    const json = JSON.stringify(everyone);
    expect(json).not.toContain('@example.org');
    expect(json).not.toMatch(/139 8000|028-8660|成都市青羊区/);
  });

  it('finds people by committee name and skips them under another region filter', async () => {
    expect(titles(await run('cq-member', '璧山区'), 'person')).toEqual(['张华']);
    expect(group(await run('cq-member', '璧山区', { region: 'sichuan' }), 'person').count).toBe(0);
  });
});

describe(`search: filters (${backend})`, () => {
  it('kind: every kind is counted, only the chosen one lists hits', async () => {
    const r = await run('cq-member', '联合', { kind: 'notice' });
    expect(group(r, 'notice').hits.length).toBe(group(r, 'notice').count);
    expect(group(r, 'workspace').count).toBeGreaterThan(0);
    expect(group(r, 'workspace').hits).toEqual([]);
    expect(r.kind).toBe('notice');
  });

  it('workspace: only that workspace; one the user may not read finds nothing', async () => {
    const r = await run('sc-member', '提案', { workspace: ids.scOwn });
    expect(titles(r, 'notice')).toEqual([SEED.notices.scOwnRegion]);
    expect(r.groups.flatMap((g) => g.hits).filter((h) => h.workspaceName).every((h) => h.workspaceName === SEED.workspaces.scOwn)).toBe(true);
    for (const ws of [ids.cqOwn, ids.chengyu, '00000000-0000-4000-8000-000000000000']) {
      expect((await run('sc-member', 's', { workspace: ws })).total, ws).toBe(0);
    }
  });

  it('region: records owned by that region', async () => {
    const r = await run('cq-member', '联合', { region: 'sichuan' });
    expect(titles(r, 'notice')).toContain(SEED.notices.jointPlan);
    expect(group(r, 'notice').hits.every((h) => h.region === 'sichuan')).toBe(true);
  });

  it('without a term, only the filter choices load', async () => {
    const r = await search(t.db, actors['sc-member'], {});
    expect(r.q).toBeNull();
    expect(r.groups).toEqual([]);
    expect(r.workspaces.map((w) => w.name).sort()).toEqual([SEED.workspaces.chuanyu, SEED.workspaces.scOwn].sort());
    expect(r.regions).toEqual(expect.arrayContaining(['chongqing', 'sichuan']));
  });
});

describe('search: the query string and highlighting', () => {
  it('trims, allows 1–100 characters, refuses longer ones and broken filters', () => {
    expect(searchQuerySchema.parse({ q: '  氢走廊 ' }).q).toBe('氢走廊');
    expect(searchQuerySchema.parse({ q: '氢'.repeat(100) }).q).toHaveLength(100);
    expect(searchQuerySchema.parse({ q: '   ' }).q).toBeUndefined();
    expect(searchQuerySchema.parse({ q: '\u0000' }).q).toBeUndefined();
    expect(searchQuerySchema.safeParse({ q: '氢'.repeat(101) }).error?.issues[0].message).toBe('validation.tooLong');
    expect(searchQuerySchema.safeParse({ q: 'a', kind: 'motion' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: 'a', workspace: 'nope' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: 'a', region: 'Sichuan!' }).success).toBe(false);
    expect(searchQuerySchema.parse({ q: 'a', kind: '', workspace: '', region: '' })).toEqual({ q: 'a' });
  });

  it('marks every case-insensitive occurrence', () => {
    expect(highlight('Hydrogen 氢走廊 and hydrogen', 'HYDROGEN')).toEqual([
      { text: 'Hydrogen', match: true }, { text: ' 氢走廊 and ', match: false }, { text: 'hydrogen', match: true },
    ]);
    expect(highlight('无匹配', '氢')).toEqual([{ text: '无匹配', match: false }]);
  });
});

describe(`/search over HTTP (${backend})`, () => {
  let server: TestServer;
  let cookie: string;
  let privateIds: string[];
  beforeAll(async () => {
    server = await startTestServer();
    cookie = await server.login('sc-member');
    privateIds = await Promise.all([SEED.notices.cqRegion, SEED.notices.cqOrg].map((n) => noticeId(server.database.db, n)));
  });
  afterAll(() => server?.stop());

  const get = async (path: string) => {
    const res = await server.request(path, { cookie });
    return { status: res.status, body: await res.text() };
  };
  /** A text raw, or JSON-escaped (\uXXXX) as in serialized loader data. */
  const carries = (body: string, s: string) =>
    body.includes(s) || body.toLowerCase().includes([...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));

  it('renders grouped results with the term marked', async () => {
    const { status, body } = await get(`/search?q=${encodeURIComponent('氢走廊')}`);
    expect(status).toBe(200);
    expect(body).toContain('<mark>氢走廊</mark>');
    expect(body).toContain('关于联合开展成渝');
    expect(body).toContain('search-group-notice');
    expect(body).not.toContain('search-error');
  });

  it('shows nothing of the other region\'s private notices, as page or as data', async () => {
    for (const path of [`/search?q=${encodeURIComponent('内部')}`, `/search.data?q=${encodeURIComponent('重庆')}`]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(200);
      expect(carries(body, '方联名提案征集安排'), path).toBe(false);
      expect(carries(body, '机关材料报送安排'), path).toBe(false);
      for (const id of privateIds) expect(body.includes(id), path).toBe(false);
    }
  });

  it('an over-long term is a 400 with a message; other bad input is 400 or a prompt, never 500', async () => {
    const long = await get(`/search?q=${encodeURIComponent('氢'.repeat(101))}`);
    expect(long.status).toBe(400);
    expect(long.body).toContain('关键词过长');
    expect((await get('/search?q=a&workspace=not-a-uuid')).status).toBe(400);
    expect((await get('/search?q=a&kind=bogus')).status).toBe(400);
    for (const path of ['/search', '/search?q=', '/search?q=%00', '/search?q=%20%20']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(200);
      expect(body, path).toContain('search-prompt');
    }
    expect((await get(`/search?q=${encodeURIComponent("%' or 1=1 --")}`)).status).toBe(200);
  });

  it('every page has the search box; signed out, /search goes to the login page', async () => {
    const home = await get('/');
    expect(home.body).toContain('action="/search"');
    expect(home.body).toContain('role="search"');
    const res = await server.request('/search?q=x');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
  });
});
