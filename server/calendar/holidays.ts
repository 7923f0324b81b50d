import chineseDays from 'chinese-days';
import { addDays } from '../../shared/domain/calendar';

/**
 * China's statutory holidays and adjusted working days (调休), from the chinese-days package, which
 * carries the State Council's published arrangements for 2004–2026 (README, "Calendar"). A year it
 * does not know yet shows plain weekends: nothing is guessed.
 */
export interface MarkedDay {
  day: string;
  /** true: an adjusted working day on a weekend (调休上班); false: a statutory holiday (休). */
  work: boolean;
  nameZh: string;
  nameEn: string;
}

const WEEKDAY_NAMES = new Set(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);

/** The marked days in [from, to) (Beijing calendar days, `YYYY-MM-DD`); at most 400 days are looked at. */
export function markedDays(from: string, to: string): MarkedDay[] {
  const out: MarkedDay[] = [];
  for (let day = from, n = 0; day < to && n < 400; day = addDays(day, 1), n++) {
    const detail = chineseDays.getDayDetail(day);
    if (WEEKDAY_NAMES.has(detail.name)) continue; // an ordinary working day or weekend
    const [nameEn, nameZh] = detail.name.split(',');
    out.push({ day, work: detail.work, nameZh: nameZh ?? nameEn, nameEn });
  }
  return out;
}
