import { Link } from '@remix-run/react';
import { Button, Empty, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { addDays, beijingInstant, beijingTime, type EventAnswer, type EventKind } from '../../../shared/domain/calendar';
import type { Visibility } from '../../../shared/domain/model';
import type { SupervisionKind } from '../../../shared/domain/proposal';
import { formatDate, formatMonthDay } from '../../../shared/format/datetime';
import { useLocale, useT } from '../../lib/i18n';
import { visibilityLabel } from '../../../shared/i18n/labels';

/**
 * The month, week and agenda views: plain semantic markup over days computed on the server in
 * Beijing time (docs/decisions/016), so the server's HTML and any browser's render are the same.
 */

export interface ShownOccurrence {
  /**
   * An event's page, or where an entry shown here is entered: the proposal of a supervision activity
   * (督办), the inspection of an itinerary stop (视察行程, with its host unit).
   */
  href: string; supervision: SupervisionKind | null; stop: { hostUnit: string } | null;
  eventId: string; title: string; kind: EventKind; place: string; allDay: boolean; visibility: Visibility; workspaceRegions: string[];
  recurring: boolean; moved: boolean; myAnswer: EventAnswer | null; start: string; end: string;
}
export interface MarkedDay { day: string; work: boolean; nameZh: string; nameEn: string }

interface ViewProps {
  from: string;
  to: string;
  today: string;
  occurrences: ShownOccurrence[];
  markedDays: MarkedDay[];
  /** Shown when the user may create events: opens the form on that day. */
  onCreate?: (day: string) => void;
  /** The month being shown (month view greys the days of the weeks around it). */
  month?: string;
}

const KIND_COLOURS: Record<EventKind, string> = {
  joint_consultation: '#8e1515', thematic_consultation: '#ad4e00', briefing: '#0958d9', inspection: '#237804',
  onsite_meeting: '#531dab', lecture: '#08979c', research: '#5b8c00', meeting: '#595959',
};

/** The occurrences touching one Beijing day (multi-day events show on each of their days). */
function onDay(occurrences: ShownOccurrence[], day: string) {
  const dayStart = beijingInstant(day).getTime();
  const dayEnd = beijingInstant(addDays(day, 1)).getTime();
  return occurrences.filter((o) => {
    const start = Date.parse(o.start);
    const end = Date.parse(o.end);
    return start < dayEnd && (end > dayStart || start >= dayStart);
  });
}

function dayList(from: string, to: string) {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

function DayMark({ mark }: { mark?: MarkedDay }) {
  const t = useT();
  const locale = useLocale();
  if (!mark) return null;
  const name = locale === 'en' ? mark.nameEn : mark.nameZh;
  const label = t(mark.work ? 'calendar.workdayNamed' : 'calendar.holidayNamed', { name });
  return (
    <Tooltip title={label}>
      <Tag color={mark.work ? 'volcano' : 'green'} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', padding: '0 4px' }}
        aria-label={label} data-testid="day-mark">
        {t(mark.work ? 'calendar.workday' : 'calendar.holiday')}
      </Tag>
    </Tooltip>
  );
}

function Chip({ o, compact }: { o: ShownOccurrence; compact?: boolean }) {
  const t = useT();
  const time = o.allDay ? t('calendar.allDay') : beijingTime(o.start);
  return (
    <Link to={o.href} className="cal-chip" data-testid="calendar-event"
      style={{ borderInlineStart: `3px solid ${KIND_COLOURS[o.kind]}` }}>
      <span className="cal-chip-time">{time}</span>{' '}
      <span className="cal-chip-title">{o.supervision ? `${t(`proposal.supervision.${o.supervision}`)}：` : o.stop ? `${t('calendar.itinerary')}：` : ''}{o.title}</span>
      {!compact && o.place && <span className="cal-chip-place"> · {o.place}</span>}
      {o.visibility !== 'joint' && <span className="cal-chip-private"> · {visibilityLabel(t, o.visibility, o.workspaceRegions)}</span>}
    </Link>
  );
}

const WEEKDAYS_ZH = ['一', '二', '三', '四', '五', '六', '日'];
const WEEKDAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function MonthView({ from, to, today, occurrences, markedDays, onCreate, month }: ViewProps) {
  const t = useT();
  const locale = useLocale();
  const days = dayList(from, to);
  const marks = new Map(markedDays.map((m) => [m.day, m]));
  const weeks: string[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  const names = locale === 'en' ? WEEKDAYS_EN : WEEKDAYS_ZH;
  return (
    <table className="cal-month" data-testid="month-view">
      <thead><tr>{names.map((n) => <th key={n} scope="col">{n}</th>)}</tr></thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]}>
            {week.map((day) => {
              const items = onDay(occurrences, day);
              const outside = month && !day.startsWith(month);
              return (
                <td key={day} className={`${day === today ? 'cal-today' : ''} ${outside ? 'cal-outside' : ''}`} data-day={day}>
                  <div className="cal-day-head">
                    <span className="cal-day-number" aria-label={formatDate(`${day}T00:00:00+08:00`, locale)}>{Number(day.slice(8))}</span>
                    <DayMark mark={marks.get(day)} />
                    {onCreate && (
                      <Button size="small" type="text" className="cal-add" icon={<PlusOutlined aria-hidden="true" />}
                        aria-label={t('calendar.newOn', { day })} onClick={() => onCreate(day)} />
                    )}
                  </div>
                  {items.map((o) => <Chip key={`${o.eventId}-${o.start}`} o={o} compact />)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WeekView({ from, to, today, occurrences, markedDays, onCreate }: ViewProps) {
  const t = useT();
  const locale = useLocale();
  const marks = new Map(markedDays.map((m) => [m.day, m]));
  const names = locale === 'en' ? WEEKDAYS_EN : WEEKDAYS_ZH.map((n) => `周${n}`);
  return (
    <div className="cal-week" data-testid="week-view">
      {dayList(from, to).map((day, i) => {
        const items = onDay(occurrences, day);
        return (
          <section key={day} className={`cal-week-day ${day === today ? 'cal-today' : ''}`} aria-label={formatDate(`${day}T00:00:00+08:00`, locale)} data-day={day}>
            <div className="cal-day-head">
              <Typography.Text strong>{names[i]}</Typography.Text>
              <span>{formatMonthDay(`${day}T00:00:00+08:00`, locale)}</span>
              <DayMark mark={marks.get(day)} />
              {onCreate && (
                <Button size="small" type="text" className="cal-add" icon={<PlusOutlined aria-hidden="true" />}
                  aria-label={t('calendar.newOn', { day })} onClick={() => onCreate(day)} />
              )}
            </div>
            {items.length === 0 ? <Typography.Text type="secondary" className="cal-none">—</Typography.Text>
              : items.map((o) => <Chip key={`${o.eventId}-${o.start}`} o={o} />)}
          </section>
        );
      })}
    </div>
  );
}

export function AgendaView({ from, to, occurrences, markedDays }: ViewProps) {
  const t = useT();
  const locale = useLocale();
  const marks = new Map(markedDays.map((m) => [m.day, m]));
  const days = dayList(from, to).map((day) => ({ day, items: onDay(occurrences, day) })).filter((d) => d.items.length > 0);
  if (days.length === 0) return <Empty description={t('calendar.empty')} />;
  return (
    <div className="cal-agenda" data-testid="agenda-view">
      {days.map(({ day, items }) => (
        <section key={day} aria-label={formatDate(`${day}T00:00:00+08:00`, locale)}>
          <Typography.Title level={2} style={{ fontSize: 16, margin: '16px 0 8px' }}>
            {formatDate(`${day}T00:00:00+08:00`, locale)} <DayMark mark={marks.get(day)} />
          </Typography.Title>
          <ul>
            {items.map((o) => (
              <li key={`${o.eventId}-${o.start}`}>
                <Chip o={o} />
                <Tag style={{ marginInlineStart: 8 }}>{t(`calendar.kind.${o.kind}`)}</Tag>
                {o.myAnswer && <Tag>{t(`calendar.answer.${o.myAnswer}`)}</Tag>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** The views' CSS, inlined once by the calendar page (InlineStyle, with the CSP nonce). */
export const CALENDAR_STYLES = `
.cal-month { width: 100%; table-layout: fixed; border-collapse: collapse; background: #fff; }
.cal-month th { font-weight: 500; padding: 6px 4px; border-bottom: 1px solid #f0f0f0; text-align: start; }
.cal-month td { vertical-align: top; height: 104px; padding: 4px; border: 1px solid #f0f0f0; overflow: hidden; }
.cal-month td.cal-outside { background: #fafafa; }
.cal-month td.cal-outside .cal-day-number { color: #595959; }
.cal-today { background: #fff7e6 !important; }
.cal-day-head { display: flex; align-items: center; gap: 6px; margin-bottom: 2px; min-height: 24px; }
.cal-day-head .cal-add { margin-inline-start: auto; }
.cal-chip { display: block; font-size: 12px; line-height: 18px; padding: 1px 4px; margin: 2px 0; border-radius: 2px;
  background: #f5f5f5; color: rgba(0,0,0,0.88); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cal-chip:hover, .cal-chip:focus-visible { background: #e6f4ff; color: rgba(0,0,0,0.88); }
.cal-chip-time { color: rgba(0,0,0,0.65); }
.cal-chip .cal-chip-title { color: #8e1515; }
.cal-chip:hover .cal-chip-title, .cal-chip:focus-visible .cal-chip-title { text-decoration: underline; }
.cal-chip-private, .cal-chip-place { color: rgba(0,0,0,0.65); }
.cal-week { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 8px; }
.cal-week-day { background: #fff; border: 1px solid #f0f0f0; border-radius: 6px; padding: 8px; min-height: 160px; }
.cal-week-day .cal-chip { white-space: normal; font-size: 13px; }
.cal-agenda ul { list-style: none; margin: 0; padding: 0; }
.cal-agenda li { display: flex; align-items: center; flex-wrap: wrap; padding: 6px 0; border-bottom: 1px solid #f0f0f0; }
.cal-agenda .cal-chip { background: none; white-space: normal; font-size: 14px; flex: 1 1 240px; }
@media (max-width: 900px) {
  .cal-week { grid-template-columns: 1fr; }
  .cal-week-day { min-height: 0; }
}
@media (max-width: 640px) {
  .cal-month td { height: 64px; padding: 2px; }
  .cal-month .cal-chip { font-size: 10px; padding: 0 2px; }
  .cal-month .cal-chip-time { display: none; }
  .cal-month .cal-add { display: none; }
}
`;
