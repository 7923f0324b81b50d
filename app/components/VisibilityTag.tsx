import { Tag } from 'antd';
import type { Visibility } from '../../shared/domain/model';
import { visibilityLabel } from '../../shared/i18n/labels';
import { useT } from '../lib/i18n';

const COLORS: Record<Visibility, string> = { org: 'default', region: 'blue', joint: 'red' };

/** A record's visibility; `regions`: those of its workspace, which a joint record is shared between (渝黔联合). */
export function VisibilityTag({ visibility, regions }: { visibility: Visibility; regions?: readonly string[] }) {
  const t = useT();
  return <Tag color={COLORS[visibility]}>{visibilityLabel(t, visibility, regions)}</Tag>;
}
