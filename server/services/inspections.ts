import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  deleteRosterMember, deleteStop, findFinding, findFindingByKey, findInspection, findTask, insertFinding, insertInspection,
  insertLeads, insertRosterMember, insertStop, insertTask, lastPosition, listFindings, listInspections, listRoster, listStops, listTasks,
  listTasksOf, listWorkspaceCommittees, setFindingVisibility, touchInspection, updateInspectionRow, updateTaskIfVersion, type InspectionRow,
} from '../../db/queries/inspections';
import { listItems, listResponsibleUnits, type ItemRow } from '../../db/queries/rectification';
import { findUserRef, findWorkspaceRef, listWorkspaceMembers, listWorkspacesByIds } from '../../db/queries/workspaces';
import { authorize, can, type Actor, type InspectionRef, type RecordRef, type RectificationRef } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { isOverdue, nextInspectionStatus, RECTIFICATION_MOVES, type InspectionStatus, type TaskStatus } from '../../shared/domain/inspection';
import { beijingDay } from '../../shared/domain/calendar';
import type {
  BoardFilter, FindingInput, InspectionCreateInput, InspectionFilter, StopInput, TaskInput, TaskMove,
} from '../../shared/validation/inspections';
import { dbActor } from './actor';
import { audit, visibilityAction } from './audit';
import { InputError, NotFoundError } from './errors';
import type { CallContext } from './call';
import { announceNotifications, notify } from './notifications';

/**
 * 联合视察 (docs/inspections.md): inspections are shared records (record rules and row-level security
 * as for events), with a roster each side fills with its own people, an itinerary, a board of tasks
 * moved by compare-and-set, findings under the boundary, and rectification items followed to the
 * responsible unit and verified by a coordinator who is not that unit (server/services/rectification.ts).
 */

/** Someone else changed the card (or item) first: the mover is told, nothing is applied (409). */
export class ConflictError extends InputError {
  override readonly status = 409;
  constructor(field = '_form', key = 'inspection.conflict') { super(field, key); this.name = 'ConflictError'; }
}

export const toInspectionRef = (i: InspectionRow): InspectionRef => ({
  workspaceId: i.workspaceId, ownerOrgId: i.ownerOrgId, ownerRegion: i.ownerRegion, visibility: i.visibility, authorId: i.authorId,
  regions: i.regions, assignedOrgIds: i.assignedOrgIds,
});

const findingRef = (f: { ownerOrgId: string; ownerRegion: string; visibility: Visibility; authorId: string }, workspaceId: string): RecordRef => ({
  workspaceId, ownerOrgId: f.ownerOrgId, ownerRegion: f.ownerRegion, visibility: f.visibility, authorId: f.authorId,
});

export const itemRef = (r: ItemRow, workspaceId: string): RectificationRef => ({
  workspaceId, ownerOrgId: r.ownerOrgId, ownerRegion: r.ownerRegion, visibility: r.visibility, authorId: r.authorId,
  responsibleOrgId: r.responsibleOrgId,
});

/** An inspection the actor may read, or NotFoundError / PolicyError. */
export async function loadInspection(trx: Executor, actor: Actor, id: string) {
  const row = await findInspection(trx, id);
  if (!row) throw new NotFoundError('inspection');
  authorize(actor, 'inspection.read', toInspectionRef(row));
  return row;
}

const today = () => beijingDay(Date.now());

// ---- Reading -----------------------------------------------------------------------------------------

export async function listInspectionsFor(db: Kysely<DB>, actor: Actor, filter: InspectionFilter) {
  return withActor(db, dbActor(actor), async (trx) => {
    const workspaceIds = Object.keys(actor.workspaces);
    const rows = (await listInspections(trx, { ...filter, workspaceId: filter.workspace, workspaceIds }))
      .filter((r) => can(actor, 'inspection.read', toInspectionRef(r)).allowed);
    const workspaces = (await listWorkspacesByIds(trx, workspaceIds)).map((w) => ({
      id: w.id, name: w.name, regions: w.regions,
      canCreate: can(actor, 'inspection.create', { workspaceId: w.id, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: 'joint' }).allowed,
    }));
    const committees: Record<string, Array<{ id: string; name: string; region: string }>> = {};
    for (const w of workspaces.filter((x) => x.canCreate)) committees[w.id] = await listWorkspaceCommittees(trx, w.id);
    return {
      inspections: rows.map(({ assignedOrgIds: _, ...r }) => r),
      workspaces, committees,
      regions: [...new Set(workspaces.flatMap((w) => w.regions))].sort(),
    };
  });
}

/** The policy view of an inspection the actor may read (live-page watches). */
export function getInspectionRef(db: Kysely<DB>, actor: Actor, id: string): Promise<InspectionRef> {
  return withActor(db, dbActor(actor), async (trx) => toInspectionRef(await loadInspection(trx, actor, id)));
}

export function getInspection(db: Kysely<DB>, actor: Actor, id: string, filter: BoardFilter = {}) {
  return withActor(db, dbActor(actor), (trx) => readInspection(trx, actor, id, filter));
}

/**
 * The inspection page's content inside an open transaction as the actor (row-level security and the
 * policy): the page, and the exports that must hold exactly what the page shows.
 */
export async function readInspection(trx: Executor, actor: Actor, id: string, filter: BoardFilter = {}) {
  const row = await loadInspection(trx, actor, id);
  const ref = toInspectionRef(row);
  const now = today();
  const inside = can(actor, 'record.read', { ...ref, assignedOrgIds: [] }).allowed;
  const items = (await listItems(trx, { inspectionId: id, status: filter.itemStatus }))
    .filter((r) => can(actor, 'rectification.read', itemRef(r, row.workspaceId)).allowed)
    .map((r) => {
      const iref = itemRef(r, row.workspaceId);
      return {
        ...r, overdue: isOverdue(r, now),
        may: {
          report: can(actor, 'rectification.report', iref).allowed ? RECTIFICATION_MOVES[r.status].unit : [],
          verify: can(actor, 'rectification.verify', iref).allowed ? RECTIFICATION_MOVES[r.status].verifier : [],
        },
      };
    });
  const { assignedOrgIds: _, ...inspection } = row;
  if (!inside) {
    // A handling unit: the inspection's name and its own items, nothing of the rest.
    return {
      inspection, roster: [], stops: [], tasks: [], findings: [], items, candidates: [], units: [],
      abilities: { manage: false, plan: false, createFinding: false, moveAny: false, next: null },
    };
  }
  const roster = await listRoster(trx, id);
  const onRoster = roster.some((m) => m.id === actor.id);
  const plan = can(actor, 'inspection.plan', ref).allowed;
  const tasks = (await listTasks(trx, id))
    .filter((t) => (!filter.assignee || t.assigneeId === filter.assignee) && (!filter.region || t.assigneeRegion === filter.region))
    .map((t) => ({ ...t, mayMove: can(actor, 'task.move', { ...ref, assigneeId: t.assigneeId }).allowed }));
  const findings = (await listFindings(trx, id)).filter((f) => can(actor, 'finding.read', findingRef(f, row.workspaceId)).allowed).map((f) => ({
    ...f, mayShare: can(actor, 'finding.share', { ...findingRef(f, row.workspaceId), to: 'joint' }).allowed,
  }));
  const onRosterIds = new Set(roster.map((m) => m.id));
  // Whom the actor may put on the roster: their own region's people of the workspace who may read it.
  const candidates = plan ? (await listWorkspaceMembers(trx, row.workspaceId))
    .filter((m) => m.status === 'active' && !onRosterIds.has(m.id) && can(actor, 'inspection.addMember', {
      inspection: ref, user: { id: m.id, region: m.region, orgId: m.orgId, workspaceIds: [row.workspaceId] },
    }).allowed)
    .map((m) => ({ id: m.id, displayName: m.displayName, orgName: m.orgName })) : [];
  const manage = can(actor, 'inspection.manage', ref).allowed;
  return {
    inspection, roster: roster.map((m) => ({ ...m, removable: plan && m.region === actor.region })), stops: await listStops(trx, id),
    tasks, findings, items, candidates,
    units: plan ? await listResponsibleUnits(trx, row.regions) : [],
    abilities: {
      manage, plan, moveAny: plan,
      createFinding: can(actor, 'finding.create', { ...ref, onRoster }).allowed,
      next: manage ? nextInspectionStatus(row.status) : null,
    },
  };
}

/** "我的任务": the actor's tasks across inspections, and for a handling unit its rectification items. */
export async function getMyWork(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    const tasks = await listTasksOf(trx, actor.id);
    const items = (await listItems(trx, { responsibleOrgId: actor.orgId })).map((r) => ({ ...r, overdue: isOverdue(r, today()) }));
    return { tasks, items };
  });
}

// ---- The inspection ----------------------------------------------------------------------------------

export async function createInspection(db: Kysely<DB>, actor: Actor, input: InspectionCreateInput, call: CallContext = {}) {
  const { id, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const ws = await findWorkspaceRef(trx, input.workspaceId);
    if (!ws) throw new NotFoundError('workspace');
    const base = { workspaceId: ws.id, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility };
    authorize(actor, 'inspection.create', base);
    const committees = await listWorkspaceCommittees(trx, ws.id);
    const leads = input.leads.length ? input.leads : [actor.orgId];
    const chosen = committees.filter((c) => leads.includes(c.id));
    if (chosen.length !== leads.length) throw new InputError('leads', 'inspection.leadNotInWorkspace');
    const id = await insertInspection(trx, {
      ...base, authorId: actor.id, kind: input.kind, title: input.title, topic: input.topic, startsOn: input.startsOn, endsOn: input.endsOn,
    });
    await insertLeads(trx, id, chosen);
    await insertRosterMember(trx, id, { id: actor.id, region: actor.region }, actor.id);
    await audit(trx, { actor, region: actor.region, action: 'inspection.create', target: { type: 'inspection', id }, detail: { title: input.title, visibility: input.visibility }, ip: call.ip });
    if (input.visibility === 'joint') {
      await audit(trx, { actor, region: actor.region, action: 'boundary.share', target: { type: 'inspection', id }, detail: { from: null, to: 'joint', title: input.title }, ip: call.ip });
    }
    return { id, ref: { ...base, authorId: actor.id } };
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'created');
  return id;
}

/** One step along 筹备 → 进行中 → 报告 → 完成 (the inspection's stewards). */
export async function setInspectionStatus(db: Kysely<DB>, actor: Actor, id: string, status: InspectionStatus, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, id);
    const ref = toInspectionRef(row);
    authorize(actor, 'inspection.manage', ref);
    if (nextInspectionStatus(row.status) !== status) throw new InputError('status', 'inspection.badStatusMove');
    await updateInspectionRow(trx, id, { status });
    await audit(trx, { actor, region: row.ownerRegion, action: 'inspection.status', target: { type: 'inspection', id }, detail: { title: row.title, from: row.status, to: status }, ip: call.ip });
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

/** Loads and authorizes a planning change; returns the row and its policy view. */
export async function planning(trx: Executor, actor: Actor, id: string) {
  const row = await loadInspection(trx, actor, id);
  const ref = toInspectionRef(row);
  authorize(actor, 'inspection.plan', ref);
  return { row, ref };
}

// ---- Roster --------------------------------------------------------------------------------------------

/** Each side's coordinator adds their own region's people, never the other side's. */
export async function addToRoster(db: Kysely<DB>, actor: Actor, id: string, userId: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    const user = await findUserRef(trx, userId);
    const member = (await listWorkspaceMembers(trx, row.workspaceId)).find((m) => m.id === userId);
    if (!user || user.status !== 'active') throw new InputError('userId', 'inspection.unknownPerson');
    authorize(actor, 'inspection.addMember', {
      inspection: ref, user: { id: user.id, region: user.region, orgId: user.orgId, workspaceIds: member ? [row.workspaceId] : [] },
    });
    await insertRosterMember(trx, id, { id: user.id, region: user.region }, actor.id);
    await audit(trx, { actor, region: actor.region, action: 'inspection.roster', target: { type: 'inspection', id }, detail: { title: row.title, added: user.displayName }, ip: call.ip });
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'members');
}

export async function removeFromRoster(db: Kysely<DB>, actor: Actor, id: string, userId: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    const user = await findUserRef(trx, userId);
    if (!user) throw new InputError('userId', 'inspection.unknownPerson');
    authorize(actor, 'inspection.addMember', { inspection: ref, user: { id: user.id, region: user.region, orgId: user.orgId, workspaceIds: [row.workspaceId] } });
    await deleteRosterMember(trx, id, userId);
    await audit(trx, { actor, region: actor.region, action: 'inspection.roster', target: { type: 'inspection', id }, detail: { title: row.title, removed: user.displayName }, ip: call.ip });
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'members');
}

// ---- Itinerary -----------------------------------------------------------------------------------------

export async function addStop(db: Kysely<DB>, actor: Actor, id: string, input: StopInput, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    await insertStop(trx, id, input);
    await touchInspection(trx, id);
    await audit(trx, { actor, region: actor.region, action: 'inspection.itinerary', target: { type: 'inspection', id }, detail: { title: row.title, place: input.place, day: input.day }, ip: call.ip });
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

export async function removeStop(db: Kysely<DB>, actor: Actor, id: string, stopId: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    if ((await deleteStop(trx, id, stopId)) === 0) throw new NotFoundError('stop');
    await touchInspection(trx, id);
    await audit(trx, { actor, region: actor.region, action: 'inspection.itinerary', target: { type: 'inspection', id }, detail: { title: row.title, removed: stopId }, ip: call.ip });
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

// ---- Tasks and the board -------------------------------------------------------------------------------

async function checkAssignee(trx: Executor, id: string, assigneeId: string | null) {
  if (!assigneeId) return;
  if (!(await listRoster(trx, id)).some((m) => m.id === assigneeId)) throw new InputError('assigneeId', 'inspection.assigneeNotOnRoster');
}

export async function createTask(db: Kysely<DB>, actor: Actor, id: string, input: TaskInput, call: CallContext = {}) {
  let notified: string[] = [];
  const { taskId, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    await checkAssignee(trx, id, input.assigneeId);
    const taskId = await insertTask(trx, id, { ...input, createdBy: actor.id });
    await audit(trx, { actor, region: actor.region, action: 'inspection.task', target: { type: 'inspection', id }, detail: { title: row.title, task: input.title }, ip: call.ip });
    if (input.assigneeId) {
      notified = await notify(trx, { recipients: [input.assigneeId], kind: 'assignment', record: { kind: 'inspection', id, ref }, text: `${row.title}：${input.title}`, actor });
    }
    return { taskId, ref };
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
  await announceNotifications(db, call, notified);
  return taskId;
}

/**
 * A card moved to a column, as of the version the mover saw: of two concurrent moves one applies and
 * the other is refused with a 409 (ConflictError) and nothing changed; both boards then show the winner.
 */
export async function moveTask(db: Kysely<DB>, actor: Actor, id: string, move: TaskMove, call: CallContext = {}) {
  const { ref, version } = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, id);
    const ref = toInspectionRef(row);
    const task = await findTask(trx, id, move.taskId);
    if (!task) throw new NotFoundError('task');
    authorize(actor, 'task.move', { ...ref, assigneeId: task.assigneeId });
    if (task.version !== move.version) throw new ConflictError('_form', 'inspection.conflict');
    const position = task.status === move.status ? task.position : (await lastPosition(trx, id, move.status)) + 1;
    const version = await updateTaskIfVersion(trx, id, move.taskId, move.version, { status: move.status, position });
    if (version === null) throw new ConflictError('_form', 'inspection.conflict');
    await audit(trx, { actor, region: actor.region, action: 'inspection.taskMove', target: { type: 'inspection', id }, detail: { title: row.title, task: task.title, from: task.status, to: move.status }, ip: call.ip });
    return { ref, version };
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
  return { version };
}

/** Ticks or unticks one checklist line (same compare-and-set as a move). */
export async function checkTaskItem(db: Kysely<DB>, actor: Actor, id: string, c: { taskId: string; version: number; index: number; done: boolean }, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, id);
    const ref = toInspectionRef(row);
    const task = await findTask(trx, id, c.taskId);
    if (!task) throw new NotFoundError('task');
    authorize(actor, 'task.move', { ...ref, assigneeId: task.assigneeId });
    if (c.index >= task.checklist.length) throw new InputError('index', 'validation.invalid');
    const checklist = task.checklist.map((x, i) => (i === c.index ? { ...x, done: c.done } : x));
    if ((await updateTaskIfVersion(trx, id, c.taskId, c.version, { checklist })) === null) throw new ConflictError();
    return ref;
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

// ---- Findings -----------------------------------------------------------------------------------------

/**
 * Records a finding, owned by the reporter's org and region and visible in that region only until
 * shared. With a client key (an entry made offline), a second send returns the first finding.
 */
export async function createFinding(db: Kysely<DB>, actor: Actor, id: string, input: FindingInput, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, id);
    const ref = toInspectionRef(row);
    if (input.clientKey) {
      const earlier = await findFindingByKey(trx, actor.id, input.clientKey);
      if (earlier) {
        if (earlier.inspectionId !== id) throw new InputError('clientKey', 'validation.invalid');
        return { findingId: earlier.id, created: false, ref };
      }
    }
    const onRoster = (await listRoster(trx, id)).some((m) => m.id === actor.id);
    authorize(actor, 'finding.create', { ...ref, onRoster });
    const { clientKey, ...fields } = input;
    const findingId = await insertFinding(trx, id, {
      ...fields, clientKey, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: 'region', reporterId: actor.id,
    });
    await audit(trx, { actor, region: actor.region, action: 'inspection.finding', target: { type: 'inspection', id }, detail: { title: row.title, finding: findingId, severity: input.severity }, ip: call.ip });
    return { findingId, created: true, ref };
  });
  if (result.created) await call.realtime?.recordChanged('inspection', id, result.ref, 'updated');
  return { findingId: result.findingId, created: result.created };
}

/** Sharing a finding with the other side (or narrowing it back): an audited crossing of the boundary. */
export async function shareFinding(db: Kysely<DB>, actor: Actor, id: string, findingId: string, to: Visibility, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, id);
    const finding = await findFinding(trx, id, findingId);
    if (!finding) throw new NotFoundError('finding');
    const fref = findingRef(finding, row.workspaceId);
    authorize(actor, 'finding.share', { ...fref, to });
    if (finding.visibility === to) return null;
    await setFindingVisibility(trx, findingId, to);
    await audit(trx, {
      actor, region: finding.ownerRegion, action: visibilityAction(finding.visibility, to, 'inspection.findingVisibility'),
      target: { type: 'finding', id: findingId }, detail: { title: row.title, from: finding.visibility, to, finding: finding.description.slice(0, 80) }, ip: call.ip,
    });
    return toInspectionRef(row);
  });
  if (ref) await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

/** A finding the actor may read, with its inspection (photo uploads authorize against it). */
export async function loadFinding(trx: Executor, actor: Actor, id: string, findingId: string) {
  const row = await loadInspection(trx, actor, id);
  const finding = await findFinding(trx, id, findingId);
  if (!finding) throw new NotFoundError('finding');
  authorize(actor, 'finding.read', findingRef(finding, row.workspaceId));
  return { row, finding, ref: findingRef(finding, row.workspaceId) };
}

export type InspectionPage = Awaited<ReturnType<typeof getInspection>>;
export type { TaskStatus };
