import ICAL from 'ical.js';

/** A feed parsed back with ical.js, as a calendar app reads it. */
export interface ParsedEvent {
  uid: string;
  summary: string;
  sequence: number;
  /** DTSTART as written: its TZID (or null for a date) and the local text. */
  startZone: string | null;
  start: Date;
  end: Date;
  allDay: boolean;
  recurring: boolean;
  recurrenceId: Date | null;
  url: string;
  component: ICAL.Component;
  event: ICAL.Event;
}

export function parseCalendar(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  // Register the calendar's own VTIMEZONEs, as a client does, so TZID times convert.
  for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  const events: ParsedEvent[] = root.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c);
    const dtstart = c.getFirstProperty('dtstart')!;
    return {
      uid: event.uid, summary: event.summary, sequence: event.sequence, allDay: event.startDate.isDate,
      startZone: (dtstart.getParameter('tzid') as string | undefined) ?? null,
      start: event.startDate.toJSDate(), end: event.endDate.toJSDate(), recurring: event.isRecurring(),
      recurrenceId: event.recurrenceId ? event.recurrenceId.toJSDate() : null,
      url: String(c.getFirstPropertyValue('url') ?? ''), component: c, event,
    };
  });
  return { root, events, timezones: root.getAllSubcomponents('vtimezone').map((v) => String(v.getFirstPropertyValue('tzid'))) };
}

/**
 * The first `n` occurrence starts of a recurring event, with its exceptions applied as a client
 * does: EXDATEs dropped, RECURRENCE-ID overrides (other VEVENTs with the same UID) moved.
 */
export function expandOccurrences(master: ParsedEvent, all: ParsedEvent[], n: number): Date[] {
  for (const other of all) {
    if (other.uid === master.uid && other.recurrenceId) master.event.relateException(other.component);
  }
  const out: Date[] = [];
  const it = master.event.iterator();
  for (let next = it.next(); next && out.length < n; next = it.next()) {
    out.push(master.event.getOccurrenceDetails(next).startDate.toJSDate());
  }
  return out;
}
