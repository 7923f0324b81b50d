/**
 * Proposal registry and dashboard (issue 12): a synthetic registry of 100,000 proposals (ten years,
 * 2017–2026, of both 重庆市政协 and 四川省政协, built here with INSERT … SELECT, not by the demo seed,
 * year after year as a registry grows), each filed one assigned to a unit, each closed one evaluated. On the real server (production
 * build, demo users, in its own process) on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL,
 * when set) and then on the embedded PGlite:
 * - the registry page (/proposals, first page, as committee staff who read half of the rows, and as
 *   a handling unit who reads its assignments only) and the dashboard page (one committee's year),
 *   each under 50 concurrent connections (autocannon, in this process), after one warm-up round at
 *   full concurrency (the server's first burst otherwise waits for its pool to open connections);
 * - the dashboard's aggregate query alone, one at a time, inside a transaction as the reader (before
 *   the server starts: only one process may open the embedded database).
 * References, measured in the same run: the same page bytes served from memory by a bare node:http
 * server under the same load; for the query, a transaction as the same reader that runs `select 1`.
 *
 * Knobs: BENCH_PROPOSALS (100000), BENCH_PROPOSALS_CONNECTIONS (50), BENCH_PROPOSALS_REQUESTS (500),
 * BENCH_PROPOSALS_QUERIES (200), BENCH_PROPOSALS_BACKENDS ("postgres,pglite").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { asOwner } from '../support/db';
import { vacuumAsOwner } from '../support/owner';
import { actorOf } from '../factories/demo';
import { withActor, type DB } from '../../db';
import type { Kysely } from 'kysely';
import { dashboardFigures } from '../../db/queries/proposal-registry';
import type { Benchmark, BenchContext, Row } from './run';
import { ensureBuild, envInt, summarize, withBuildReadLock } from './support';
import { databaseNote, login, prepareDatabase, spawnAppServer } from './collab-support';

const PROPOSALS = envInt('BENCH_PROPOSALS', 100_000);
const CONNECTIONS = envInt('BENCH_PROPOSALS_CONNECTIONS', 50);
const REQUESTS = envInt('BENCH_PROPOSALS_REQUESTS', 500);
const QUERIES = envInt('BENCH_PROPOSALS_QUERIES', 200);
const YEARS = 10;
const FIRST_YEAR = 2017;
/** The dashboard's year: one of the ten, with PROPOSALS / 20 proposals per committee. */
const DASHBOARD_YEAR = 2021;

/** 100,000 proposals with their sponsors, assignments and evaluations, as the owner, in a few statements. */
export async function buildRegistry(db: Kysely<DB>, log: (line: string) => void) {
  const [cqMember, scMember] = await Promise.all([actorOf(db, 'cq-member'), actorOf(db, 'sc-member')]);
  const started = performance.now();
  await asOwner(db, async (trx) => {
    const orgs = await trx.selectFrom('orgs').select(['id', 'name', 'region', 'kind']).execute();
    const cq = orgs.find((o) => o.name === '重庆市政协')!.id;
    const sc = orgs.find((o) => o.name === '四川省政协')!.id;
    const cqUnits = orgs.filter((o) => o.kind === 'unit' && o.region === 'chongqing').map((o) => o.id);
    const scUnits = orgs.filter((o) => o.kind === 'unit' && o.region === 'sichuan').map((o) => o.id);
    // g → region r = g % 2, year y = (g / 2) % 10, k = g / 20 (sequence 10000 + k: clear of the demo's numbers).
    await sql`
      insert into proposals (owner_org_id, owner_region, visibility, regions, author_id, year, sequence, number, title, category,
                             state, is_key, key_leader_id, deadline, reply_category, submitted_at, filed_at, replied_at, closed_at)
      select case when r = 0 then ${cq}::uuid else ${sc}::uuid end,
             case when r = 0 then 'chongqing' else 'sichuan' end, 'region',
             array[case when r = 0 then 'chongqing' else 'sichuan' end],
             case when r = 0 then ${cqMember.id}::uuid else ${scMember.id}::uuid end,
             y, 10000 + k,
             case when r = 0 then '渝政协' else '川政协' end || y || '第' || (10000 + k) || '号',
             '关于' || (array['推进成渝地区双城经济圈建设','加强长江上游生态保护','完善养老服务体系','支持科技成果转化','优化营商环境',
                             '加快数字经济发展','推进乡村振兴','健全基层医疗服务'])[1 + k % 8] || '的提案（' || g || '）',
             (array['economy','society','culture','ecology','governance'])[1 + g % 5],
             s, k % 97 = 0, null,
             case when s = 'not_filed' then null else make_date(y, 4, 1) + (k % 60) end,
             case when s in ('replied', 'closed') then (array['A','B','C'])[1 + k % 3] end,
             make_timestamptz(y, 1, 10, 9, 30, 0, 'Asia/Shanghai') + (k % 80) * interval '1 day',
             case when s = 'not_filed' then null else make_timestamptz(y, 2, 1, 10, 0, 0, 'Asia/Shanghai') end,
             case when s in ('replied', 'closed') then make_timestamptz(y, 3, 20, 16, 0, 0, 'Asia/Shanghai') + (k % 40) * interval '1 day' end,
             case when s = 'closed' then make_timestamptz(y, 6, 1, 10, 0, 0, 'Asia/Shanghai') + (k % 40) * interval '1 day' end
      from (select g, g % 2 as r, ${FIRST_YEAR} + (g / 2) % ${YEARS} as y, g / 20 as k,
                   case when (g / 20) % 10 = 0 then 'not_filed' when (g / 20) % 10 = 1 then 'handling'
                        when (g / 20) % 10 = 2 then 'replied' else 'closed' end as s
            from generate_series(0, ${PROPOSALS - 1}) as g) x
      -- Year by year, as a registry grows: a year's proposals lie together on disk, as they would.
      order by y, r, k`.execute(trx);
    // Statistics first: the trigger copying each assignment's proposal place (migration 017) would
    // otherwise plan its lookup for an empty table and scan 100,000 rows per assignment.
    await sql`analyze proposals`.execute(trx);
    await sql`insert into proposal_sponsors (proposal_id, user_id, region, role, signed_at)
      select id, author_id, owner_region, 'lead', submitted_at from proposals where sequence >= 10000`.execute(trx);
    await sql`insert into proposal_assignments (proposal_id, unit_org_id, unit_region, role, deadline, status, quality, assigned_at, replied_at)
      select p.id,
             case when p.owner_region = 'chongqing' then (${`{${cqUnits.join(',')}}`}::uuid[])[1 + (p.sequence % ${cqUnits.length})]
                  else (${`{${scUnits.join(',')}}`}::uuid[])[1 + (p.sequence % ${scUnits.length})] end,
             p.owner_region, 'lead', p.deadline,
             case when p.state = 'handling' then 'handling' else 'replied' end,
             case when p.state = 'closed' then 'good' end, p.filed_at, p.replied_at
      from proposals p where p.sequence >= 10000 and p.state <> 'not_filed' order by p.year, p.owner_region, p.sequence`.execute(trx);
    await sql`insert into proposal_evaluations (proposal_id, assignment_id, unit_org_id, rating, author_id, created_at)
      select a.proposal_id, a.id, a.unit_org_id,
             case when p.sequence % 50 = 0 then 'dissatisfied' when p.sequence % 7 = 0 then 'basically' else 'satisfied' end,
             p.author_id, p.closed_at
      from proposal_assignments a join proposals p on p.id = a.proposal_id where p.sequence >= 10000 and p.state = 'closed'
      order by p.year, p.owner_region, p.sequence`.execute(trx);
  });
  // As a registry that has lived ten years would be (PostgreSQL's autovacuum would otherwise start
  // in the middle of the measurements; PGlite has none).
  await vacuumAsOwner(db);
  const { n } = await asOwner(db, (trx) => trx.selectFrom('proposals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
  log(`${n} proposals in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return Number(n);
}

interface Load { p50: number; p99: number; rps: number; errors: number; bytes: number }

async function cannon(url: string, cookie: string | undefined, ctx: BenchContext, label: string): Promise<Load> {
  const options = {
    url, connections: CONNECTIONS, workers: 1, timeout: 30,
    headers: { ...(cookie ? { cookie } : {}), 'accept-encoding': 'gzip' },
  };
  await autocannon({ ...options, amount: CONNECTIONS });
  const result = await autocannon({ ...options, amount: REQUESTS });
  const errors = result.errors + result.timeouts + result.non2xx;
  const load = {
    p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors,
    bytes: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
  };
  ctx.log(`${label}: p50 ${load.p50} ms, p99 ${load.p99} ms, ${load.rps.toFixed(0)} req/s, ${errors} errors, ~${load.bytes} bytes`);
  return load;
}

/** The same bytes (and encoding) from memory: the floor any page served over HTTP here pays. */
async function floor(serverUrl: string, path: string, cookie: string, ctx: BenchContext, label: string): Promise<Load> {
  const { body, type, encoding } = await new Promise<{ body: Buffer; type: string; encoding: string | undefined }>((resolve, reject) => {
    http.get(`${serverUrl}${path}`, { headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ body: Buffer.concat(chunks), type: String(res.headers['content-type']), encoding: res.headers['content-encoding'] }));
    }).on('error', reject);
  });
  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': type, ...(encoding ? { 'Content-Encoding': encoding } : {}) });
    res.end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  try {
    return await cannon(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, undefined, ctx, label);
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()));
  }
}

async function timeQuery(n: number, run: () => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

const round = (v: number) => Math.round(v * 10) / 10;

async function runOn(backend: 'postgres' | 'pglite', ctx: BenchContext): Promise<Row[]> {
  const database = await prepareDatabase();
  try {
    // Built, and the query timed, before the server opens the database (PGlite: one process at a time).
    const { db, close } = await database.open();
    let total: number;
    let committee: string;
    let figures: ReturnType<typeof summarize>;
    let trivial: ReturnType<typeof summarize>;
    let received: number;
    try {
      total = await buildRegistry(db, (line) => ctx.log(`${backend}: ${line}`));
      committee = (await asOwner(db, (trx) => trx.selectFrom('orgs').select('id').where('name', '=', '重庆市政协').executeTakeFirstOrThrow())).id;
      // The dashboard's aggregate query alone, one at a time, as the staff member (row-level security on).
      const reader = await actorOf(db, 'cq-staff');
      const dbActor = { id: reader.id, region: reader.region, orgId: reader.orgId };
      const dashboardOf = () => withActor(db, dbActor, (trx) => dashboardFigures(trx, committee, DASHBOARD_YEAR, '2026-12-06', '2026-12-13'));
      figures = await timeQuery(QUERIES, dashboardOf);
      trivial = await timeQuery(QUERIES, () => withActor(db, dbActor, (trx) => sql`select 1`.execute(trx)));
      received = (await dashboardOf()).received;
      ctx.log(`${backend} dashboard query: p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms (${received} proposals); select 1: p99 ${trivial.p99.toFixed(1)} ms`);
    } finally {
      await close();
    }

    const server = await withBuildReadLock(() => spawnAppServer({ ...database.env, RATE_LIMITS: 'false' }));
    const size = `${backend}, ${total.toLocaleString('en')} proposals, ${CONNECTIONS} connections, ${REQUESTS} requests`;
    const dashboardPath = `/proposals/dashboard?committee=${committee}&year=${DASHBOARD_YEAR}`;
    let registry: Load, registryFloor: Load, unitPage: Load, filtered: Load, dashboard: Load, dashboardFloor: Load;
    try {
      const staff = await login(server.url, 'cq-staff', database.demoPassword);
      const unit = await login(server.url, 'unit-cqfgw', database.demoPassword);
      registry = await cannon(`${server.url}/proposals`, staff, ctx, `${backend} registry (staff)`);
      registryFloor = await floor(server.url, '/proposals', staff, ctx, `${backend} registry floor`);
      unitPage = await cannon(`${server.url}/proposals`, unit, ctx, `${backend} registry (unit)`);
      filtered = await cannon(`${server.url}/proposals?year=2020&state=closed&sort=number&dir=asc&page=3`, staff, ctx, `${backend} registry filtered`);
      dashboard = await cannon(`${server.url}${dashboardPath}`, staff, ctx, `${backend} dashboard`);
      dashboardFloor = await floor(server.url, dashboardPath, staff, ctx, `${backend} dashboard floor`);
    } finally {
      await server.stop();
    }

    const failed = [registry, unitPage, filtered, dashboard].reduce((n, l) => n + l.errors, 0);
    const pageNote = 'Reference: the same page bytes (gzip) served from memory by a bare node:http server under the same load, in the same run. '
      + 'The app renders the page with React and antd on every request (the registry: one transaction with the filter options, one with '
      + 'the page and a count capped at 1,000). The server runs in its own process; autocannon shares this machine\'s two cores with it '
      + `and the database. ${databaseNote(backend)}`;
    const queryNote = `One aggregate statement over the committee's year (${received} proposals readable by the staff member, with their `
      + 'assignments and evaluations), row-level security on, one at a time. Reference: a transaction as the same reader that runs select 1.';
    return [
      ...(failed > 0 ? [{ case: size, metric: 'failed requests (errors, timeouts, non-2xx)', value: failed, target: '0', met: false }] : []),
      { case: size, metric: 'registry page p99 (staff, page 1)', unit: 'ms', value: round(registry.p99), reference: round(registryFloor.p99), target: '≤ 100 ms', met: registry.p99 <= 100, note: pageNote },
      { case: size, metric: 'registry page p50 (staff, page 1)', unit: 'ms', value: round(registry.p50), reference: round(registryFloor.p50) },
      { case: size, metric: 'registry page p99 (handling unit)', unit: 'ms', value: round(unitPage.p99), reference: round(registryFloor.p99), target: '≤ 100 ms', met: unitPage.p99 <= 100 },
      { case: size, metric: 'registry page p99 (year+state, by number, page 3)', unit: 'ms', value: round(filtered.p99), reference: round(registryFloor.p99), target: '≤ 100 ms', met: filtered.p99 <= 100 },
      { case: size, metric: 'dashboard page p99', unit: 'ms', value: round(dashboard.p99), reference: round(dashboardFloor.p99), note: pageNote },
      { case: size, metric: 'dashboard page p50', unit: 'ms', value: round(dashboard.p50), reference: round(dashboardFloor.p50) },
      { case: `${backend}, ${received} proposals in the year, ${QUERIES} runs`, metric: 'dashboard query p99', unit: 'ms', value: round(figures.p99), reference: round(trivial.p99), target: '≤ 50 ms', met: figures.p99 <= 50, note: queryNote },
      { case: `${backend}, ${received} proposals in the year, ${QUERIES} runs`, metric: 'dashboard query p50', unit: 'ms', value: round(figures.p50), reference: round(trivial.p50) },
    ];
  } finally {
    await database.drop();
  }
}

export default {
  name: 'proposal registry',
  timeoutMs: 1_500_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    const wanted = (process.env.BENCH_PROPOSALS_BACKENDS ?? 'postgres,pglite').split(',');
    const rows: Row[] = [];
    if (url && wanted.includes('postgres')) rows.push(...await runOn('postgres', ctx));
    if (wanted.includes('pglite')) {
      // prepareDatabase takes PostgreSQL whenever either variable is set.
      const saved = { bench: process.env.BENCH_DATABASE_URL, test: process.env.TEST_DATABASE_URL };
      delete process.env.BENCH_DATABASE_URL;
      delete process.env.TEST_DATABASE_URL;
      try {
        rows.push(...await runOn('pglite', ctx));
      } finally {
        if (saved.bench) process.env.BENCH_DATABASE_URL = saved.bench;
        if (saved.test) process.env.TEST_DATABASE_URL = saved.test;
      }
    }
    return rows;
  },
} satisfies Benchmark;
