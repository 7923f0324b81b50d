import { describe, expect, it } from 'vitest';
import { addDays, beijingInstant, daysBetween, occurrencesBetween, rruleFor, type Repeat } from './calendar';

const DAY = 24 * 3600_000;

/** The occurrences a fixed-period rule has in [from, to), enumerated one period at a time from its first. */
function enumerated(start: Date, hours: number, periodDays: number, until: Date | null, from: Date, to: Date) {
  const out: string[] = [];
  for (let s = start.getTime(); s < to.getTime() && (!until || s <= until.getTime()); s += periodDays * DAY) {
    if (s + hours * 3600_000 > from.getTime()) out.push(new Date(s).toISOString());
  }
  return out;
}

describe('occurrencesBetween', () => {
  const periods: Array<[Repeat, number]> = [['daily', 1], ['weekly', 7], ['biweekly', 14]];
  const starts = ['1900-01-01', '1999-12-31', '2024-02-29', '2026-12-07'];
  const windows: Array<[string, number]> = [['1900-01-01', 3], ['2026-11-30', 7], ['2026-12-06', 42], ['2027-02-27', 5], ['2100-12-01', 31]];

  it('a daily, weekly or fortnightly event started long ago: the same occurrences as walking from its first one', () => {
    for (const [repeat, days] of periods) for (const day of starts) for (const untilDay of [null, '2027-01-31']) {
      for (const [windowDay, length] of windows) {
        const startsAt = beijingInstant(day, '09:30');
        const event = { startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000), rrule: rruleFor(repeat, untilDay) };
        const from = beijingInstant(windowDay);
        const to = beijingInstant(addDays(windowDay, length));
        const until = untilDay ? new Date(beijingInstant(addDays(untilDay, 1)).getTime() - 1000) : null;
        const got = occurrencesBetween(event, [], from, to).map((o) => o.start.toISOString());
        expect(got, `${repeat} since ${day} until ${untilDay}, ${windowDay} +${length}`).toEqual(enumerated(startsAt, 3, days, until, from, to));
      }
    }
  });

  it('an occurrence that began before the window and runs into it is in it', () => {
    const startsAt = beijingInstant('1900-01-01', '22:00');
    const event = { startsAt, endsAt: new Date(startsAt.getTime() + 4 * 3600_000), rrule: rruleFor('daily') };
    const [first] = occurrencesBetween(event, [], beijingInstant('2026-12-07'), beijingInstant('2026-12-08'));
    expect(first.start.toISOString()).toBe(beijingInstant('2026-12-06', '22:00').toISOString());
  });

  it('a monthly event keeps its day of the month, skipping months without it', () => {
    const startsAt = beijingInstant('1900-01-31', '09:00');
    const event = { startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), rrule: rruleFor('monthly') };
    const got = occurrencesBetween(event, [], beijingInstant('2026-01-01'), beijingInstant('2026-06-01')).map((o) => o.start.getTime());
    expect(got).toEqual(['2026-01-31', '2026-03-31', '2026-05-31'].map((d) => beijingInstant(d, '09:00').getTime()));
  });
});

describe('daysBetween', () => {
  it('counts whole days either way, across months, years and leap days, as addDays undoes', () => {
    expect(daysBetween('2026-12-08', '2026-12-20')).toBe(12);
    expect(daysBetween('2026-12-20', '2026-12-08')).toBe(-12);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    for (const [from, n] of [['1900-01-01', 73_000], ['2026-12-31', 1], ['2100-12-31', -36_524]] as const) {
      expect(daysBetween(from, addDays(from, n))).toBe(n);
    }
  });
});
