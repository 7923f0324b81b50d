import type { CSSProperties } from 'react';
import { TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useEnterConfirmsOnly, type FieldAria } from './DayField';

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
      value={value ? dayjs(`2000-01-01T${value}:00`) : null}
      onChange={(t) => onChange?.(t ? t.format('HH:mm') : undefined)} />
  );
}
