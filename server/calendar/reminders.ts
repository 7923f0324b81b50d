import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { claimReminder, findEvent, listEventsStarting, listInvitees } from '../../db/queries/events';
import { occurrencesBetween } from '../../shared/domain/calendar';
import { announceNotifications, notify } from '../services/notifications';
import type { CallContext } from '../services/call';
import { toRecordRef } from '../services/notices';
import { actAsUser } from '../services/actor';

/** Invitees are reminded this long before an occurrence starts (or at once, if it is nearer). */
export const REMINDER_LEAD_MS = 24 * 60 * 60 * 1000;
/** How often each process looks for due reminders. */
export const REMINDER_SWEEP_MS = 60 * 1000;

/**
 * Sends the reminder of every occurrence starting within the lead time that has none yet: a
 * notification (kind `deadline`) to each invitee who has not excused themselves, sent as the event's
 * author so that only invitees who may read the event get it. Each occurrence is claimed in
 * event_reminders in the same transaction as its notifications: however many processes sweep at
 * once, one sends it, and a failed send is claimed by nobody and tried again. Returns how many
 * occurrences were reminded.
 */
export async function sendDueReminders(db: Kysely<DB>, call: CallContext, now = new Date()): Promise<number> {
  const to = new Date(now.getTime() + REMINDER_LEAD_MS);
  const events = await withActor(db, null, (trx) => listEventsStarting(trx, now, to));
  let reminded = 0;
  for (const e of events) {
    const due = occurrencesBetween({ startsAt: e.starts_at, endsAt: e.ends_at, rrule: e.rrule }, e.exceptions ?? [], now, to)
      .filter((o) => o.start >= now);
    for (const occurrence of due) {
      const notified = await withActor(db, null, async (trx) => {
        if (!(await claimReminder(trx, e.id, occurrence.originalStart))) return null;
        const actor = await actAsUser(trx, e.author_id);
        if (!actor) return [];
        const event = await findEvent(trx, e.id);
        if (!event) return [];
        const invitees = (await listInvitees(trx, e.id)).filter((i) => i.answer !== 'leave').map((i) => i.userId);
        return notify(trx, { recipients: invitees, kind: 'deadline', record: { kind: 'event', id: e.id, ref: toRecordRef(event) }, text: event.title, actor });
      });
      if (notified === null) continue;
      reminded++;
      await announceNotifications(db, call, notified);
    }
  }
  return reminded;
}
