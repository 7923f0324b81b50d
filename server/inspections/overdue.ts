import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { actAs, withActor } from '../../db';
import { findInspection } from '../../db/queries/inspections';
import { claimOverdue, listOrgUserIds, listOverdueItems } from '../../db/queries/rectification';
import { listUserMemberships } from '../../db/queries/sessions';
import { findUser } from '../../db/queries/users';
import { beijingDay } from '../../shared/domain/calendar';
import type { WorkspaceRole } from '../../shared/domain/model';
import type { Actor } from '../../shared/policy';
import { announceNotifications, notify } from '../services/notifications';
import type { CallContext } from '../services/call';
import { toInspectionRef } from '../services/inspections';

/** How often each process looks for newly overdue rectification items. */
export const OVERDUE_SWEEP_MS = 10 * 60 * 1000;
/** Items one sweep tells at most (the rest in the next sweeps). */
export const OVERDUE_PER_SWEEP = 200;

/**
 * Tells each overdue rectification item's responsible unit once (kind `overdue`): the item is claimed
 * in rectification_overdue_notices in the same transaction as the notifications, sent as the item's
 * author so that only people who may read the inspection (the unit, through its item) are told.
 * At most `limit` items a sweep. Returns how many items were claimed.
 */
export async function sendOverdueNotices(db: Kysely<DB>, call: CallContext, now = new Date(), limit = OVERDUE_PER_SWEEP): Promise<number> {
  const items = await withActor(db, null, (trx) => listOverdueItems(trx, beijingDay(now.getTime()), limit));
  let claimed = 0;
  for (const item of items) {
    const notified = await withActor(db, null, async (trx) => {
      if (!(await claimOverdue(trx, item.id))) return null;
      const author = await findUser(trx, item.author_id);
      if (!author || author.status !== 'active') return [];
      const actor: Actor = { id: author.id, region: author.region, orgId: author.orgId, roles: author.roles, workspaces: {} };
      await actAs(trx, actor);
      actor.workspaces = Object.fromEntries((await listUserMemberships(trx, author.id)).map((m) => [m.workspace_id, m.role as WorkspaceRole]));
      const inspection = await findInspection(trx, item.inspection_id);
      if (!inspection) return [];
      return notify(trx, {
        recipients: await listOrgUserIds(trx, item.responsible_org_id), kind: 'overdue',
        record: { kind: 'inspection', id: inspection.id, ref: toInspectionRef(inspection) }, text: `${inspection.title}：${item.measure}`, actor,
      });
    });
    if (notified === null) continue;
    claimed++;
    await announceNotifications(db, call, notified);
  }
  return claimed;
}
