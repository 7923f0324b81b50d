import type { Executor } from '../../db';
import { listBusyEvents, listExceptionsOf, type EventRow } from '../../db/queries/events';
import { occurrencesBetween, overlapping, type EventAnswer, type Occurrence } from '../../shared/domain/calendar';

/**
 * 日程冲突: invitees already busy at an event's times, for its organisers. A clash with an event the
 * organiser may read names it; any other says only "busy" (the row carries no title or id).
 */

/** Conflicts of each invitee with their other events around this event's next occurrences. */
export async function findConflicts(trx: Executor, event: EventRow, invitees: Array<{ userId: string; displayName: string; answer: EventAnswer }>) {
  const people = invitees.filter((i) => i.answer !== 'leave');
  if (people.length === 0) return [];
  const from = new Date(Math.max(Date.now() - 24 * 3600_000, new Date(event.startsAt).getTime()));
  const to = new Date(from.getTime() + 90 * 24 * 3600_000);
  const mine = occurrencesBetween(event, event.exceptions ?? [], from, to).slice(0, 30);
  if (mine.length === 0) return [];
  const until = new Date(Math.max(...mine.map((o) => o.end.getTime())));
  const busy = (await listBusyEvents(trx, people.map((p) => p.userId), mine[0].start, until))
    .filter((b) => b.event_id !== event.id);
  const exceptions = await listExceptionsOf(trx, [...new Set(busy.filter((b) => b.rrule && b.readable).map((b) => b.event_id))]);
  const names = new Map(people.map((p) => [p.userId, p.displayName]));
  const out: Array<{ userId: string; person: string; eventId: string | null; title: string | null; start: string }> = [];
  const seen = new Set<string>();
  for (const b of busy) {
    // Moves of an event the organiser may not read are not theirs to know: its rule alone counts.
    const its = b.readable ? exceptions.filter((x) => x.eventId === b.event_id) : [];
    const theirs = occurrencesBetween({ startsAt: b.starts_at, endsAt: b.ends_at, rrule: b.rrule }, its, mine[0].start, until);
    for (const o of mine) {
      const clash = theirs.find((other: Occurrence) => overlapping(o, other));
      if (!clash) continue;
      const key = `${b.user_id} ${b.event_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        userId: b.user_id, person: names.get(b.user_id) ?? '',
        eventId: b.readable ? b.event_id : null, title: b.readable ? b.title : null, start: clash.start.toISOString(),
      });
    }
  }
  return out;
}
