/**
 * The calendar's vocabulary and its time arithmetic (docs/calendar.md). Pure: runs on the server
 * and in the browser.
 *
 * Times are instants. Both provinces keep Beijing time (UTC+8, no daylight saving since 1991), so a
 * wall-clock time in Beijing is the instant minus eight hours, with no zone database needed; the
 * browser's own zone never enters (a member travelling abroad still sees Beijing times).
 */
import * as rrulePackage from 'rrule';

// rrule ships ES modules for bundlers and a UMD file for Node, whose named exports Node cannot see.
const { RRule } = ((rrulePackage as any).RRule ? rrulePackage : (rrulePackage as any).default) as typeof rrulePackage;

export const EVENT_KINDS = [
  'joint_consultation', 'thematic_consultation', 'briefing', 'inspection', 'onsite_meeting', 'lecture', 'research', 'meeting',
] as const;
/** 联合协商 · 专题协商 · 情况通报 · 视察 · 现场办理会 · 政协大讲堂 · 调研 · 会议 */
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_ANSWERS = ['pending', 'attend', 'leave', 'tentative'] as const;
/** 待回复 · 参加 · 请假 (with a reason) · 待定 */
export type EventAnswer = (typeof EVENT_ANSWERS)[number];

/** How an event repeats, as the form offers it; stored as an RFC 5545 RRULE. */
export const REPEATS = ['none', 'daily', 'weekly', 'biweekly', 'monthly'] as const;
export type Repeat = (typeof REPEATS)[number];

export const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant of a Beijing wall-clock time: `2026-12-07`, `09:30` → 2026-12-07T01:30:00Z. */
export function beijingInstant(day: string, time = '00:00'): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hh, mm) - BEIJING_OFFSET_MS);
}

/** The Beijing calendar day of an instant, `YYYY-MM-DD`. */
export const beijingDay = (at: Date | string | number): string => new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/** The Beijing wall-clock time of an instant, `HH:mm`. */
export const beijingTime = (at: Date | string | number): string => new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(11, 16);

/** `day` plus `n` days, `YYYY-MM-DD`. */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** Whole days from one `YYYY-MM-DD` to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Monday of the week that holds `day` (weeks start on Monday in China). */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The RRULE for a repeat choice, ending on a Beijing day (inclusive) if given. */
export function rruleFor(repeat: Repeat, untilDay?: string | null): string | null {
  if (repeat === 'none') return null;
  const base = {
    daily: 'FREQ=DAILY', weekly: 'FREQ=WEEKLY', biweekly: 'FREQ=WEEKLY;INTERVAL=2', monthly: 'FREQ=MONTHLY',
  }[repeat];
  if (!untilDay) return base;
  // UNTIL is UTC (RFC 5545, with a zoned DTSTART): the last second of the Beijing day.
  const until = new Date(beijingInstant(addDays(untilDay, 1)).getTime() - 1000);
  return `${base};UNTIL=${until.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** The repeat choice and end day an RRULE came from (for the edit form); `none` for none. */
export function repeatOf(rrule: string | null): { repeat: Repeat; untilDay: string | null } {
  if (!rrule) return { repeat: 'none', untilDay: null };
  const parts = Object.fromEntries(rrule.split(';').map((p) => p.split('=') as [string, string]));
  const repeat: Repeat = parts.FREQ === 'DAILY' ? 'daily' : parts.FREQ === 'MONTHLY' ? 'monthly'
    : parts.INTERVAL === '2' ? 'biweekly' : 'weekly';
  const until = parts.UNTIL ? beijingDay(new Date(parts.UNTIL.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'))) : null;
  return { repeat, untilDay: until };
}

export interface EventTimes {
  startsAt: Date | string;
  endsAt: Date | string;
  rrule: string | null;
}
export interface EventException {
  occurrenceStart: Date | string;
  cancelled: boolean;
  startsAt: Date | string | null;
  endsAt: Date | string | null;
}
export interface Occurrence {
  /** Where this occurrence would be by the rule; the key of its exception. */
  originalStart: Date;
  start: Date;
  end: Date;
  moved: boolean;
}

/** At most this many occurrences of one event are expanded in one window (a daily rule over years). */
export const MAX_OCCURRENCES = 1000;

/**
 * Where to start walking a rule to reach `windowStart`. rrule steps from the first occurrence, one
 * period at a time: a daily event since 1900 took about 230 ms for every window, and seconds
 * for a conflict check. A rule of a fixed period (DAILY or WEEKLY, every n, no COUNT or BY… parts:
 * the ones `rruleFor` writes) has the same occurrences from its last one before the window on.
 */
function walkFrom(options: Partial<rrulePackage.Options>, dtstart: Date, windowStart: Date): Date {
  const fixed = Object.keys(options).every((k) => ['freq', 'interval', 'until'].includes(k));
  const days = options.freq === RRule.DAILY ? 1 : options.freq === RRule.WEEKLY ? 7 : 0;
  if (!fixed || !days || windowStart <= dtstart) return dtstart;
  const period = days * (options.interval ?? 1) * DAY_MS;
  return new Date(dtstart.getTime() + Math.floor((windowStart.getTime() - dtstart.getTime()) / period) * period);
}

/**
 * The occurrences of an event that overlap [from, to): the event itself when it does not repeat;
 * for a recurring one, the rule's dates (computed in Beijing wall-clock time, so BYDAY means a
 * Beijing weekday) without the cancelled ones, with moved ones at their new time.
 */
export function occurrencesBetween(event: EventTimes, exceptions: readonly EventException[], from: Date, to: Date): Occurrence[] {
  const start = new Date(event.startsAt);
  const duration = new Date(event.endsAt).getTime() - start.getTime();
  const overlaps = (s: Date, e: Date) => s < to && (e > from || (e.getTime() === s.getTime() && s >= from));
  if (!event.rrule) {
    const end = new Date(start.getTime() + duration);
    return overlaps(start, end) ? [{ originalStart: start, start, end, moved: false }] : [];
  }
  const byStart = new Map(exceptions.map((x) => [new Date(x.occurrenceStart).getTime(), x]));
  const shift = (d: Date, sign: 1 | -1) => new Date(d.getTime() + sign * BEIJING_OFFSET_MS);
  const options = RRule.parseString(event.rrule);
  if (options.until) options.until = shift(options.until, 1);
  const windowStart = shift(new Date(from.getTime() - duration), 1);
  const rule = new RRule({ ...options, dtstart: walkFrom(options, shift(start, 1), windowStart) });
  const out: Occurrence[] = [];
  rule.between(windowStart, shift(to, 1), true, (_d, i) => i < MAX_OCCURRENCES).forEach((wall) => {
    const originalStart = shift(wall, -1);
    if (byStart.has(originalStart.getTime())) return;
    const end = new Date(originalStart.getTime() + duration);
    if (overlaps(originalStart, end)) out.push({ originalStart, start: originalStart, end, moved: false });
  });
  for (const x of exceptions) {
    if (x.cancelled || !x.startsAt || !x.endsAt) continue;
    const s = new Date(x.startsAt);
    const e = new Date(x.endsAt);
    if (overlaps(s, e)) out.push({ originalStart: new Date(x.occurrenceStart), start: s, end: e, moved: true });
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Whether an occurrence start is one the event's rule produces (an exception must name a real one). */
export function isOccurrenceOf(event: EventTimes, at: Date): boolean {
  if (!event.rrule) return false;
  const found = occurrencesBetween(event, [], at, new Date(at.getTime() + 1));
  return found.some((o) => o.originalStart.getTime() === at.getTime());
}

/** Two time ranges overlap (half-open). */
export const overlapping = (a: { start: Date; end: Date }, b: { start: Date; end: Date }) => a.start < b.end && b.start < a.end;
