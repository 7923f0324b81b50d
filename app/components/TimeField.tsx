import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useEnterConfirmsOnly, type FieldAria } from './DayField';
import { useT } from '../lib/i18n';

/**
 * A Beijing wall-clock time for a form, as `HH:mm` (what the schemas carry), picked with antd's
 * TimePicker in five-minute steps. Only the text travels: no zone is involved.
 */
export function TimeField({ value, onChange, id, style, ...aria }: {
  value?: string; onChange?: (time: string | undefined) => void; id?: string; style?: CSSProperties;
} & FieldAria) {
  const enter = useEnterConfirmsOnly();
  return (
    <TimePicker id={id} style={{ width: 120, ...style }} format="HH:mm" minuteStep={5} needConfirm={false} {...enter} {...aria}
      panelRender={(panel) => <NamedColumns>{panel}</NamedColumns>}
      value={value ? dayjs(`2000-01-01T${value}:00`) : null}
      onChange={(t) => onChange?.(t ? t.format('HH:mm') : undefined)} />
  );
}

/**
 * The popup's hour and minute columns scroll, with nothing in them that takes the focus (axe
 * scrollable-region-focusable): each becomes a named tab stop, scrolled by the arrow keys. The field
 * itself takes a typed time.
 */
function NamedColumns({ children }: { children: ReactNode }) {
  const t = useT();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const columns = panel.current?.querySelectorAll<HTMLElement>('.ant-picker-time-panel-column') ?? [];
    columns.forEach((column, i) => {
      column.tabIndex = 0;
      column.setAttribute('aria-label', t(i === 0 ? 'form.hours' : 'form.minutes'));
    });
  });
  return <div ref={panel}>{children}</div>;
}
