import { useEffect, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useLocale } from '../lib/i18n';

/**
 * Enter in a picker whose calendar is open confirms the day typed or chosen; the browser also took it as
 * the form's submission, and a step (交办 with its deadline) was taken before the person had finished the
 * form. With the calendar closed, Enter sends the form, as in any field.
 */
export function useEnterConfirmsOnly() {
  const [open, setOpen] = useState(false);
  return {
    onOpenChange: setOpen,
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => { if (e.key === 'Enter' && open) e.preventDefault(); },
  };
}

/** What a Form.Item gives its field so that a screen reader reads the field's message (help, error) with it. */
export interface FieldAria { 'aria-describedby'?: string; 'aria-invalid'?: boolean | 'true' | 'false' }

/**
 * A calendar day for a form, as `YYYY-MM-DD` (what the schemas and URLs carry), picked with antd's
 * DatePicker in the user's language: zh-CN weeks start on Monday. The day is the same text on the
 * server and in any browser time zone; only the popup calendar, drawn in the browser, is localised.
 */
export function DayField({ value, onChange, id, style, min, max, ...aria }: {
  value?: string; onChange?: (day: string | undefined) => void; id?: string; style?: CSSProperties;
  /** The first and last days the calendar offers (YYYY-MM-DD); the action checks them again. */
  min?: string; max?: string;
} & FieldAria) {
  const locale = useLocale();
  const enter = useEnterConfirmsOnly();
  useEffect(() => { dayjs.locale(locale === 'en' ? 'en' : 'zh-cn'); }, [locale]);
  return (
    <DatePicker id={id} style={{ width: 160, ...style }} format="YYYY-MM-DD" {...enter} {...aria}
      value={value ? dayjs(value) : null}
      disabledDate={min || max ? (d) => (!!min && d.format('YYYY-MM-DD') < min) || (!!max && d.format('YYYY-MM-DD') > max) : undefined}
      onChange={(day) => onChange?.(day ? day.format('YYYY-MM-DD') : undefined)}
      // The picker keeps its last day when its text is emptied or left unfinished (it puts that day back on
      // blur): a day typed wrong could then not be taken out but with the mouse. Left so, the field is empty.
      // After the picker's own handling of the blur, which submits the day it still holds.
      onBlur={(e) => {
        const input = e.target as HTMLInputElement;
        setTimeout(() => { if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value)) onChange?.(undefined); });
      }} />
  );
}
