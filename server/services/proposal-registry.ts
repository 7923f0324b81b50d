import type { Kysely } from 'kysely';
import ExcelJS from 'exceljs';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import {
  candidateProposalIds, dashboardFigures, listRegistry, readsWholeRegion, listSponsorUsers, listUnitOrgs, listVisibleCommittees, listVisibleYears,
  type DashboardFigures, type RegistryOrder,
} from '../../db/queries/proposal-registry';
import { isHandlingUnit, type Actor } from '../../shared/policy';
import { addDays, beijingDay } from '../../shared/domain/calendar';
import { DUE_SOON_DAYS, REPLY_CATEGORIES, SATISFACTION } from '../../shared/domain/proposal';
import { translate, type Locale } from '../../shared/i18n';
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
  opts: { now?: number; all?: number } = {}) {
  const today = beijingDay(opts.now ?? Date.now());
  const pageSize = query.size ?? REGISTRY_DEFAULT_PAGE_SIZE;
  const page = query.page ?? 1;
  const order: RegistryOrder = {
    sort: query.sort ?? 'submitted',
    dir: query.dir ?? (query.sort === 'deadline' ? 'asc' : 'desc'),
  };
  const unit = ownUnit(actor);
  return withActor(db, dbActor(actor), async (trx) => {
    // Another unit's assignments are none of a unit's business: that filter matches nothing.
    const empty = unit !== undefined && query.unit !== undefined && query.unit !== unit;
    // Outside the committee side (members, handling units aside) the readable proposals are few:
    // start from them rather than from every row of the registry.
    const amongIds = unit === undefined && !empty && !(await readsWholeRegion(trx)) ? await candidateProposalIds(trx) : undefined;
    const { rows, total, capped } = empty ? { rows: [], total: 0, capped: false } : await listRegistry(trx, {
      amongIds, year: query.year, state: query.state, topic: query.topic, committeeId: query.committee, unitOrgId: unit ?? query.unit,
      sponsorId: query.sponsor, keyOnly: query.key, overdue: query.overdue, today,
    }, order, opts.all ?? pageSize, opts.all ? 0 : (page - 1) * pageSize);
    return {
      rows, total, capped, page, pageSize, order, today,
    };
  });
}

/** What the registry's filters offer: the committees the reader may see proposals of, units, sponsors, recent years. */
export async function registryFilterOptions(db: Kysely<DB>, actor: Actor, now = Date.now()) {
  const thisYear = Number(beijingDay(now).slice(0, 4));
  return withActor(db, dbActor(actor), async (trx) => ({
    committees: await listVisibleCommittees(trx),
    units: await listUnitOrgs(trx),
    sponsors: await listSponsorUsers(trx),
    years: Array.from({ length: 11 }, (_, k) => thisYear - k),
  }));
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
    const committees = await listVisibleCommittees(trx);
    if (query.committee && !committees.some((c) => c.id === query.committee)) throw new InputError('committee', 'proposalRegistry.unknownCommittee');
    const committee = committees.find((c) => c.id === (query.committee ?? actor.orgId)) ?? committees[0] ?? null;
    const years = committee ? await listVisibleYears(trx, committee.id) : [];
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

// ---- Exports (.xlsx): the very same service calls as the pages, under the same actor ----

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The most rows one registry export carries. */
export const REGISTRY_EXPORT_MAX = 10_000;

function styleHeader(sheet: ExcelJS.Worksheet) {
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/** The registry as filtered (every matching row up to REGISTRY_EXPORT_MAX), as an .xlsx workbook. */
export async function exportRegistryXlsx(db: Kysely<DB>, actor: Actor, query: RegistryQuery, locale: Locale, now = Date.now()) {
  const result = await listProposalRegistry(db, actor, { ...query, page: undefined }, { now, all: REGISTRY_EXPORT_MAX });
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const book = new ExcelJS.Workbook();
  book.created = new Date(now);
  const sheet = book.addWorksheet(t('proposalRegistry.sheet'));
  sheet.columns = [
    { header: t('proposalRegistry.number'), key: 'number', width: 22 },
    { header: t('proposalRegistry.titleColumn'), key: 'title', width: 60 },
    { header: t('proposalRegistry.stateColumn'), key: 'state', width: 12 },
    { header: t('proposal.key'), key: 'key', width: 10 },
    { header: t('proposalRegistry.topic'), key: 'topic', width: 12 },
    { header: t('proposalRegistry.committee'), key: 'committee', width: 14 },
    { header: t('proposalRegistry.sponsorColumn'), key: 'sponsor', width: 12 },
    { header: t('proposalRegistry.leadUnit'), key: 'unit', width: 18 },
    { header: t('proposalRegistry.deadline'), key: 'deadline', width: 12 },
    { header: t('proposal.overdue'), key: 'overdue', width: 8 },
    { header: t('proposalDashboard.categories'), key: 'category', width: 20 },
    { header: t('proposalRegistry.submitted'), key: 'submitted', width: 12 },
  ];
  styleHeader(sheet);
  for (const r of result.rows) {
    sheet.addRow({
      number: r.number, title: r.title, state: t(`proposal.state.${r.state}`), key: r.isKey ? t('proposal.key') : '',
      topic: t(`proposal.topic.${r.category}`), committee: r.committeeName, sponsor: r.sponsorName, unit: r.leadUnitName ?? '',
      deadline: r.deadline ?? '', overdue: r.overdue ? t('proposal.overdue') : '',
      category: r.replyCategory ? t(`proposal.category.${r.replyCategory}`) : '', submitted: beijingDay(r.submittedAt),
    });
  }
  return { bytes: Buffer.from(await book.xlsx.writeBuffer()), rows: result.rows.length };
}

/** The dashboard's figures as an .xlsx workbook: the headline figures, then one sheet per breakdown. */
export async function exportDashboardXlsx(db: Kysely<DB>, actor: Actor, query: DashboardQuery, locale: Locale, now = Date.now()) {
  const d = await proposalDashboard(db, actor, query, now);
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const book = new ExcelJS.Workbook();
  book.created = new Date(now);
  const f = d.figures;
  const summary = book.addWorksheet(t('proposalDashboard.title'));
  summary.columns = [{ header: t('proposalDashboard.metric'), key: 'metric', width: 28 }, { header: t('proposalDashboard.value'), key: 'value', width: 18 }];
  styleHeader(summary);
  // Rates are stored as fractions with a percentage format: Excel shows 98.16% and computes with 0.9816.
  const rate = (v: number | null) => (v === null ? '' : v / 100);
  const rows: Array<[string, number | string, boolean?]> = [
    [t('proposalDashboard.committee'), d.committee?.name ?? ''],
    [t('proposalDashboard.year'), d.year],
    [t('proposalDashboard.received'), f?.received ?? 0],
    [t('proposalDashboard.filed'), f?.filed ?? 0],
    [t('proposalDashboard.notFiled'), f?.notFiled ?? 0],
    [t('proposalDashboard.filingRate'), rate(d.rates.filing), true],
    [t('proposalDashboard.closed'), f?.closed ?? 0],
    [t('proposalDashboard.onTimeRate'), rate(d.rates.onTime), true],
    [t('proposalDashboard.satisfaction'), rate(d.rates.satisfaction), true],
    [t('proposalDashboard.twoWay'), rate(d.rates.twoWay), true],
    [t('proposalDashboard.overdue'), f?.overdue ?? 0],
    [t('proposalDashboard.dueSoon'), f?.dueSoon ?? 0],
    ...REPLY_CATEGORIES.map((c): [string, number] => [t(`proposal.category.${c}`), f?.categories[c] ?? 0]),
    ...SATISFACTION.map((r): [string, number] => [t(`proposal.rating.${r}`), f?.evaluations[r] ?? 0]),
  ];
  for (const [metric, value, isRate] of rows) {
    const row = summary.addRow({ metric, value });
    if (isRate && typeof value === 'number') row.getCell('value').numFmt = '0.00%';
  }
  const units = book.addWorksheet(t('proposalDashboard.units'));
  units.columns = [
    { header: t('proposalDashboard.units'), key: 'name', width: 24 }, { header: t('proposalDashboard.unitLead'), key: 'lead', width: 10 },
    { header: t('proposalDashboard.unitCo'), key: 'co', width: 10 }, { header: t('proposalDashboard.unitReplied'), key: 'replied', width: 10 },
    { header: t('proposalDashboard.unitOverdue'), key: 'overdue', width: 10 },
  ];
  styleHeader(units);
  for (const u of f?.units ?? []) units.addRow(u);
  const key = book.addWorksheet(t('proposalDashboard.keyProposals'));
  key.columns = [
    { header: t('proposalRegistry.number'), key: 'number', width: 22 }, { header: t('proposalRegistry.titleColumn'), key: 'title', width: 60 },
    { header: t('proposalRegistry.stateColumn'), key: 'state', width: 12 }, { header: t('proposalRegistry.leadUnit'), key: 'unit', width: 18 },
    { header: t('proposalRegistry.deadline'), key: 'deadline', width: 12 }, { header: t('proposalDashboard.supervisionColumn'), key: 'supervisions', width: 10 },
  ];
  styleHeader(key);
  for (const p of f?.keyProposals ?? []) {
    key.addRow({ number: p.number, title: p.title, state: t(`proposal.state.${p.state}`), unit: p.leadUnitName ?? '', deadline: p.deadline ?? '', supervisions: Number(p.supervisions) });
  }
  return { bytes: Buffer.from(await book.xlsx.writeBuffer()), dashboard: d };
}
