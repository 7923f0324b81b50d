import { BEIJING_OFFSET_MS, type EventException } from '../../shared/domain/calendar';
import { TIME_ZONE } from '../../shared/format/datetime';

/**
 * iCalendar (RFC 5545) for feeds and single-event downloads. Times are written in Asia/Shanghai with
 * its VTIMEZONE (fixed UTC+8); a recurring event carries its RRULE, an EXDATE per cancelled
 * occurrence and one VEVENT with RECURRENCE-ID per moved occurrence, all under the event's stable
 * UID; SEQUENCE is the event's, raised on every change; DTSTAMP and LAST-MODIFIED are UTC.
 *
 * Our own writer: ical-generator took 3 s for a feed of 2,000 events (a time-zone conversion through
 * dayjs per date), and the format needs only escaping and line folding. Tests parse every file back
 * with ical.js, as calendar apps do.
 *
 * A feed URL can leak, so an event carries nothing personal: no organiser, no attendees, no answers;
 * only what the event page shows to every reader of the event.
 */

export interface IcsEvent {
  /** The UID's local part: an event's id, or `inspection-stop-<id>` / `supervision-<id>` for entries entered elsewhere. */
  id: string;
  /** Its page in the app; an event's own page when not given. */
  path?: string;
  title: string;
  kindLabel: string;
  /** Lines after the kind in DESCRIPTION: organising committees, a stop's host unit. */
  notes?: readonly string[];
  place: string;
  onlineUrl: string;
  description: string;
  startsAt: Date | string;
  endsAt: Date | string;
  allDay: boolean;
  rrule: string | null;
  sequence: number;
  updatedAt: Date | string;
  exceptions: readonly EventException[] | null;
}

const VTIMEZONE = [
  'BEGIN:VTIMEZONE', `TZID:${TIME_ZONE}`, `X-LIC-LOCATION:${TIME_ZONE}`,
  'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0800', 'TZOFFSETTO:+0800', 'TZNAME:CST', 'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT values: backslash, semicolon, comma and newlines escaped (§3.3.11). */
const text = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const compact = (iso: string) => iso.replace(/[-:]/g, '').slice(0, 15);
const utc = (at: Date | string) => `${compact(new Date(at).toISOString())}Z`;
const beijing = (at: Date | string) => compact(new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString());
/** DTSTART and the like: a Beijing date for all-day events, else a Beijing date-time with its TZID. */
const when = (name: string, at: Date | string, allDay: boolean) =>
  (allDay ? `${name};VALUE=DATE:${beijing(at).slice(0, 8)}` : `${name};TZID=${TIME_ZONE}:${beijing(at)}`);

/** Lines longer than 75 octets are folded (§3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    // The first line holds 75 octets; each continuation starts with a space, so 74 more.
    if (bytes + size > (parts.length === 0 ? 75 : 74)) { parts.push(current); current = ''; bytes = 0; }
    current += ch;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function vevent(e: IcsEvent, uid: string, url: string, override?: EventException): string[] {
  const description = [[e.kindLabel, ...e.notes ?? []].join('\n'), e.description, e.onlineUrl].filter(Boolean).join('\n\n');
  const lines = [
    'BEGIN:VEVENT', `UID:${uid}`, `SEQUENCE:${e.sequence}`, `DTSTAMP:${utc(e.updatedAt)}`, `LAST-MODIFIED:${utc(e.updatedAt)}`,
  ];
  if (override) {
    lines.push(`RECURRENCE-ID${when('', override.occurrenceStart, e.allDay)}`,
      when('DTSTART', override.startsAt!, e.allDay), when('DTEND', override.endsAt!, e.allDay));
  } else {
    lines.push(when('DTSTART', e.startsAt, e.allDay));
    // A moment (an itinerary stop has a time and no end) has no DTEND: it ends when it starts (§3.6.1).
    if (new Date(e.endsAt).getTime() !== new Date(e.startsAt).getTime()) lines.push(when('DTEND', e.endsAt, e.allDay));
    if (e.rrule) {
      lines.push(`RRULE:${e.rrule}`);
      // Cancelled occurrences are EXDATEs; moved ones stay in the rule and are overridden by their own VEVENT.
      for (const x of e.exceptions ?? []) if (x.cancelled) lines.push(when('EXDATE', x.occurrenceStart, e.allDay));
    }
  }
  lines.push(`SUMMARY:${text(e.title)}`);
  if (e.place) lines.push(`LOCATION:${text(e.place)}`);
  if (description) lines.push(`DESCRIPTION:${text(description)}`);
  lines.push(`URL;VALUE=URI:${url}`, 'END:VEVENT');
  return lines;
}

export function buildCalendar(opts: { name: string; appUrl: string; events: readonly IcsEvent[] }): string {
  const base = opts.appUrl.replace(/\/$/, '');
  const host = new URL(base).host;
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//cppcc-chuanyu//calendar//ZH', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(opts.name)}`, `X-WR-TIMEZONE:${TIME_ZONE}`, ...VTIMEZONE,
  ];
  for (const e of opts.events) {
    const uid = `${e.id}@${host}`;
    const url = `${base}${e.path ?? `/events/${e.id}`}`;
    lines.push(...vevent(e, uid, url));
    if (!e.rrule) continue;
    for (const x of e.exceptions ?? []) if (!x.cancelled && x.startsAt && x.endsAt) lines.push(...vevent(e, uid, url, x));
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** Response headers of a feed or an event download. */
export const icsHeaders = (disposition: string) => ({
  'Content-Type': 'text/calendar; charset=utf-8',
  'Content-Disposition': disposition,
  // Private to its reader and changing with every edit: never in a shared cache, never indexed.
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
});
