import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../index';
import { workspaceRegions } from './workspaces';
import type { Region, Visibility } from '../../shared/domain/model';
import type { ChecklistItem, FindingSeverity, InspectionKind, InspectionStatus, TaskStatus } from '../../shared/domain/inspection';

/**
 * Joint inspections (docs/inspections.md). Every function runs inside withActor: row-level security
 * has already dropped what the actor may not read (a region's private findings, their photos, the
 * items of other units).
 */

const inspectionColumns = [
  'i.id', 'i.workspace_id as workspaceId', 'i.owner_org_id as ownerOrgId', 'i.owner_region as ownerRegion',
  'i.visibility', 'i.author_id as authorId', 'i.kind', 'i.title', 'i.topic', 'i.starts_on as startsOn',
  'i.ends_on as endsOn', 'i.status', 'i.created_at as createdAt', 'i.updated_at as updatedAt',
  'w.name as workspaceName', 'o.name as ownerOrgName',
] as const;

/** Counts as the report speaks of them: findings (that the reader may read), items, items verified. */
const countsOf = () => [
  sql<number>`(select count(*)::int from inspection_findings f where f.inspection_id = i.id)`.as('findingCount'),
  sql<number>`(select count(*)::int from rectification_items r where r.inspection_id = i.id)`.as('itemCount'),
  sql<number>`(select count(*)::int from rectification_items r where r.inspection_id = i.id and r.status = 'verified')`.as('verifiedCount'),
];

function inspectionQuery(db: Executor) {
  return db.selectFrom('inspections as i')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .innerJoin('orgs as o', 'o.id', 'i.owner_org_id')
    .select((eb) => [
      ...inspectionColumns, ...countsOf(),
      workspaceRegions(sql.ref('i.workspace_id')).as('regions'),
      // The orgs items are assigned to: a handling unit reads the inspection only through these.
      sql<string[]>`coalesce((select array_agg(distinct r.responsible_org_id) from rectification_items r where r.inspection_id = i.id), '{}'::uuid[])`.as('assignedOrgIds'),
      jsonArrayFrom(eb.selectFrom('inspection_leads as l').innerJoin('orgs as lo', 'lo.id', 'l.org_id')
        .whereRef('l.inspection_id', '=', 'i.id').select(['lo.id', 'lo.name', 'lo.region']).orderBy('lo.region').orderBy('lo.name')).as('leads'),
    ]);
}

export type InspectionRow = Awaited<ReturnType<typeof findInspection>> & {};

export function findInspection(db: Executor, id: string) {
  return inspectionQuery(db).where('i.id', '=', id).executeTakeFirst();
}

export interface InspectionListFilter {
  workspaceIds: string[];
  workspaceId?: string;
  kind?: InspectionKind;
  status?: InspectionStatus;
  region?: Region;
  q?: string;
}

export function listInspections(db: Executor, f: InspectionListFilter, limit = 500) {
  let q = inspectionQuery(db);
  // A handling unit belongs to no workspace: row-level security shows it the inspections of its items.
  if (f.workspaceIds.length > 0) q = q.where('i.workspace_id', 'in', f.workspaceIds);
  if (f.workspaceId) q = q.where('i.workspace_id', '=', f.workspaceId);
  if (f.kind) q = q.where('i.kind', '=', f.kind);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.region) q = q.where(sql<boolean>`${f.region} = any(${workspaceRegions(sql.ref('i.workspace_id'))})`);
  if (f.q) q = q.where(sql<boolean>`position(${f.q} in i.title || ' ' || i.topic) > 0`);
  return q.orderBy('i.starts_on', 'desc').orderBy('i.title').limit(limit).execute();
}

export interface InspectionFields {
  kind: InspectionKind; title: string; topic: string; startsOn: string; endsOn: string;
}

export async function insertInspection(db: Executor, r: InspectionFields & {
  workspaceId: string; ownerOrgId: string; ownerRegion: Region; visibility: Visibility; authorId: string; status?: InspectionStatus;
}): Promise<string> {
  const { id } = await db.insertInto('inspections').values({
    workspace_id: r.workspaceId, owner_org_id: r.ownerOrgId, owner_region: r.ownerRegion, visibility: r.visibility,
    author_id: r.authorId, kind: r.kind, title: r.title, topic: r.topic, starts_on: r.startsOn, ends_on: r.endsOn,
    status: r.status,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function updateInspectionRow(db: Executor, id: string, set: Partial<InspectionFields> & { status?: InspectionStatus; visibility?: Visibility }) {
  const { startsOn, endsOn, ...rest } = set;
  return db.updateTable('inspections').set({
    ...rest,
    ...(startsOn !== undefined ? { starts_on: startsOn } : {}),
    ...(endsOn !== undefined ? { ends_on: endsOn } : {}),
    updated_at: new Date(),
  }).where('id', '=', id).execute();
}

/** Touches the inspection so that caches keyed on updated_at see a child's change. */
export function touchInspection(db: Executor, id: string) {
  return db.updateTable('inspections').set({ updated_at: new Date() }).where('id', '=', id).execute();
}

export function insertLeads(db: Executor, inspectionId: string, orgs: Array<{ id: string; region: Region }>) {
  if (orgs.length === 0) return Promise.resolve();
  return db.insertInto('inspection_leads').values(orgs.map((o) => ({ inspection_id: inspectionId, org_id: o.id, region: o.region })))
    .onConflict((oc) => oc.doNothing()).execute().then(() => undefined);
}

/** Committees that may lead an inspection of a workspace: the workspace's committees. */
export function listWorkspaceCommittees(db: Executor, workspaceId: string) {
  return db.selectFrom('workspace_orgs as wo').innerJoin('orgs as o', 'o.id', 'wo.org_id')
    .select(['o.id', 'o.name', 'o.region'])
    .where('wo.workspace_id', '=', workspaceId).where('o.kind', '=', 'committee')
    .orderBy('o.region').orderBy('o.name').execute();
}

// ---- Roster -------------------------------------------------------------------------------------------

export function listRoster(db: Executor, inspectionId: string) {
  return db.selectFrom('inspection_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.display_name as displayName', 'm.region', 'o.id as orgId', 'o.name as orgName', 'u.roles', 'm.added_at as addedAt'])
    .where('m.inspection_id', '=', inspectionId)
    .orderBy('m.region').orderBy('o.name').orderBy('u.display_name')
    .execute();
}

export function insertRosterMember(db: Executor, inspectionId: string, user: { id: string; region: Region }, addedBy: string) {
  return db.insertInto('inspection_members').values({ inspection_id: inspectionId, user_id: user.id, region: user.region, added_by: addedBy })
    .onConflict((oc) => oc.doNothing()).execute();
}

export function deleteRosterMember(db: Executor, inspectionId: string, userId: string) {
  return db.deleteFrom('inspection_members').where('inspection_id', '=', inspectionId).where('user_id', '=', userId).execute();
}

// ---- Itinerary ----------------------------------------------------------------------------------------

export function listStops(db: Executor, inspectionId: string) {
  return db.selectFrom('inspection_stops')
    .select(['id', 'day', 'time', 'place', 'host_unit as hostUnit'])
    .where('inspection_id', '=', inspectionId)
    .orderBy('day').orderBy('time').orderBy('created_at')
    .execute();
}

export async function insertStop(db: Executor, inspectionId: string, s: { day: string; time: string; place: string; hostUnit: string }) {
  const { id } = await db.insertInto('inspection_stops').values({
    inspection_id: inspectionId, day: s.day, time: s.time, place: s.place, host_unit: s.hostUnit,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function deleteStop(db: Executor, inspectionId: string, stopId: string) {
  return db.deleteFrom('inspection_stops').where('inspection_id', '=', inspectionId).where('id', '=', stopId)
    .executeTakeFirst().then((r) => Number(r.numDeletedRows));
}

export interface CalendarStopFilter {
  workspaceIds: string[];
  workspaceId?: string;
  kinds?: InspectionKind[];
  /** An inspection of this region: its owner's, or a lead committee's. */
  region?: Region;
  /** Only inspections this user is on the roster of. */
  involving?: string;
  fromDay?: string;
  toDay?: string;
}

/**
 * Itinerary stops with their inspection, for the shared calendar and its feed: entered once, on the
 * inspection, and seen there. Row-level security keeps the stops of inspections the reader may read
 * (app_reads_inspection: never a handling unit's).
 */
export function listCalendarStops(db: Executor, f: CalendarStopFilter, limit = 5000) {
  const ids = f.workspaceId ? f.workspaceIds.filter((w) => w === f.workspaceId) : f.workspaceIds;
  if (ids.length === 0 || f.kinds?.length === 0) return Promise.resolve([]);
  let q = db.selectFrom('inspection_stops as s')
    .innerJoin('inspections as i', 'i.id', 's.inspection_id')
    .select([
      's.id', 's.day', 's.time', 's.place', 's.host_unit as hostUnit', 'i.id as inspectionId', 'i.title', 'i.kind',
      'i.workspace_id as workspaceId', 'i.owner_org_id as ownerOrgId', 'i.owner_region as ownerRegion', 'i.visibility',
      'i.author_id as authorId', 'i.updated_at as updatedAt', workspaceRegions(sql.ref('i.workspace_id')).as('regions'),
    ])
    .where('i.workspace_id', 'in', ids);
  if (f.kinds) q = q.where('i.kind', 'in', f.kinds);
  if (f.fromDay) q = q.where('s.day', '>=', f.fromDay);
  if (f.toDay) q = q.where('s.day', '<', f.toDay);
  if (f.region) {
    const region = f.region;
    q = q.where((eb) => eb.or([
      eb('i.owner_region', '=', region),
      eb.exists(eb.selectFrom('inspection_leads as l').select('l.org_id').whereRef('l.inspection_id', '=', 'i.id').where('l.region', '=', region)),
    ]));
  }
  if (f.involving) {
    const userId = f.involving;
    q = q.where((eb) => eb.exists(eb.selectFrom('inspection_members as m').select('m.user_id')
      .whereRef('m.inspection_id', '=', 'i.id').where('m.user_id', '=', userId)));
  }
  return q.orderBy('s.day').orderBy('s.time').limit(limit).execute();
}

// ---- Tasks --------------------------------------------------------------------------------------------

const taskColumns = [
  't.id', 't.inspection_id as inspectionId', 't.title', 't.description', 't.assignee_id as assigneeId',
  't.due_on as dueOn', 't.status', 't.position', 't.checklist', 't.version', 't.updated_at as updatedAt',
  'u.display_name as assigneeName', 'u.region as assigneeRegion',
] as const;

export function listTasks(db: Executor, inspectionId: string) {
  return db.selectFrom('inspection_tasks as t')
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .select(taskColumns)
    .where('t.inspection_id', '=', inspectionId)
    .orderBy('t.position').orderBy('t.created_at')
    .execute();
}

export function findTask(db: Executor, inspectionId: string, taskId: string) {
  return db.selectFrom('inspection_tasks as t')
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .select(taskColumns)
    .where('t.inspection_id', '=', inspectionId).where('t.id', '=', taskId)
    .executeTakeFirst();
}

/** "我的任务": tasks assigned to a user across the inspections they may read. */
export function listTasksOf(db: Executor, userId: string, limit = 500) {
  return db.selectFrom('inspection_tasks as t')
    .innerJoin('inspections as i', 'i.id', 't.inspection_id')
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .select([...taskColumns, 'i.title as inspectionTitle'])
    .where('t.assignee_id', '=', userId)
    .orderBy(sql`t.due_on nulls last`).orderBy('t.title')
    .limit(limit).execute();
}

export interface TaskFields { title: string; description: string; assigneeId: string | null; dueOn: string | null; checklist: ChecklistItem[] }

export async function insertTask(db: Executor, inspectionId: string, t: TaskFields & { status?: TaskStatus; createdBy: string }) {
  const { id } = await db.insertInto('inspection_tasks').values({
    inspection_id: inspectionId, title: t.title, description: t.description, assignee_id: t.assigneeId, due_on: t.dueOn,
    checklist: JSON.stringify(t.checklist), status: t.status, created_by: t.createdBy,
    position: sql<number>`coalesce((select max(position) from inspection_tasks where inspection_id = ${inspectionId}), 0) + 1`,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/**
 * Compare-and-set: the change applies only if the task is still at `version`; returns the new
 * version, or null when someone else changed it first (the caller refuses with a 409).
 */
export async function updateTaskIfVersion(db: Executor, inspectionId: string, taskId: string, version: number,
  set: Partial<TaskFields> & { status?: TaskStatus; position?: number }): Promise<number | null> {
  const { assigneeId, dueOn, checklist, ...rest } = set;
  const row = await db.updateTable('inspection_tasks').set({
    ...rest,
    ...(assigneeId !== undefined ? { assignee_id: assigneeId } : {}),
    ...(dueOn !== undefined ? { due_on: dueOn } : {}),
    ...(checklist !== undefined ? { checklist: JSON.stringify(checklist) } : {}),
    version: sql<number>`version + 1`,
    updated_at: new Date(),
  }).where('inspection_id', '=', inspectionId).where('id', '=', taskId).where('version', '=', version)
    .returning('version').executeTakeFirst();
  return row?.version ?? null;
}

/** Position at the end of a column (a card moved there goes last). */
export async function lastPosition(db: Executor, inspectionId: string, status: TaskStatus): Promise<number> {
  const row = await db.selectFrom('inspection_tasks').select((eb) => eb.fn.max('position').as('p'))
    .where('inspection_id', '=', inspectionId).where('status', '=', status).executeTakeFirst();
  return Number(row?.p ?? 0);
}

export function deleteTaskRow(db: Executor, inspectionId: string, taskId: string) {
  return db.deleteFrom('inspection_tasks').where('inspection_id', '=', inspectionId).where('id', '=', taskId).execute();
}

// ---- Findings and photos ------------------------------------------------------------------------------

const findingColumns = [
  'f.id', 'f.inspection_id as inspectionId', 'f.owner_org_id as ownerOrgId', 'f.owner_region as ownerRegion',
  'f.visibility', 'f.reporter_id as authorId', 'f.description', 'f.place', 'f.latitude', 'f.longitude',
  'f.category', 'f.severity', 'f.created_at as createdAt', 'u.display_name as reporterName', 'o.name as ownerOrgName',
] as const;

function findingQuery(db: Executor) {
  return db.selectFrom('inspection_findings as f')
    .innerJoin('users as u', 'u.id', 'f.reporter_id')
    .innerJoin('orgs as o', 'o.id', 'f.owner_org_id')
    .select((eb) => [...findingColumns,
      jsonArrayFrom(eb.selectFrom('inspection_finding_photos as p').whereRef('p.finding_id', '=', 'f.id')
        .select(['p.id', 'p.width', 'p.height']).orderBy('p.created_at')).as('photos')]);
}

export function listFindings(db: Executor, inspectionId: string, limit = 2000) {
  return findingQuery(db).where('f.inspection_id', '=', inspectionId).orderBy('f.created_at', 'desc').limit(limit).execute();
}

export function findFinding(db: Executor, inspectionId: string, findingId: string) {
  return findingQuery(db).where('f.inspection_id', '=', inspectionId).where('f.id', '=', findingId).executeTakeFirst();
}

/** A finding already sent with this key by this reporter (an offline entry sent twice). */
export function findFindingByKey(db: Executor, reporterId: string, clientKey: string) {
  return db.selectFrom('inspection_findings').select(['id', 'inspection_id as inspectionId'])
    .where('reporter_id', '=', reporterId).where('client_key', '=', clientKey).executeTakeFirst();
}

export interface FindingFields {
  description: string; place: string; latitude: number | null; longitude: number | null;
  category: string; severity: FindingSeverity;
}

export async function insertFinding(db: Executor, inspectionId: string, f: FindingFields & {
  ownerOrgId: string; ownerRegion: Region; visibility: Visibility; reporterId: string; clientKey: string | null;
}): Promise<string> {
  const { id } = await db.insertInto('inspection_findings').values({
    inspection_id: inspectionId, owner_org_id: f.ownerOrgId, owner_region: f.ownerRegion, visibility: f.visibility,
    reporter_id: f.reporterId, description: f.description, place: f.place, latitude: f.latitude, longitude: f.longitude,
    category: f.category, severity: f.severity, client_key: f.clientKey,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function setFindingVisibility(db: Executor, findingId: string, visibility: Visibility) {
  return db.updateTable('inspection_findings').set({ visibility, updated_at: new Date() }).where('id', '=', findingId).execute();
}

export async function insertPhoto(db: Executor, findingId: string, p: { contentType: string; bytes: Buffer; thumb: Buffer; width: number; height: number }) {
  const { id } = await db.insertInto('inspection_finding_photos').values({
    finding_id: findingId, content_type: p.contentType, bytes: p.bytes, thumb: p.thumb, width: p.width, height: p.height,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function countPhotos(db: Executor, findingId: string) {
  return db.selectFrom('inspection_finding_photos').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('finding_id', '=', findingId).executeTakeFirstOrThrow().then((r) => Number(r.n));
}

/** A photo (or its thumbnail) with its finding's inspection, if the reader may read that finding. */
export function findPhoto(db: Executor, photoId: string, thumb: boolean) {
  return db.selectFrom('inspection_finding_photos as p')
    .innerJoin('inspection_findings as f', 'f.id', 'p.finding_id')
    .select(['p.id', 'p.content_type as contentType', thumb ? 'p.thumb as bytes' : 'p.bytes as bytes', 'f.id as findingId',
      'f.inspection_id as inspectionId', 'f.owner_org_id as ownerOrgId', 'f.owner_region as ownerRegion', 'f.visibility',
      'f.reporter_id as authorId'])
    .where('p.id', '=', photoId)
    .executeTakeFirst();
}
