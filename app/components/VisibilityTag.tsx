import { Tag } from 'antd';
import type { Visibility } from '../../shared/domain/model';
import { useT } from '../lib/i18n';

const COLORS: Record<Visibility, string> = { org: 'default', region: 'blue', joint: 'red' };

export function VisibilityTag({ visibility }: { visibility: Visibility }) {
  const t = useT();
  return <Tag color={COLORS[visibility]}>{t(`visibility.${visibility}`)}</Tag>;
}
