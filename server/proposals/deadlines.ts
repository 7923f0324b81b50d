import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { assignmentsDue, claimAlert, findProposal, usersOfOrgs, usersWithRole } from '../../db/queries/proposals';
import { addDays, beijingDay } from '../../shared/domain/calendar';
import { DUE_SOON_DAYS } from '../../shared/domain/proposal';
import { actAsUser } from '../services/actor';
import { announceNotifications, notify } from '../services/notifications';
import { toProposalRef } from '../services/proposals';
import type { CallContext } from '../services/call';

/** Alerts one sweep sends at most (the rest go out in the next sweeps). */
export const ALERTS_PER_SWEEP = 200;

/**
 * 催办: an open assignment whose deadline is within DUE_SOON_DAYS (kind `deadline`) or passed
 * (`overdue`) is flagged once to the unit, the receiving committee's staff and the supervising
 * leader of a key proposal. Each alert is claimed in proposal_alerts in the same transaction as its
 * notifications: however many processes sweep, and across restarts, it goes out once; a failed send
 * is claimed by nobody and tried again. Sent as the proposal's lead sponsor (who may read it).
 * At most `limit` alerts a sweep: a registry brought in with years of open assignments is worked
 * off a batch per sweep instead of holding the database (on PGlite, the server) for minutes.
 * Returns how many alerts went out.
 */
export async function sendDeadlineAlerts(db: Kysely<DB>, call: CallContext, now = new Date(), limit = ALERTS_PER_SWEEP): Promise<number> {
  const today = beijingDay(now);
  const due = await withActor(db, null, (trx) => assignmentsDue(trx, today, addDays(today, DUE_SOON_DAYS), limit));
  let sent = 0;
  for (const a of due) {
    const kind = a.deadline < today ? 'overdue' : 'approaching';
    const notified = await withActor(db, null, async (trx) => {
      if (!(await claimAlert(trx, a.assignment_id, kind))) return null;
      const actor = await actAsUser(trx, a.author_id);
      const proposal = actor && await findProposal(trx, a.proposal_id);
      if (!actor || !proposal) return [];
      const recipients = [
        ...await usersOfOrgs(trx, [a.unit_org_id]),
        ...await usersWithRole(trx, [a.owner_region], ['staff']),
        ...(a.key_leader_id ? [a.key_leader_id] : []),
      ];
      return notify(trx, { recipients, kind: kind === 'overdue' ? 'overdue' : 'deadline',
        record: { kind: 'proposal', id: a.proposal_id, ref: toProposalRef(proposal) }, text: a.title, actor });
    });
    if (notified === null) continue;
    sent++;
    await announceNotifications(db, call, notified);
  }
  return sent;
}
