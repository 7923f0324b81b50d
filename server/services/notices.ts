import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { deleteNoticeRow, findNotice, insertNotice, updateNoticeRow } from '../../db/queries/notices';
import { findWorkspaceRef } from '../../db/queries/workspaces';
import { authorize, can, type Actor, type RecordRef } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { dbActor } from './actor';
import { audit, visibilityAction } from './audit';
import { NotFoundError } from './errors';
import type { CallContext } from './call';

/** 通知公告: the first shared record. Later records (drafts, proposals, ...) follow the same shape. */

export const toRecordRef = (n: { workspaceId: string; ownerOrgId: string; ownerRegion: string; visibility: Visibility; authorId: string }): RecordRef => ({
  workspaceId: n.workspaceId, ownerOrgId: n.ownerOrgId, ownerRegion: n.ownerRegion, visibility: n.visibility, authorId: n.authorId,
});

export interface NoticeInput { title: string; body: string; visibility: Visibility }

export async function getNotice(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const notice = await findNotice(trx, id);
    if (!notice) throw new NotFoundError('notice');
    authorize(actor, 'record.read', toRecordRef(notice));
    const ref = toRecordRef(notice);
    return {
      notice,
      abilities: {
        update: can(actor, 'record.update', ref).allowed,
        delete: can(actor, 'record.delete', ref).allowed,
        setVisibility: can(actor, 'record.setVisibility', { ...ref, to: 'joint' }).allowed,
      },
    };
  });
}

export async function createNotice(db: Kysely<DB>, actor: Actor, workspaceId: string, input: NoticeInput, call: CallContext = {}) {
  const id = await withActor(db, dbActor(actor), async (trx) => {
    if (!(await findWorkspaceRef(trx, workspaceId))) throw new NotFoundError('workspace');
    authorize(actor, 'record.create', { workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility });
    const id = await insertNotice(trx, {
      workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility, title: input.title, body: input.body, authorId: actor.id,
    });
    await audit(trx, { actor, region: actor.region, action: 'notice.create', target: { type: 'notice', id }, detail: { title: input.title, visibility: input.visibility }, ip: call.ip });
    if (input.visibility === 'joint') {
      await audit(trx, { actor, region: actor.region, action: 'boundary.share', target: { type: 'notice', id }, detail: { from: null, to: 'joint', title: input.title }, ip: call.ip });
    }
    return id;
  });
  await call.realtime?.recordChanged('notice', id, {
    workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility, authorId: actor.id,
  }, 'created');
  return id;
}

export async function updateNotice(db: Kysely<DB>, actor: Actor, id: string, input: Omit<NoticeInput, 'visibility'>, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const notice = await findNotice(trx, id);
    if (!notice) throw new NotFoundError('notice');
    authorize(actor, 'record.update', toRecordRef(notice));
    await updateNoticeRow(trx, id, { title: input.title, body: input.body });
    await audit(trx, { actor, region: notice.ownerRegion, action: 'notice.update', target: { type: 'notice', id }, detail: { title: input.title }, ip: call.ip });
    return toRecordRef(notice);
  });
  await call.realtime?.recordChanged('notice', id, ref, 'updated');
}

/**
 * Widening to `joint` crosses the provincial boundary; narrowing takes the other region's access
 * away at once (every read checks visibility). Both are audited for the owning region.
 */
export async function setNoticeVisibility(db: Kysely<DB>, actor: Actor, id: string, to: Visibility, call: CallContext = {}) {
  const { result, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const notice = await findNotice(trx, id);
    if (!notice) throw new NotFoundError('notice');
    authorize(actor, 'record.setVisibility', { ...toRecordRef(notice), to });
    // Narrowing can take the actor's own access away (e.g. a leader of another org setting `org`).
    const result = { workspaceId: notice.workspaceId, readable: can(actor, 'record.read', { ...toRecordRef(notice), visibility: to }).allowed };
    const ref = { ...toRecordRef(notice), visibility: to };
    if (notice.visibility === to) return { result, ref: null };
    await updateNoticeRow(trx, id, { visibility: to });
    await audit(trx, {
      actor, region: notice.ownerRegion, ip: call.ip, action: visibilityAction(notice.visibility, to),
      target: { type: 'notice', id }, detail: { from: notice.visibility, to, title: notice.title },
    });
    return { result, ref };
  });
  if (ref) await call.realtime?.recordChanged('notice', id, ref, 'visibility');
  return result;
}

export async function deleteNotice(db: Kysely<DB>, actor: Actor, id: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const notice = await findNotice(trx, id);
    if (!notice) throw new NotFoundError('notice');
    authorize(actor, 'record.delete', toRecordRef(notice));
    await deleteNoticeRow(trx, id);
    await audit(trx, { actor, region: notice.ownerRegion, action: 'notice.delete', target: { type: 'notice', id }, detail: { title: notice.title }, ip: call.ip });
    return toRecordRef(notice);
  });
  await call.realtime?.recordChanged('notice', id, ref, 'deleted');
  return ref.workspaceId;
}
