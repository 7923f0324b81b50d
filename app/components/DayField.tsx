import { useEffect, type CSSProperties } from 'react';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useLocale } from '../lib/i18n';

/**
 * A calendar day for a form, as `YYYY-MM-DD` (what the schemas and URLs carry), picked with antd's
 * DatePicker in the user's language: zh-CN weeks start on Monday. The day is the same text on the
 * server and in any browser time zone; only the popup calendar, drawn in the browser, is localised.
 */
export function DayField({ value, onChange, id, style }: {
  value?: string; onChange?: (day: string | undefined) => void; id?: string; style?: CSSProperties;
}) {
  const locale = useLocale();
  useEffect(() => { dayjs.locale(locale === 'en' ? 'en' : 'zh-cn'); }, [locale]);
  return (
    <DatePicker id={id} style={{ width: 160, ...style }} format="YYYY-MM-DD"
      value={value ? dayjs(value) : null}
      onChange={(day) => onChange?.(day ? day.format('YYYY-MM-DD') : undefined)} />
  );
}
