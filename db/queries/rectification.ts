import { sql } from 'kysely';
import type { Executor } from '../index';
import type { Region, Visibility } from '../../shared/domain/model';
import type { RectificationStatus } from '../../shared/domain/inspection';

/**
 * Rectification items of joint inspections (docs/inspections.md): made from findings, followed by the
 * responsible unit, verified by a coordinator. Every function runs inside withActor: row-level security
 * has already dropped the items (and their findings) the actor may not read.
 */

const itemColumns = [
  'r.id', 'r.inspection_id as inspectionId', 'r.owner_org_id as ownerOrgId', 'r.owner_region as ownerRegion',
  'r.visibility', 'r.author_id as authorId', 'r.responsible_org_id as responsibleOrgId', 'r.measure', 'r.deadline',
  'r.status', 'r.progress', 'r.return_reason as returnReason', 'r.verified_at as verifiedAt', 'r.updated_at as updatedAt',
  'ro.name as responsibleOrgName',
] as const;

function itemQuery(db: Executor) {
  return db.selectFrom('rectification_items as r')
    .innerJoin('orgs as ro', 'ro.id', 'r.responsible_org_id')
    .select([...itemColumns,
      // The findings it was made from, as far as the reader may read them.
      sql<Array<{ id: string; description: string }>>`coalesce((select json_agg(json_build_object('id', f.id, 'description', f.description) order by f.created_at)
        from rectification_item_findings x join inspection_findings f on f.id = x.finding_id where x.item_id = r.id), '[]'::json)`.as('findings'),
      sql<string | null>`(select i.title from inspections i where i.id = r.inspection_id)`.as('inspectionTitle')]);
}

export type ItemRow = Awaited<ReturnType<typeof findItem>> & {};

export function listItems(db: Executor, f: { inspectionId?: string; responsibleOrgId?: string; status?: RectificationStatus }, limit = 2000) {
  let q = itemQuery(db);
  if (f.inspectionId) q = q.where('r.inspection_id', '=', f.inspectionId);
  if (f.responsibleOrgId) q = q.where('r.responsible_org_id', '=', f.responsibleOrgId);
  if (f.status) q = q.where('r.status', '=', f.status);
  return q.orderBy('r.deadline').orderBy('r.created_at').limit(limit).execute();
}

export function findItem(db: Executor, itemId: string) {
  return itemQuery(db).where('r.id', '=', itemId).executeTakeFirst();
}

export async function insertItem(db: Executor, inspectionId: string, r: {
  ownerOrgId: string; ownerRegion: Region; visibility: Visibility; authorId: string; responsibleOrgId: string;
  measure: string; deadline: string; findingIds: string[]; status?: RectificationStatus;
}): Promise<string> {
  const { id } = await db.insertInto('rectification_items').values({
    inspection_id: inspectionId, owner_org_id: r.ownerOrgId, owner_region: r.ownerRegion, visibility: r.visibility,
    author_id: r.authorId, responsible_org_id: r.responsibleOrgId, measure: r.measure, deadline: r.deadline, status: r.status,
  }).returning('id').executeTakeFirstOrThrow();
  if (r.findingIds.length > 0) {
    await db.insertInto('rectification_item_findings').values(r.findingIds.map((finding_id) => ({ item_id: id, finding_id }))).execute();
  }
  return id;
}

/** Compare-and-set on the status, so two verifiers (or a report and a return) cannot both apply. */
export async function moveItem(db: Executor, itemId: string, from: RectificationStatus, set: {
  status: RectificationStatus; progress?: string; returnReason?: string; verifiedBy?: string | null;
}): Promise<boolean> {
  const r = await db.updateTable('rectification_items').set({
    status: set.status,
    ...(set.progress !== undefined ? { progress: set.progress } : {}),
    return_reason: set.returnReason ?? '',
    ...(set.verifiedBy !== undefined ? { verified_by: set.verifiedBy, verified_at: set.verifiedBy ? new Date() : null } : {}),
    updated_at: new Date(),
  }).where('id', '=', itemId).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Units an item may be assigned to: handling units of the inspection's regions (and national ministries). */
export function listResponsibleUnits(db: Executor, regions: Region[]) {
  return db.selectFrom('orgs').select(['id', 'name', 'region'])
    .where('kind', '=', 'unit').where('region', 'in', [...regions, 'national'])
    .orderBy('region').orderBy('name').execute();
}

/** The active people of an org (a responsible unit's liaisons, told of a new item). */
export function listOrgUserIds(db: Executor, orgId: string) {
  return db.selectFrom('users').select('id').where('org_id', '=', orgId).where('status', '=', 'active')
    .execute().then((rows) => rows.map((r) => r.id));
}

/** Overdue items not yet notified, whoever may read them (the sweep acts for no one). */
export function listOverdueItems(db: Executor, today: string, limit: number) {
  return sql<{ id: string; inspection_id: string; author_id: string; responsible_org_id: string; measure: string }>`
    select * from app_overdue_items(${today}) limit ${limit}`.execute(db).then((r) => r.rows);
}

/** Claims an item's overdue notice; false when another process already sent it. */
export async function claimOverdue(db: Executor, itemId: string): Promise<boolean> {
  const row = await db.insertInto('rectification_overdue_notices').values({ item_id: itemId })
    .onConflict((oc) => oc.doNothing()).returning('item_id').executeTakeFirst();
  return row !== undefined;
}
