import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { listFindings, touchInspection } from '../../db/queries/inspections';
import { findItem, insertItem, listOrgUserIds, listResponsibleUnits, moveItem } from '../../db/queries/rectification';
import { findOrg } from '../../db/queries/workspaces';
import { authorize, type Actor } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { RECTIFICATION_MOVES } from '../../shared/domain/inspection';
import type { ItemInput } from '../../shared/validation/inspections';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import type { CallContext } from './call';
import { announceNotifications, notify } from './notifications';
import { ConflictError, itemRef, loadInspection, planning, toInspectionRef } from './inspections';

/**
 * 整改 (docs/inspections.md): rectification items made from an inspection's findings, assigned to a
 * responsible unit, which reports its progress, and verified (or returned) by a coordinator who is
 * not that unit. Each move is a compare-and-set on the status: of two at once, one applies (409).
 */

/** An item made from findings of the inspection that the actor may read, for a unit of its regions. */
export async function createItem(db: Kysely<DB>, actor: Actor, id: string, input: ItemInput, call: CallContext = {}) {
  let notified: string[] = [];
  const { itemId, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await planning(trx, actor, id);
    const unit = await findOrg(trx, input.responsibleOrgId);
    if (!unit || !(await listResponsibleUnits(trx, row.regions)).some((u) => u.id === unit.id)) {
      throw new InputError('responsibleOrgId', 'inspection.unknownUnit');
    }
    const findings = await listFindings(trx, id);
    const chosen = findings.filter((f) => input.findingIds.includes(f.id));
    if (chosen.length !== input.findingIds.length) throw new InputError('findingIds', 'inspection.unknownFinding');
    // An item is as private as the most private finding it is made from.
    const visibility: Visibility = chosen.every((f) => f.visibility === 'joint') ? 'joint' : 'region';
    if (visibility === 'region' && chosen.some((f) => f.ownerRegion !== actor.region)) throw new InputError('findingIds', 'inspection.unknownFinding');
    const itemId = await insertItem(trx, id, {
      ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility, authorId: actor.id, responsibleOrgId: unit.id,
      measure: input.measure, deadline: input.deadline, findingIds: input.findingIds,
    });
    await touchInspection(trx, id);
    await audit(trx, { actor, region: actor.region, action: 'inspection.item', target: { type: 'inspection', id }, detail: { title: row.title, unit: unit.name, deadline: input.deadline }, ip: call.ip });
    const after = { ...ref, assignedOrgIds: [...(ref.assignedOrgIds ?? []), unit.id] };
    const handlers = await listOrgUserIds(trx, unit.id);
    notified = await notify(trx, { recipients: handlers, kind: 'assignment', record: { kind: 'inspection', id, ref: after }, text: `${row.title}：${input.measure}`, actor });
    return { itemId, ref: after };
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
  await announceNotifications(db, call, notified);
  return itemId;
}

async function loadItem(trx: Executor, actor: Actor, id: string, itemId: string) {
  const row = await loadInspection(trx, actor, id);
  const item = await findItem(trx, itemId);
  if (!item || item.inspectionId !== id) throw new NotFoundError('item');
  const ref = itemRef(item, row.workspaceId);
  authorize(actor, 'rectification.read', ref);
  return { row, item, ref };
}

/** The responsible unit reports progress: 整改中, then 已整改 with its evidence. */
export async function reportItem(db: Kysely<DB>, actor: Actor, id: string, itemId: string, r: { status: 'in_progress' | 'rectified'; progress: string }, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, item, ref } = await loadItem(trx, actor, id, itemId);
    authorize(actor, 'rectification.report', ref);
    if (!RECTIFICATION_MOVES[item.status].unit.includes(r.status)) throw new InputError('status', 'inspection.badItemMove');
    if (r.status === 'rectified' && !r.progress && !item.progress) throw new InputError('progress', 'inspection.evidenceRequired');
    if (!(await moveItem(trx, itemId, item.status, { status: r.status, progress: r.progress || item.progress, returnReason: '' }))) throw new ConflictError();
    await audit(trx, { actor, region: item.ownerRegion, action: 'inspection.itemProgress', target: { type: 'inspection', id }, detail: { title: row.title, item: itemId, from: item.status, to: r.status }, ip: call.ip });
    return toInspectionRef(row);
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}

/** A coordinator verifies (已核验) or returns (退回, with a reason); a unit never verifies its own item. */
export async function verifyItem(db: Kysely<DB>, actor: Actor, id: string, itemId: string, v: { decision: 'verified' | 'returned'; reason: string }, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const { row, item, ref } = await loadItem(trx, actor, id, itemId);
    authorize(actor, 'rectification.verify', ref);
    if (!RECTIFICATION_MOVES[item.status].verifier.includes(v.decision)) throw new InputError('decision', 'inspection.badItemMove');
    const ok = await moveItem(trx, itemId, item.status, {
      status: v.decision, returnReason: v.decision === 'returned' ? v.reason : '', verifiedBy: v.decision === 'verified' ? actor.id : null,
    });
    if (!ok) throw new ConflictError();
    await audit(trx, { actor, region: item.ownerRegion, action: 'inspection.itemVerify', target: { type: 'inspection', id }, detail: { title: row.title, item: itemId, decision: v.decision, reason: v.reason }, ip: call.ip });
    return toInspectionRef(row);
  });
  await call.realtime?.recordChanged('inspection', id, ref, 'updated');
}
