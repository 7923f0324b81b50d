import type { Locale } from '../i18n';

/**
 * Dates and times as people read them: always in Beijing time, which both provinces keep, in the
 * user's language. The zone is fixed so that the server's HTML and the browser's render are the same
 * text whatever zone either runs in (a zone-less `toLocaleString` differs, and React's hydration fails).
 */
export const TIME_ZONE = 'Asia/Shanghai';

/** A point in time: a Date, an ISO string (loader data carries dates as strings) or epoch milliseconds. */
export type Instant = Date | string | number;

const STYLES = {
  date: { dateStyle: 'medium' }, // 2025年1月2日 · Jan 2, 2025
  dateTime: { dateStyle: 'medium', timeStyle: 'short' }, // 2025年1月2日 00:30 · Jan 2, 2025, 00:30
  dateTimeSeconds: { dateStyle: 'medium', timeStyle: 'medium' }, // 2025年1月2日 00:30:05
  monthDay: { month: 'short', day: 'numeric' }, // 1月2日 · Jan 2
  month: { year: 'numeric', month: 'long' }, // 2025年1月 · January 2025
} satisfies Record<string, Intl.DateTimeFormatOptions>;

// Building a formatter costs far more than using one; a table formats many rows.
const formatters = new Map<string, Intl.DateTimeFormat>();

function format(at: Instant, locale: Locale, style: keyof typeof STYLES): string {
  const key = `${locale} ${style}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    // A 24-hour clock in every language: no AM/PM, whose spacing differs between ICU versions.
    formatter = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: TIME_ZONE, hourCycle: 'h23' });
    formatters.set(key, formatter);
  }
  return formatter.format(new Date(at));
}

/** The calendar date in Beijing: 2025年1月2日 (zh-CN), Jan 2, 2025 (en). */
export const formatDate = (at: Instant, locale: Locale): string => format(at, locale, 'date');

/** Date and time in Beijing: 2025年1月2日 00:30; with seconds (the audit log) 2025年1月2日 00:30:05. */
export const formatDateTime = (at: Instant, locale: Locale, { seconds = false } = {}): string =>
  format(at, locale, seconds ? 'dateTimeSeconds' : 'dateTime');

/** A calendar heading: 1月2日 · Jan 2 (the week view's days). */
export const formatMonthDay = (at: Instant, locale: Locale): string => format(at, locale, 'monthDay');

/** A month: 2025年1月 · January 2025 (the month view's title). */
export const formatMonth = (at: Instant, locale: Locale): string => format(at, locale, 'month');
