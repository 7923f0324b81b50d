import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import { TIME_ZONE } from '../../shared/format/datetime';
import type { EventException } from '../../shared/domain/calendar';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * iCalendar (RFC 5545) for feeds and single-event downloads, with ical-generator. Times are written
 * in Asia/Shanghai with its VTIMEZONE (fixed UTC+8); a recurring event carries its RRULE, EXDATEs
 * for cancelled occurrences and one VEVENT with RECURRENCE-ID per moved occurrence, all under the
 * event's stable UID; SEQUENCE is the event's, raised on every change.
 *
 * A feed URL can leak, so an event carries nothing personal: no organiser, no attendees, no
 * description of who answered; only what the event page shows to every reader of the event.
 */

const VTIMEZONE = [
  'BEGIN:VTIMEZONE', `TZID:${TIME_ZONE}`, `X-LIC-LOCATION:${TIME_ZONE}`,
  'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0800', 'TZOFFSETTO:+0800', 'TZNAME:CST', 'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

export interface IcsEvent {
  id: string;
  title: string;
  kindLabel: string;
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

const inBeijing = (at: Date | string) => dayjs(at).tz(TIME_ZONE);
const localStamp = (at: Date | string) => inBeijing(at).format('YYYYMMDDTHHmmss');
const allDayStamp = (at: Date | string) => inBeijing(at).format('YYYYMMDD');

export function buildCalendar(opts: { name: string; appUrl: string; events: readonly IcsEvent[] }): string {
  const calendar = ical({
    name: opts.name,
    prodId: { company: 'cppcc-chuanyu', product: 'calendar', language: 'ZH' },
    method: ICalCalendarMethod.PUBLISH,
    timezone: { name: TIME_ZONE, generator: () => VTIMEZONE },
  });
  const host = new URL(opts.appUrl).host;
  for (const e of opts.events) {
    const uid = `${e.id}@${host}`;
    const url = `${opts.appUrl.replace(/\/$/, '')}/events/${e.id}`;
    const description = [e.kindLabel, e.description, e.onlineUrl].filter(Boolean).join('\n\n');
    const common = {
      id: uid, sequence: e.sequence, summary: e.title, location: e.place || null, url, description,
      stamp: dayjs.utc(e.updatedAt), lastModified: dayjs.utc(e.updatedAt), timezone: TIME_ZONE,
    };
    const times = { start: inBeijing(e.startsAt), end: inBeijing(e.endsAt), allDay: e.allDay };
    const exceptions = e.exceptions ?? [];
    let repeating: string | null = null;
    if (e.rrule) {
      // Cancelled occurrences are EXDATEs; moved ones stay in the rule and are overridden below.
      const cancelled = exceptions.filter((x) => x.cancelled);
      repeating = [`RRULE:${e.rrule}`, ...cancelled.map((x) => e.allDay
        ? `EXDATE;VALUE=DATE:${allDayStamp(x.occurrenceStart)}`
        : `EXDATE;TZID=${TIME_ZONE}:${localStamp(x.occurrenceStart)}`)].join('\r\n');
    }
    calendar.createEvent({ ...common, ...times, repeating });
    for (const x of exceptions) {
      if (x.cancelled || !x.startsAt || !x.endsAt) continue;
      calendar.createEvent({
        ...common, start: inBeijing(x.startsAt), end: inBeijing(x.endsAt), allDay: e.allDay,
        recurrenceId: inBeijing(x.occurrenceStart), status: ICalEventStatus.CONFIRMED,
      });
    }
  }
  return utcStamps(calendar.toString());
}

/**
 * DTSTAMP and LAST-MODIFIED must be UTC (RFC 5545 §3.8.7); with a calendar time zone set,
 * ical-generator writes them in that zone without a Z. Rewrites those two from Beijing to UTC.
 */
function utcStamps(ics: string): string {
  return ics.replace(/^(DTSTAMP|LAST-MODIFIED):(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\r?$/gm, (_line, name, y, mo, d, h, mi, se) => {
    const utc = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}+08:00`).toISOString().replace(/[-:]/g, '').slice(0, 15);
    return `${name}:${utc}Z\r`;
  });
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
