import type { KeyboardEvent } from 'react';
import { Select, type SelectProps } from 'antd';

/** Tab is kept from antd's list, which would take it as a choice. */
const leaveWithTab = (e: KeyboardEvent) => { if (e.key === 'Tab') e.stopPropagation(); };

/**
 * A choice of several (antd's Select in multiple mode) that Tab leaves. antd's list takes Tab as "toggle
 * the highlighted option" and keeps the focus, and in multiple mode the list stays open: each Tab added or
 * removed someone (the first of the list) and the keyboard could not leave the field. Tab now goes on to
 * the next control and the list closes; Enter and clicks choose.
 */
export function MultiSelect(props: Omit<SelectProps, 'mode'>) {
  return (
    <div style={{ display: 'contents' }} onKeyDownCapture={leaveWithTab}>
      <Select mode="multiple" {...props} />
    </div>
  );
}
