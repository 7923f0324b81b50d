/**
 * The proposal registry and dashboard (issue 12, read side) against the real server and database:
 * the seeded 2024 Chongqing year reads the work report's figures exactly, on the page, through the
 * service and in the .xlsx; a handling unit sees only what is assigned to it (page, .xlsx, and raw
 * SQL as the app's role); a Sichuan member sees no Chongqing-internal proposal; filters, sorting,
 * paging, and bad filter values as 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf } from '../factories/demo';
import { actAs, withActor } from '../../db';
import { DEMO_PROPOSALS, DEMO_YEAR } from '../../db/seed/proposals';
import { listProposalRegistry, proposalDashboard, registryFilterOptions, XLSX_CONTENT_TYPE } from '../../server/services/proposal-registry';
import { dashboardFigures, listVisibleCommittees, listVisibleYears } from '../../db/queries/proposal-registry';

let server: TestServer;
const cookies: Record<string, string> = {};
const orgs: Record<string, string> = {};
const db = () => server.database.db;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMITS: 'false' });
  for (const u of ['cq-staff', 'cq-member', 'sc-member', 'gz-member', 'unit-ndrc', 'unit-cqfgw']) cookies[u] = await server.login(u);
  const rows = await asOwner(db(), (trx) => trx.selectFrom('orgs').select(['id', 'name']).execute());
  for (const o of rows) orgs[o.name] = o.id;
}, 120_000);
afterAll(() => server?.stop());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** The proposal ids a registry page links to. */
const linkedIds = (html: string) => [...new Set([...html.matchAll(new RegExp(`href="/proposals/(${UUID})"`, 'g'))].map((m) => m[1]))].sort();

async function page(user: string, path: string) {
  const res = await server.request(path, { cookie: cookies[user] });
  // React separates adjacent text with <!-- -->: read the text as a person would.
  return { status: res.status, html: (await res.text()).replaceAll('<!-- -->', '') };
}

async function xlsx(user: string, path: string) {
  const res = await server.request(path, { cookie: cookies[user] });
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX_CONTENT_TYPE);
  expect(res.headers.get('cache-control')).toContain('no-store');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  return book;
}

/** The registry sheet's proposal numbers (column 1 under the header). */
function sheetNumbers(book: ExcelJS.Workbook): string[] {
  const sheet = book.worksheets[0];
  const out: string[] = [];
  sheet.eachRow((row, n) => { if (n > 1) out.push(String(row.getCell(1).value)); });
  return out.sort();
}

/** What the owner (no row-level security) says: proposals assigned (not returned) to a unit. */
const assignedTo = (unit: string) => asOwner(db(), (trx) => trx.selectFrom('proposals as p')
  .select(['p.id', 'p.number'])
  .where('p.id', 'in', (eb) => eb.selectFrom('proposal_assignments as a').select('a.proposal_id')
    .where('a.unit_org_id', '=', orgs[unit]).where('a.status', '<>', 'returned'))
  .orderBy('p.number').execute());

describe(`the seeded 2024 Chongqing year reads the work report's figures (${backend})`, () => {
  it('through the service: 1551 received, 1364 filed, all closed on time, satisfaction 98.16%', async () => {
    const d = await proposalDashboard(db(), await actorOf(db(), 'cq-staff'), { committee: orgs['重庆市政协'], year: 2024 });
    expect(d.committee?.name).toBe('重庆市政协');
    expect(d.figures!.received).toBe(DEMO_YEAR.received);
    expect(d.figures!.received).toBe(1551);
    expect(d.figures!.filed).toBe(1364);
    expect(d.figures!.closed).toBe(1364);
    expect(d.figures!.closedOnTime).toBe(1364);
    expect(d.rates.onTime).toBe(100);
    const e = d.figures!.evaluations;
    expect(e.satisfied + e.basically).toBe(1600);
    expect(e.satisfied + e.basically + e.dissatisfied).toBe(1630);
    expect(d.rates.satisfaction).toBe(98.16);
    expect(d.rates.filing).toBe(87.94);
    expect(d.figures!.categories.A + d.figures!.categories.B + d.figures!.categories.C).toBe(1364);
    expect(d.figures!.overdue).toBe(0);
    // The "No. 1 proposal" is among the key proposals, with its on-site handling meeting.
    const corridor = d.figures!.keyProposals.find((k) => k.title === DEMO_PROPOSALS.corridor)!;
    expect(corridor.number).toBe('渝政协2024第0001号');
    expect(corridor.state).toBe('closed');
    expect(corridor.leadUnitName).toBe('市发展改革委');
    expect(Number(corridor.supervisions)).toBe(1);
  });

  it('on the page and in the dashboard .xlsx, for committee staff', async () => {
    const { status, html } = await page('cq-staff', `/proposals/dashboard?year=2024`);
    expect(status).toBe(200);
    expect(html.includes('重庆市政协 · 2024年'), '重庆市政协 · 2024年').toBe(true);
    for (const figure of ['1551', '1364', '100.00%', '98.16%', '87.94%']) expect(html.includes(figure), figure).toBe(true);

    const book = await xlsx('cq-staff', `/proposals/dashboard/export.xlsx?committee=${orgs['重庆市政协']}&year=2024`);
    const figures = new Map<string, unknown>();
    book.worksheets[0].eachRow((row, n) => { if (n > 1) figures.set(String(row.getCell(1).value), row.getCell(2).value); });
    expect(figures.get('收到提案')).toBe(1551);
    expect(figures.get('立案')).toBe(1364);
    expect(figures.get('按时办结率')).toBe(1);
    expect(figures.get('满意率')).toBeCloseTo(0.9816, 10);
    expect(book.worksheets[0].getRow(10).getCell(2).numFmt).toBe('0.00%');
  });
});

describe('a handling unit sees only what is assigned to it', () => {
  it('国家发展改革委: the hydrogen-corridor proposal and nothing else, on the page and in the .xlsx', async () => {
    const assigned = await assignedTo('国家发展改革委');
    expect(assigned.map((p) => p.number)).toEqual(['渝政协2026第0001号']);
    const { status, html } = await page('unit-ndrc', '/proposals');
    expect(status).toBe(200);
    expect(linkedIds(html)).toEqual(assigned.map((p) => p.id));
    expect(html.includes(DEMO_PROPOSALS.hydrogen), DEMO_PROPOSALS.hydrogen).toBe(true);
    expect(html.includes('渝政协2024'), '渝政协2024').toBe(false);
    expect(sheetNumbers(await xlsx('unit-ndrc', '/proposals/export.xlsx'))).toEqual(['渝政协2026第0001号']);
    // Asking for another unit's assignments finds nothing (not even that they exist).
    const other = await page('unit-ndrc', `/proposals?unit=${orgs['市发展改革委']}`);
    expect(other.status).toBe(200);
    expect(linkedIds(other.html)).toEqual([]);
  });

  it('市发展改革委: exactly its lead and co-unit assignments, every one of them in the .xlsx, and its dashboard counts only those', async () => {
    const assigned = await assignedTo('市发展改革委');
    expect(assigned.length).toBeGreaterThan(100);
    const book = await xlsx('unit-cqfgw', '/proposals/export.xlsx');
    expect(sheetNumbers(book)).toEqual(assigned.map((p) => p.number).sort());
    const first = await page('unit-cqfgw', '/proposals?size=100');
    const ids = linkedIds(first.html);
    expect(ids).toHaveLength(100);
    expect(ids.every((id) => assigned.some((p) => p.id === id))).toBe(true);
    // It never sees which unit leads a proposal it is only a co-unit of.
    const sheet = book.worksheets[0];
    const leads = new Set<string>();
    sheet.eachRow((row, n) => { if (n > 1) leads.add(String(row.getCell(8).value ?? '')); });
    expect([...leads].filter((l) => l && l !== '市发展改革委')).toEqual([]);
    const d = await proposalDashboard(db(), await actorOf(db(), 'unit-cqfgw'), { committee: orgs['重庆市政协'], year: 2024 });
    expect(d.figures!.received).toBe(assigned.filter((p) => p.number.startsWith('渝政协2024')).length);
    expect(d.figures!.units.map((u) => u.name)).toEqual(['市发展改革委']);
  });

  it('through SQL as the app\'s role: the same proposals, and only its own assignment rows', async () => {
    const unit = await actorOf(db(), 'unit-cqfgw');
    const { rows, assignments } = await withActor(db(), { id: unit.id, region: unit.region, orgId: unit.orgId }, async (trx) => ({
      rows: (await sql<{ id: string }>`select id from proposals order by number`.execute(trx)).rows,
      assignments: (await sql<{ unit_org_id: string }>`select distinct unit_org_id from proposal_assignments`.execute(trx)).rows,
    }));
    const { rows: role } = await sql<{ role: string }>`select current_user as role`.execute(db());
    expect(role[0].role).not.toBe('postgres');
    expect(rows.map((r) => r.id).sort()).toEqual((await assignedTo('市发展改革委')).map((p) => p.id).sort());
    expect(assignments.map((a) => a.unit_org_id)).toEqual([orgs['市发展改革委']]);
  });
});

describe("the dashboard's one statement", () => {
  /** Lists compared whatever their order (the statement orders by name in the database's collation). */
  const sorted = <T extends { id?: string; orgId?: string; region?: string }>(rows: T[]) =>
    [...rows].sort((x, y) => String(x.id ?? x.orgId ?? x.region).localeCompare(String(y.id ?? y.orgId ?? y.region)));

  /** The figures counted here, one by one, from the rows the reader may read (row-level security on). */
  async function countedByHand(trx: Parameters<typeof dashboardFigures>[0], committee: string, year: number, today: string, until: string,
    unit?: string) {
    const proposals = (await sql<{ id: string; number: string; title: string; state: string; is_key: boolean; deadline: string | null;
      reply_category: string | null; regions: string[]; replied_day: string | null }>`
      select id, number, title, state, is_key, deadline::text as deadline, reply_category, regions,
             (replied_at at time zone 'Asia/Shanghai')::date::text as replied_day
      from proposals where owner_org_id = ${committee} and year = ${year}`.execute(trx)).rows;
    const mine = unit
      ? new Set((await sql<{ proposal_id: string }>`select proposal_id from proposal_assignments
          where unit_org_id = ${unit} and status <> 'returned'`.execute(trx)).rows.map((r) => r.proposal_id))
      : null;
    const p = proposals.filter((r) => !mine || mine.has(r.id));
    const ids = p.map((r) => r.id);
    const assignments = (await sql<{ proposal_id: string; unit_org_id: string; role: string; status: string; quality: string | null }>`
      select proposal_id, unit_org_id, role, status, quality from proposal_assignments
      where proposal_id = any(${ids}::uuid[]) and status <> 'returned'`.execute(trx)).rows;
    const ratings = (await sql<{ rating: string }>`select rating from proposal_evaluations where proposal_id = any(${ids}::uuid[])`.execute(trx)).rows;
    const orgs = new Map((await sql<{ id: string; name: string; region: string }>`select id, name, region from orgs`.execute(trx)).rows.map((o) => [o.id, o]));
    const supervisions = (await sql<{ proposal_id: string }>`select proposal_id from supervision_records where proposal_id = any(${ids}::uuid[])`.execute(trx)).rows;
    const count = <T>(rows: T[], test: (r: T) => boolean) => rows.filter(test).length;
    const open = (r: (typeof p)[number]) => ['filed', 'assigned', 'handling'].includes(r.state);
    const overdue = new Set(p.filter((r) => open(r) && r.deadline !== null && r.deadline < today).map((r) => r.id));
    const tally = (values: string[]) => values.reduce<Record<string, number>>((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {});
    const units = [...new Set(assignments.map((a) => a.unit_org_id))].map((id) => {
      const of = assignments.filter((a) => a.unit_org_id === id);
      return {
        orgId: id, name: orgs.get(id)!.name, region: orgs.get(id)!.region, lead: count(of, (a) => a.role === 'lead'), co: count(of, (a) => a.role === 'co'),
        replied: count(of, (a) => a.status === 'replied'), overdue: count(of, (a) => a.role === 'lead' && overdue.has(a.proposal_id)),
      };
    });
    return {
      received: p.length,
      filed: count(p, (r) => !['submitted', 'under_review', 'not_filed'].includes(r.state)),
      notFiled: count(p, (r) => r.state === 'not_filed'),
      closed: count(p, (r) => r.state === 'closed'),
      closedOnTime: count(p, (r) => r.state === 'closed' && r.replied_day !== null && (r.deadline === null || r.replied_day <= r.deadline)),
      overdue: overdue.size,
      dueSoon: count(p, (r) => open(r) && r.deadline !== null && r.deadline >= today && r.deadline <= until),
      categories: { A: count(p, (r) => r.reply_category === 'A'), B: count(p, (r) => r.reply_category === 'B'), C: count(p, (r) => r.reply_category === 'C') },
      states: tally(p.map((r) => r.state)),
      evaluations: { satisfied: count(ratings, (r) => r.rating === 'satisfied'), basically: count(ratings, (r) => r.rating === 'basically'),
        dissatisfied: count(ratings, (r) => r.rating === 'dissatisfied') },
      quality: { good: count(assignments, (a) => a.quality === 'good'), fair: count(assignments, (a) => a.quality === 'fair'),
        poor: count(assignments, (a) => a.quality === 'poor') },
      keyProposals: sorted(p.filter((r) => r.is_key).map((r) => {
        const lead = assignments.find((a) => a.proposal_id === r.id && a.role === 'lead');
        return { id: r.id, number: r.number, title: r.title, state: r.state, deadline: r.deadline,
          leadUnitName: lead ? orgs.get(lead.unit_org_id)!.name : null, supervisions: count(supervisions, (s) => s.proposal_id === r.id) };
      })),
      units: sorted(units),
      regions: sorted(Object.entries(tally(p.flatMap((r) => r.regions))).map(([region, n]) => ({ region, n }))),
    };
  }

  it('counts what every demo user may read, for every committee and year they are offered, exactly as counted row by row', async () => {
    const users = await asOwner(db(), (trx) => trx.selectFrom('users').select(['username', 'id', 'region', 'org_id']).execute());
    let compared = 0;
    for (const u of users) {
      const unit = u.username.startsWith('unit-') ? u.org_id : undefined;
      await withActor(db(), { id: u.id, region: u.region, orgId: u.org_id }, async (trx) => {
        for (const committee of await listVisibleCommittees(trx)) {
          for (const year of await listVisibleYears(trx, committee.id)) {
            // Today, and a day among the year's own deadlines (overdue and due-soon proposals exist then).
            for (const [today, until] of [['2026-12-07', '2026-12-14'], [`${year}-05-01`, `${year}-05-08`]]) {
              const figures = await dashboardFigures(trx, committee.id, year, today, until, unit);
              const expected = await countedByHand(trx, committee.id, year, today, until, unit);
              const got = { ...figures, keyProposals: sorted(figures.keyProposals.map((k) => ({ ...k, supervisions: Number(k.supervisions) }))),
                units: sorted(figures.units), regions: sorted(figures.regions) };
              expect(got, `${u.username} ${committee.name} ${year} ${today}`).toEqual(expected);
              compared += 1;
            }
          }
        }
      });
    }
    expect(compared).toBeGreaterThan(20);
  });
});

describe('migrations 012 and 017 read exactly what the rule of migration 010 reads', () => {
  /** Migration 010's rule, verbatim, evaluated by the owner (no row-level security) for an actor. */
  const RULE_010 = sql`CASE WHEN app_has_role('handler') THEN app_assigned_to_me(id)
    ELSE app_sponsors(id)
      OR (owner_region = app_region() AND (app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator')))
      OR (visibility = 'joint' AND app_region() = ANY(regions) AND (app_has_role('staff') OR app_has_role('leader')))
      OR (workspace_id IS NOT NULL AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
    END`;

  it('for every demo user, as the app\'s role, proposals and their assignments and evaluations', async () => {
    const users = await asOwner(db(), (trx) => trx.selectFrom('users').select(['username', 'id', 'region', 'org_id']).execute());
    expect(users.length).toBeGreaterThan(14);
    for (const u of users) {
      const actor = { id: u.id, region: u.region, orgId: u.org_id };
      const expected = await asOwner(db(), async (trx) => {
        await actAs(trx, actor);
        return (await sql<{ id: string }>`select id from proposals where ${RULE_010} order by id`.execute(trx)).rows.map((r) => r.id);
      });
      const seen = await withActor(db(), actor, async (trx) => ({
        proposals: (await sql<{ id: string }>`select id from proposals order by id`.execute(trx)).rows.map((r) => r.id),
        assignments: (await sql<{ n: number }>`select count(*)::int as n from proposal_assignments`.execute(trx)).rows[0].n,
        evaluations: (await sql<{ n: number }>`select count(*)::int as n from proposal_evaluations`.execute(trx)).rows[0].n,
      }));
      expect(seen.proposals, u.username).toEqual(expected);
      // The registry (which starts from candidates for readers outside the committee side) lists
      // exactly these, and the dashboard offers exactly the committees they belong to.
      const reader = await actorOf(db(), u.username);
      const listed = await listProposalRegistry(db(), reader, {}, { all: 10_000 });
      expect(listed.rows.map((r) => r.id).sort(), u.username).toEqual([...expected].sort());
      const committees = await asOwner(db(), (trx) => trx.selectFrom('proposals').select('owner_org_id')
        .where('id', 'in', expected.length ? expected : ['00000000-0000-0000-0000-000000000000']).distinct().execute());
      expect((await registryFilterOptions(db(), reader)).committees.map((c) => c.id).sort(), u.username)
        .toEqual(committees.map((c) => c.owner_org_id).sort());
      const handler = u.username.startsWith('unit-');
      const children = await asOwner(db(), async (trx) => ({
        assignments: (await sql<{ n: number }>`select count(*)::int as n from proposal_assignments a
          where a.proposal_id = any(${expected}::uuid[]) and (${!handler} or a.unit_org_id = ${u.org_id})`.execute(trx)).rows[0].n,
        evaluations: (await sql<{ n: number }>`select count(*)::int as n from proposal_evaluations e
          where e.proposal_id = any(${expected}::uuid[]) and (${!handler} or e.unit_org_id = ${u.org_id})`.execute(trx)).rows[0].n,
      }));
      expect({ assignments: seen.assignments, evaluations: seen.evaluations }, u.username).toEqual(children);
    }
  });

  it("an assignment's and an evaluation's copy of the proposal's region, committee and year cannot disagree with it", async () => {
    await asOwner(db(), async (trx) => {
      const proposal = await trx.selectFrom('proposals').select(['id', 'owner_region', 'owner_org_id', 'year'])
        .where('title', 'like', '%氢走廊%').executeTakeFirstOrThrow();
      const { id } = proposal;
      const place = (p: { owner_region: string; owner_org_id: string; year: number }) => `${p.owner_region} ${p.owner_org_id} ${p.year}`;
      const copies = () => Promise.all([
        trx.selectFrom('proposal_assignments').select(['proposal_region', 'proposal_org_id', 'proposal_year']).where('proposal_id', '=', id).execute(),
        trx.selectFrom('proposal_evaluations').select(['proposal_region', 'proposal_org_id', 'proposal_year']).where('proposal_id', '=', id).execute(),
      ]).then((rows) => [...new Set(rows.flat().map((r) => `${r.proposal_region} ${r.proposal_org_id} ${r.proposal_year}`))]);
      expect(await copies()).toEqual([place(proposal)]);
      // A new row is given the proposal's place whatever it names.
      const unit = await trx.selectFrom('orgs').select(['id', 'region']).where('kind', '=', 'unit')
        .where('id', 'not in', trx.selectFrom('proposal_assignments').select('unit_org_id').where('proposal_id', '=', id)).executeTakeFirstOrThrow();
      const other = proposal.owner_region === 'chongqing' ? 'sichuan' : 'chongqing';
      const otherCommittee = await trx.selectFrom('orgs').select('id').where('kind', '=', 'committee').where('region', '=', other).executeTakeFirstOrThrow();
      const added = await trx.insertInto('proposal_assignments').values({
        proposal_id: id, unit_org_id: unit.id, unit_region: unit.region, role: 'co', deadline: '2027-03-01',
        proposal_region: other, proposal_org_id: otherCommittee.id, proposal_year: 1999,
      }).returning(['proposal_region', 'proposal_org_id', 'proposal_year']).executeTakeFirstOrThrow();
      expect(`${added.proposal_region} ${added.proposal_org_id} ${added.proposal_year}`).toBe(place(proposal));
      // A copy set apart from its proposal is refused; a change of the proposal's place is carried down.
      await sql`savepoint s`.execute(trx);
      await expect(sql`update proposal_assignments set proposal_year = 1999 where proposal_id = ${id}`.execute(trx))
        .rejects.toThrow(/proposal_assignments_place_fkey/);
      await sql`rollback to savepoint s`.execute(trx);
      const moved = { owner_region: other, owner_org_id: otherCommittee.id, year: proposal.year - 1 };
      await trx.updateTable('proposals').set(moved).where('id', '=', id).execute();
      expect(await copies()).toEqual([place(moved)]);
      await trx.deleteFrom('proposal_assignments').where('proposal_id', '=', id).where('unit_org_id', '=', unit.id).where('role', '=', 'co').execute();
      await trx.updateTable('proposals').set({ owner_region: proposal.owner_region, owner_org_id: proposal.owner_org_id, year: proposal.year })
        .where('id', '=', id).execute();
      expect(await copies()).toEqual([place(proposal)]);
    });
  });
});

describe('the boundary between the regions', () => {
  it('a Sichuan member sees no Chongqing-internal proposal: page, .xlsx and service', async () => {
    const internal = await asOwner(db(), (trx) => trx.selectFrom('proposals').select(['id', 'number'])
      .where('owner_region', '=', 'chongqing').where('visibility', '<>', 'joint').execute());
    expect(internal.length).toBeGreaterThan(1551);
    const { status, html } = await page('sc-member', '/proposals?size=100');
    expect(status).toBe(200);
    const seen = linkedIds(html);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((id) => internal.some((p) => p.id === id))).toEqual([]);
    expect(html.includes(DEMO_PROPOSALS.hydrogen), DEMO_PROPOSALS.hydrogen).toBe(true);
    const numbers = sheetNumbers(await xlsx('sc-member', '/proposals/export.xlsx'));
    expect(numbers.filter((n) => internal.some((p) => p.number === n))).toEqual([]);
    expect(numbers).toContain('渝政协2026第0001号');
    const all = await listProposalRegistry(db(), await actorOf(db(), 'sc-member'), { size: 100 });
    expect(all.rows.every((r) => r.ownerRegion === 'sichuan' || r.visibility === 'joint')).toBe(true);
    // Chongqing's dashboard, as far as they may see it: not one of the 2024 internal proposals.
    const d = await proposalDashboard(db(), await actorOf(db(), 'sc-member'), { committee: orgs['重庆市政协'], year: 2024 });
    expect(d.figures!.received).toBe(0);
  });

  it('a Chongqing member may not choose a committee they see nothing of: 400 on that field, on the page and the export', async () => {
    const res = await page('cq-member', `/proposals/dashboard?committee=${orgs['四川省政协']}`);
    expect(res.status).toBe(400);
    // The field's message (its key travels with the page's data; the browser shows it beside the field).
    expect(res.html.includes('proposalRegistry.unknownCommittee'), 'message key').toBe(true);
    expect(res.html.includes('data-testid="filter-error"'), 'filter error').toBe(true);
    expect(res.html.includes('data-testid="filter-bar"'), 'data-testid="filter-bar"').toBe(true);
    // The same for a reader who may see no committee's proposals at all (Guizhou).
    const guizhou = await page('gz-member', `/proposals/dashboard?committee=${orgs['重庆市政协']}`);
    expect(guizhou.status).toBe(400);
    expect(guizhou.html.includes('proposalRegistry.unknownCommittee'), 'message key').toBe(true);
    const file = await server.request(`/proposals/dashboard/export.xlsx?committee=${orgs['四川省政协']}`, { cookie: cookies['cq-member'] });
    expect(file.status).toBe(400);
    expect(await file.text()).toMatch(/^committee: /);
    // The registry says the same, rather than showing an empty list under a committee named by its id.
    const registry = await page('cq-member', `/proposals?committee=${orgs['四川省政协']}`);
    expect(registry.status).toBe(400);
    expect(registry.html.includes('proposalRegistry.unknownCommittee'), 'message key').toBe(true);
  });
});

describe('filters, sorting and paging', () => {
  const staff = () => actorOf(db(), 'cq-staff');
  const ownerCount = (where: (q: any) => any) => asOwner(db(), async (trx) =>
    Number((await where(trx.selectFrom('proposals').select((eb: any) => eb.fn.countAll().as('n'))).executeTakeFirstOrThrow()).n));

  it('year and state, key only, topic, overdue (Beijing days), sponsor, unit: the counts the database holds', async () => {
    const a = await staff();
    const cq = orgs['重庆市政协'];
    const total = async (q: Parameters<typeof listProposalRegistry>[2]) => (await listProposalRegistry(db(), a, q)).total;
    expect(await total({ year: 2024, state: 'not_filed' })).toBe(187);
    // Past 1000 the page says "more than 1000"; the export carries every row.
    const year = await listProposalRegistry(db(), a, { year: 2024, committee: cq });
    expect([year.total, year.capped]).toEqual([1000, true]);
    // The count reaches a thousand past the page's start: the pager's last page leads on to the rest.
    const page50 = await listProposalRegistry(db(), a, { year: 2024, committee: cq, page: 50 });
    expect([page50.total, page50.capped, page50.rows.length]).toEqual([1551, false, 20]);
    const last = await listProposalRegistry(db(), a, { year: 2024, committee: cq, page: 78 });
    expect(last.rows).toHaveLength(11);
    expect(sheetNumbers(await xlsx('cq-staff', `/proposals/export.xlsx?year=2024&committee=${cq}`))).toHaveLength(1551);
    expect(await total({ year: 2024, key: true })).toBe(await ownerCount((q) => q.where('year', '=', 2024).where('owner_org_id', '=', cq).where('is_key', '=', true)));
    expect(await total({ year: 2024, topic: 'culture' })).toBe(await ownerCount((q) => q.where('year', '=', 2024).where('owner_org_id', '=', cq).where('category', '=', 'culture')));
    const overdue = await listProposalRegistry(db(), a, { overdue: true });
    expect(overdue.rows.map((r) => r.title)).toEqual([DEMO_PROPOSALS.cqOverdue]);
    expect(overdue.rows[0].overdue).toBe(true);
    // On its deadline day (Beijing) it is not overdue yet; the day after, it is.
    const deadline = overdue.rows[0].deadline!;
    const beijingNoon = (day: string) => Date.parse(`${day}T12:00:00+08:00`);
    expect((await listProposalRegistry(db(), a, { overdue: true }, { now: beijingNoon(deadline) })).total).toBe(0);
    expect((await listProposalRegistry(db(), a, { overdue: true }, { now: Date.parse(`${deadline}T16:30:00Z`) })).total).toBe(1);
    const scMember = await actorOf(db(), 'sc-member');
    const sponsored = await listProposalRegistry(db(), a, { sponsor: scMember.id });
    expect(sponsored.rows.map((r) => r.title).sort()).toEqual([DEMO_PROPOSALS.hydrogen, DEMO_PROPOSALS.jointSubmitted].sort());
    expect((await listProposalRegistry(db(), a, { unit: orgs['国家发展改革委'] })).rows.map((r) => r.title)).toEqual([DEMO_PROPOSALS.hydrogen]);
  });

  it('sorted by number, submitted date or deadline; paged without overlap', async () => {
    const a = await staff();
    const byNumber = await listProposalRegistry(db(), a, { year: 2024, sort: 'number', dir: 'asc' });
    expect(byNumber.rows.map((r) => r.number).slice(0, 3)).toEqual(['渝政协2024第0001号', '渝政协2024第0002号', '渝政协2024第0003号']);
    const page2 = await listProposalRegistry(db(), a, { year: 2024, sort: 'number', dir: 'asc', page: 2 });
    expect(page2.rows[0].number).toBe('渝政协2024第0021号');
    const big = await listProposalRegistry(db(), a, { year: 2024, sort: 'number', dir: 'desc', size: 50 });
    expect(big.rows).toHaveLength(50);
    expect(big.rows[0].number).toBe('渝政协2024第1551号');
    const byDeadline = await listProposalRegistry(db(), a, { sort: 'deadline' });
    const days = byDeadline.rows.map((r) => r.deadline).filter(Boolean) as string[];
    expect(days).toEqual([...days].sort());
    const bySubmitted = await listProposalRegistry(db(), a, {});
    expect(bySubmitted.rows[0].title).toBe(DEMO_PROPOSALS.jointSubmitted);
  });

  it('over HTTP: the filters in the URL, each row linking to its proposal page, zh-CN and English', async () => {
    const { status, html } = await page('cq-staff', '/proposals?year=2024&key=1&sort=number&dir=asc');
    expect(status).toBe(200);
    expect(html.includes('渝政协2024第0001号'), '渝政协2024第0001号').toBe(true);
    expect(html.includes(DEMO_PROPOSALS.corridor), DEMO_PROPOSALS.corridor).toBe(true);
    expect(html.includes('重点提案'), '重点提案').toBe(true);
    expect(html.includes(DEMO_PROPOSALS.hydrogen), DEMO_PROPOSALS.hydrogen).toBe(false);
    const corridorId = (await asOwner(db(), (trx) => trx.selectFrom('proposals').select('id').where('title', '=', DEMO_PROPOSALS.corridor).executeTakeFirstOrThrow())).id;
    expect(linkedIds(html)).toContain(corridorId);
    const en = await server.request('/proposals?overdue=1', { cookie: `${cookies['cq-staff']}; lang=en`, headers: { 'Accept-Language': 'en' } });
    const text = await en.text();
    expect(en.status).toBe(200);
    expect(text.includes(DEMO_PROPOSALS.cqOverdue), DEMO_PROPOSALS.cqOverdue).toBe(true);
    expect(text.includes('Lead unit'), 'Lead unit').toBe(true);
    expect(text.includes('Overdue'), 'Overdue').toBe(true);
  });

  it('a bad filter value is a 400 naming the field; the page still renders its filters', async () => {
    for (const [query, field] of [['year=abc', 'year'], ['state=bogus', 'state'], ['committee=not-an-id', 'committee'], ['key=yes', 'key'],
      ['sort=title', 'sort'], ['size=7', 'size'], ['page=0', 'page'], ['year=20245', 'year']] as const) {
      const res = await page('cq-staff', `/proposals?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.html.includes('data-testid="filter-bar"'), query).toBe(true);
      // The page number is no filter: it has no field to show the message beside.
      if (field !== 'page') expect(res.html.includes('data-testid="filter-error"'), query).toBe(true);
      const file = await server.request(`/proposals/export.xlsx?${query}`, { cookie: cookies['cq-staff'] });
      expect(file.status, query).toBe(400);
      expect(await file.text(), query).toMatch(new RegExp(`^${field}: `));
    }
    const dash = await page('cq-staff', '/proposals/dashboard?year=nineteen');
    expect(dash.status).toBe(400);
    expect(dash.html.includes('data-testid="filter-error"'), 'data-testid="filter-error"').toBe(true);
  });

  it('signed out: the registry and its exports send to the login page', async () => {
    for (const path of ['/proposals', '/proposals/dashboard', '/proposals/export.xlsx', '/proposals/dashboard/export.xlsx']) {
      const res = await server.request(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toMatch(/^\/login/);
    }
  });
});
