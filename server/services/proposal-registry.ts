import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import {
  dashboardFigures, listRegistry, listSponsorUsers, listUnitOrgs, listVisibleCommittees, listVisibleYears, REGISTRY_COUNT_CAP,
  type DashboardFigures, type RegistryOrder,
} from '../../db/queries/proposal-registry';
import { isHandlingUnit, type Actor } from '../../shared/policy';
import { addDays, beijingDay } from '../../shared/domain/calendar';
import { DUE_SOON_DAYS } from '../../shared/domain/proposal';
import type { DashboardQuery, RegistryQuery } from '../../shared/validation/proposal-registry';
import { dbActor } from './actor';
import { InputError } from './errors';

/**
 * 提案办理 read side (docs/proposals.md, "Registry and dashboard"): the registry and the dashboard,
 * each one transaction as the actor, so row-level security decides what is listed and counted. The
 * pages and their .xlsx exports call these same functions.
 */

export const REGISTRY_DEFAULT_PAGE_SIZE = 20;

/** The two-way evaluation goal of the work report (双向评价满意率 ≥ 92%). */
export const TWO_WAY_GOAL = 0.92;

/**
 * A handling unit reads only what is assigned to it (row-level security says so too): naming its
 * own org in the query lets the database start from its assignments.
 */
const ownUnit = (actor: Actor) => (isHandlingUnit(actor) ? actor.orgId : undefined);

/** The registry as filtered: one page (`all`: every matching row, up to `limit`, for the export). */
export async function listProposalRegistry(db: Kysely<DB>, actor: Actor, query: RegistryQuery,
  opts: { now?: number; all?: number; options?: boolean } = {}) {
  const today = beijingDay(opts.now ?? Date.now());
  const pageSize = query.size ?? REGISTRY_DEFAULT_PAGE_SIZE;
  const page = query.page ?? 1;
  const order: RegistryOrder = {
    sort: query.sort ?? 'submitted',
    dir: query.dir ?? (query.sort === 'deadline' ? 'asc' : 'desc'),
  };
  const unit = ownUnit(actor);
  return withActor(db, dbActor(actor), async (trx) => {
    const options = opts.options === false ? null : {
      committees: await listVisibleCommittees(trx, unit),
      units: await listUnitOrgs(trx),
      sponsors: await listSponsorUsers(trx),
    };
    // Another unit's assignments are none of a unit's business: that filter matches nothing.
    const empty = unit !== undefined && query.unit !== undefined && query.unit !== unit;
    const { rows, total } = empty ? { rows: [], total: 0 } : await listRegistry(trx, {
      year: query.year, state: query.state, topic: query.topic, committeeId: query.committee, unitOrgId: unit ?? query.unit,
      sponsorId: query.sponsor, keyOnly: query.key, overdue: query.overdue, today,
    }, order, opts.all ?? pageSize, opts.all ? 0 : (page - 1) * pageSize);
    return {
      rows, total: Math.min(total, REGISTRY_COUNT_CAP), capped: total > REGISTRY_COUNT_CAP,
      page, pageSize, order, today, options,
    };
  });
}

export type RegistryResult = Awaited<ReturnType<typeof listProposalRegistry>>;

/** A share as a percentage with two decimals (98.16), or null when there is nothing to divide by. */
export const percent = (n: number, of: number): number | null => (of > 0 ? Math.round((n / of) * 10_000) / 100 : null);

export interface Dashboard {
  committees: Array<{ id: string; name: string; region: string }>;
  committee: { id: string; name: string; region: string } | null;
  years: number[];
  year: number;
  figures: DashboardFigures | null;
  rates: { filing: number | null; onTime: number | null; satisfaction: number | null; twoWay: number | null };
  twoWayGoal: number;
}

/**
 * The dashboard of one committee and year: by default the reader's own committee (else the first
 * they may see) and its latest year. A committee the reader may see nothing of is a 400 on its field.
 */
export async function proposalDashboard(db: Kysely<DB>, actor: Actor, query: DashboardQuery, now = Date.now()): Promise<Dashboard> {
  const today = beijingDay(now);
  const unit = ownUnit(actor);
  return withActor(db, dbActor(actor), async (trx) => {
    const committees = await listVisibleCommittees(trx, unit);
    if (query.committee && !committees.some((c) => c.id === query.committee)) throw new InputError('committee', 'proposalRegistry.unknownCommittee');
    const committee = committees.find((c) => c.id === (query.committee ?? actor.orgId)) ?? committees[0] ?? null;
    const years = committee ? await listVisibleYears(trx, committee.id, unit) : [];
    const year = query.year ?? years[0] ?? Number(today.slice(0, 4));
    const figures = committee
      ? await dashboardFigures(trx, committee.id, year, today, addDays(today, DUE_SOON_DAYS), unit)
      : null;
    const e = figures?.evaluations;
    const q = figures?.quality;
    const evaluated = e ? e.satisfied + e.basically + e.dissatisfied : 0;
    const rated = q ? q.good + q.fair + q.poor : 0;
    return {
      committees, committee, years, year, figures, twoWayGoal: TWO_WAY_GOAL,
      rates: {
        filing: figures ? percent(figures.filed, figures.received) : null,
        onTime: figures ? percent(figures.closedOnTime, figures.filed) : null,
        satisfaction: e ? percent(e.satisfied + e.basically, evaluated) : null,
        twoWay: e && q ? percent(e.satisfied + e.basically + q.good + q.fair, evaluated + rated) : null,
      },
    };
  });
}
