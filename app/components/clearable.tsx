import { useMemo } from 'react';
import { CloseCircleFilled } from '@ant-design/icons';
import { useT } from '../lib/i18n';

/**
 * `allowClear` for antd's fields, the clear (×) named in the reader's language: antd names a select's
 * "Clear", and an input's after its icon, "close-circle".
 */
export function useClearable() {
  const label = useT()('form.clear');
  return useMemo(() => ({ label, clearIcon: <CloseCircleFilled aria-label={label} /> }), [label]);
}
