import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { DB, Executor } from '../index';
import type { ProposalTable } from '../schema-proposals';
import type { ProposalState, ReplyCategory } from '../../shared/domain/proposal';
import type { Region } from '../../shared/domain/model';

/**
 * The proposal registry and dashboard (docs/proposals.md, "Registry and dashboard"): read-only
 * queries, always run inside withActor so row-level security decides which proposals count.
 */

/** States in which a proposal still waits for its lead unit's reply: the only ones that can be overdue. */
export const OPEN_STATES: readonly ProposalState[] = ['filed', 'assigned', 'handling'];

export interface RegistryFilter {
  year?: number;
  state?: ProposalState;
  topic?: string;
  committeeId?: string;
  /** Assigned (not returned) to this unit, as lead or co-unit. */
  unitOrgId?: string;
  sponsorId?: string;
  keyOnly?: boolean;
  /** Deadline before `today` and not yet replied. */
  overdue?: boolean;
  /** Today in Beijing (YYYY-MM-DD): what "overdue" is measured against. */
  today: string;
  /** Only among these proposals (a reader outside the committee side: candidateProposalIds). */
  amongIds?: string[];
}

export type RegistryOrder = { sort: 'submitted' | 'number' | 'deadline'; dir: 'asc' | 'desc' };

type ProposalScope = ExpressionBuilder<DB & { p: ProposalTable }, 'p'>;

/** The registry's filters as one condition on `proposals as p`. */
function registryWhere(eb: ProposalScope, f: RegistryFilter): Expression<SqlBool> {
  const conds: Array<Expression<SqlBool>> = [];
  if (f.amongIds) conds.push(f.amongIds.length > 0 ? eb('p.id', '=', sql<string>`any(${`{${f.amongIds.join(',')}}`}::uuid[])`) : eb.lit(false));
  if (f.year !== undefined) conds.push(eb('p.year', '=', f.year));
  if (f.state) conds.push(eb('p.state', '=', f.state));
  if (f.topic) conds.push(eb('p.category', '=', f.topic));
  if (f.committeeId) conds.push(eb('p.owner_org_id', '=', f.committeeId));
  if (f.keyOnly) conds.push(eb('p.is_key', '=', true));
  if (f.overdue) conds.push(eb('p.deadline', '<', f.today), eb('p.state', 'in', OPEN_STATES));
  if (f.unitOrgId) {
    conds.push(eb('p.id', 'in', eb.selectFrom('proposal_assignments as a').select('a.proposal_id')
      .where('a.unit_org_id', '=', f.unitOrgId).where('a.status', '<>', 'returned')));
  }
  if (f.sponsorId) {
    conds.push(eb('p.id', 'in', eb.selectFrom('proposal_sponsors as s').select('s.proposal_id').where('s.user_id', '=', f.sponsorId)));
  }
  return eb.and(conds);
}

/**
 * Counting stops this far past the page's first row: the registry then says "more than N" (counting
 * 100,000 readable rows costs far more than the page; a reader narrows by year, state or unit instead),
 * and its pager still reaches every page, a thousand rows at a time.
 */
const REGISTRY_COUNT_AHEAD = 1000;

/**
 * One page of the registry as filtered and sorted, with the number of matching proposals counted up to
 * REGISTRY_COUNT_AHEAD past the page's start (`capped` when there are more).
 */
export async function listRegistry(db: Executor, f: RegistryFilter, order: RegistryOrder, limit: number, offset: number) {
  const base = db.selectFrom('proposals as p').where((eb) => registryWhere(eb, f));
  let q = base
    .innerJoin('orgs as c', 'c.id', 'p.owner_org_id')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .select([
      'p.id', 'p.number', 'p.title', 'p.state', 'p.is_key as isKey', 'p.category', 'p.year', 'p.owner_region as ownerRegion',
      'p.visibility', 'p.regions', 'p.submitted_at as submittedAt', 'p.deadline', 'p.reply_category as replyCategory',
      'c.name as committeeName', 'u.display_name as sponsorName',
      // The lead unit as the reader may see it: a co-unit does not see another unit's assignment.
      sql<string | null>`(select o.name from proposal_assignments a join orgs o on o.id = a.unit_org_id
        where a.proposal_id = p.id and a.role = 'lead' and a.status <> 'returned' order by a.assigned_at desc limit 1)`.as('leadUnitName'),
      sql<boolean>`(p.deadline < ${f.today}::date and p.state in ('filed', 'assigned', 'handling'))`.as('overdue'),
    ]);
  const dir = order.dir;
  if (order.sort === 'number') q = q.orderBy('p.year', dir).orderBy('p.number', dir);
  else if (order.sort === 'deadline') q = q.orderBy(sql`p.deadline ${sql.raw(dir)} nulls last`);
  else q = q.orderBy('p.submitted_at', dir);
  const rows = await q.orderBy('p.id', dir).limit(limit).offset(offset).execute();
  const cap = offset + REGISTRY_COUNT_AHEAD;
  const { n } = await db.selectFrom(base.select(sql.lit(1).as('one')).limit(cap + 1).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows: rows.map((r) => ({ ...r, deadline: dayString(r.deadline) })), total: Math.min(Number(n), cap), capped: Number(n) > cap };
}

/** A `date` column as YYYY-MM-DD whether the driver gives a string or a Date. */
const dayString = (d: unknown): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);

/**
 * Proposals a reader who is not on a committee's side may read can only be among these candidates:
 * those they sponsor, those assigned to their unit, those of their workspaces, and joint ones (for
 * staff and leaders of a region concerned). Each branch starts from an index and is still filtered by
 * row-level security, so the candidates never include what the reader may not see; the branches
 * cover every arm of the read rule except "the committee side of the owning region".
 */
const ASSIGNED = sql`p.id in (select a.proposal_id from proposal_assignments a where a.unit_org_id = app_org_id() and a.status <> 'returned')`;
const OTHER_BRANCHES = [
  sql`p.id in (select s.proposal_id from proposal_sponsors s where s.user_id = app_user_id())`,
  sql`p.workspace_id is not null and p.workspace_id in (select m.workspace_id from workspace_members m where m.user_id = app_user_id())`,
  sql`p.visibility = 'joint' and app_region() = any(p.regions)`,
];
const union = (branches: RawBuilder<unknown>[]) =>
  sql`(${sql.join(branches.map((b) => sql`select p.id, p.owner_org_id, p.year from proposals p where ${b}`), sql` union `)})`;
const CANDIDATES = union([ASSIGNED, ...OTHER_BRANCHES]);
/**
 * Whether committee `o` received a candidate. A unit's thousands of assignments are narrowed by their
 * copy of the committee and the first readable one decides (listing them all took 75 ms on PGlite).
 */
const HAS_CANDIDATE = sql`(exists (select 1 from proposal_assignments a join proposals p on p.id = a.proposal_id
    where a.proposal_org_id = o.id and a.unit_org_id = app_org_id() and a.status <> 'returned')
  or o.id in (select c.owner_org_id from ${union(OTHER_BRANCHES)} c))`;

/** Whether the reader is on the committee side of their region (staff, leaders, coordinators), who read its whole registry. */
export async function readsWholeRegion(db: Executor): Promise<boolean> {
  const { rows } = await sql<{ whole: boolean }>`
    select (app_has_role('staff') or app_has_role('leader') or app_has_role('coordinator')) and not app_has_role('handler') as whole`.execute(db);
  return rows[0]?.whole ?? false;
}

/** The candidate proposals' ids (see CANDIDATES): what a reader outside the committee side may read. */
export async function candidateProposalIds(db: Executor): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select c.id from ${CANDIDATES} c`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Committees of which the reader may see at least one proposal (the dashboard's choice): those of
 * the candidates, and for the committee side, their own region's committees that received any.
 */
export async function listVisibleCommittees(db: Executor) {
  const { rows } = await sql<{ id: string; name: string; region: Region }>`
    select o.id, o.name, o.region from orgs o
    where o.kind = 'committee' and (
      ${HAS_CANDIDATE}
      or (o.region = app_region()
          and (select (app_has_role('staff') or app_has_role('leader') or app_has_role('coordinator')) and not app_has_role('handler'))
          and exists (select 1 from proposals p where p.owner_org_id = o.id)))
    order by o.level, o.name`.execute(db);
  return rows;
}

/**
 * The years in which a committee received proposals the reader may see, newest first: those of the
 * candidates, and for the committee side of the committee's region, a skip scan down the
 * (owner_org_id, year) index, one readable row per year.
 */
export async function listVisibleYears(db: Executor, committeeId: string): Promise<number[]> {
  const { rows } = await sql<{ year: number }>`
    with recursive y(year) as (
      (select p.year from proposals p where p.owner_org_id = ${committeeId} and p.owner_region = app_region()
         and (select (app_has_role('staff') or app_has_role('leader') or app_has_role('coordinator')) and not app_has_role('handler'))
       order by p.year desc limit 1)
      union all
      select (select p.year from proposals p where p.owner_org_id = ${committeeId} and p.year < y.year order by p.year desc limit 1)
      from y where y.year is not null
    )
    select year from y where year is not null
    union
    select c.year from ${CANDIDATES} c where c.owner_org_id = ${committeeId}
    order by year desc`.execute(db);
  return rows.map((r) => Number(r.year));
}

export interface DashboardFigures {
  received: number;
  filed: number;
  notFiled: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  dueSoon: number;
  categories: Record<ReplyCategory, number>;
  states: Partial<Record<ProposalState, number>>;
  evaluations: { satisfied: number; basically: number; dissatisfied: number };
  /** The units' ratings of the proposals' quality (the other direction of 双向评价). */
  quality: { good: number; fair: number; poor: number };
  keyProposals: Array<{
    id: string; number: string; title: string; state: ProposalState; deadline: string | null; leadUnitName: string | null;
    supervisions: number;
  }>;
  units: Array<{ orgId: string; name: string; region: Region; lead: number; co: number; replied: number; overdue: number }>;
  regions: Array<{ region: Region; n: number }>;
}

/**
 * Everything the dashboard shows for one committee and year, in ONE statement: the proposals the
 * reader may see are read once (a narrow CTE, its counts taken in one pass), and the year's
 * assignments and evaluations, read by their copy of the proposal's committee and year (migration
 * 017), are joined to them once each (the sub-selects are fenced with `offset 0` so the planner does
 * not look children up proposal by proposal instead); the assignments are counted per unit in that
 * pass, and the quality ratings summed from those counts. Each further pass over 5,000 rows costs
 * about half a millisecond on the embedded database.
 * "On time": closed, and replied by the lead assignment's deadline (Beijing days).
 */
export async function dashboardFigures(db: Executor, committeeId: string, year: number, today: string, dueSoonUntil: string,
  unitOrgId?: string): Promise<DashboardFigures> {
  const unit = unitOrgId
    ? sql`and p.id in (select a.proposal_id from proposal_assignments a where a.unit_org_id = ${unitOrgId} and a.status <> 'returned')`
    : sql``;
  const { rows } = await sql<{ figures: DashboardFigures }>`
    with p as materialized (
      select p.id, p.state, p.is_key, p.reply_category, p.regions, p.deadline,
             p.deadline < ${today}::date and p.state in ('filed', 'assigned', 'handling') as overdue,
             p.state = 'closed' and p.replied_at is not null
               and (p.deadline is null or (p.replied_at at time zone 'Asia/Shanghai')::date <= p.deadline) as on_time
      from proposals p where p.owner_org_id = ${committeeId} and p.year = ${year} ${unit}
    ),
    -- The year's assignments the reader may see, counted per unit in one pass.
    u as materialized (
      select a.unit_org_id, count(*) as n,
             count(*) filter (where a.role = 'lead') as lead, count(*) filter (where a.role = 'co') as co,
             count(*) filter (where a.status = 'replied') as replied,
             count(*) filter (where p.overdue and a.role = 'lead') as overdue,
             count(*) filter (where a.quality = 'good') as good, count(*) filter (where a.quality = 'fair') as fair,
             count(*) filter (where a.quality = 'poor') as poor
      from (select * from proposal_assignments a
            where a.proposal_org_id = ${committeeId} and a.proposal_year = ${year} and a.status <> 'returned' offset 0) a
      join p on p.id = a.proposal_id
      group by a.unit_org_id
    ),
    -- The counts over the proposals, in one pass.
    n as (
      select count(*) as received,
             count(*) filter (where p.state not in ('submitted', 'under_review', 'not_filed')) as filed,
             count(*) filter (where p.state = 'not_filed') as "notFiled",
             count(*) filter (where p.state = 'closed') as closed,
             count(*) filter (where p.on_time) as "closedOnTime",
             count(*) filter (where p.overdue) as overdue,
             count(*) filter (where p.state in ('filed', 'assigned', 'handling')
                                and p.deadline >= ${today}::date and p.deadline <= ${dueSoonUntil}::date) as "dueSoon",
             json_build_object('A', count(*) filter (where p.reply_category = 'A'), 'B', count(*) filter (where p.reply_category = 'B'),
                               'C', count(*) filter (where p.reply_category = 'C')) as categories
      from p
    )
    select json_build_object(
      'received', n.received, 'filed', n.filed, 'notFiled', n."notFiled", 'closed', n.closed, 'overdue', n.overdue, 'dueSoon', n."dueSoon",
      'closedOnTime', n."closedOnTime", 'categories', n.categories,
      'states', coalesce((select json_object_agg(s.state, s.n) from (select p.state, count(*) as n from p group by p.state) s), '{}'::json),
      'evaluations', (select json_build_object(
          'satisfied', count(*) filter (where ev.rating = 'satisfied'),
          'basically', count(*) filter (where ev.rating = 'basically'),
          'dissatisfied', count(*) filter (where ev.rating = 'dissatisfied'))
        from (select * from proposal_evaluations ev where ev.proposal_org_id = ${committeeId} and ev.proposal_year = ${year} offset 0) ev
        join p on p.id = ev.proposal_id),
      'quality', (select json_build_object('good', coalesce(sum(u.good), 0)::int, 'fair', coalesce(sum(u.fair), 0)::int,
          'poor', coalesce(sum(u.poor), 0)::int) from u),
      'keyProposals', coalesce((select json_agg(k order by k.number) from (
          select p.id, k.number, k.title, p.state, p.deadline, o.name as "leadUnitName",
                 (select count(*) from supervision_records r where r.proposal_id = p.id) as supervisions
          from p join proposals k on k.id = p.id
          left join lateral (select a.unit_org_id from proposal_assignments a
                             where a.proposal_id = p.id and a.role = 'lead' and a.status <> 'returned' limit 1) a on true
          left join orgs o on o.id = a.unit_org_id
          where p.is_key order by k.number limit 100) k), '[]'::json),
      'units', coalesce((select json_agg(x order by x.lead + x.co desc, x.name) from (
          select o.id as "orgId", o.name, o.region, u.lead, u.co, u.replied, u.overdue
          from u join orgs o on o.id = u.unit_org_id order by u.n desc, o.name limit 20) x), '[]'::json),
      -- A proposal counts once for each region it concerns: the few distinct region lists first.
      'regions', coalesce((select json_agg(r order by r.n desc, r.region) from (
          select x.region, sum(g.n)::int as n from (select p.regions, count(*) as n from p group by p.regions) g,
                 unnest(g.regions) as x(region) group by x.region) r), '[]'::json)
    ) as figures
    from n`.execute(db);
  return rows[0].figures;
}

/** Handling units (names are public to signed-in users): the registry's unit filter. */
export function listUnitOrgs(db: Executor) {
  return db.selectFrom('orgs').select(['id', 'name', 'region']).where('kind', '=', 'unit').orderBy('region').orderBy('name').execute();
}

/** Committee members who may sponsor proposals (names are public): the registry's sponsor filter. */
export function listSponsorUsers(db: Executor) {
  return db.selectFrom('users as u').innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.display_name as displayName', 'o.name as orgName', 'u.region'])
    .where(sql<boolean>`'member' = any(u.roles)`).where('u.status', '=', 'active')
    .orderBy('u.region').orderBy('u.display_name').execute();
}
