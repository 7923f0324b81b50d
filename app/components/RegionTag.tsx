import { Tag } from 'antd';
import { regionName } from '../../shared/i18n/labels';
import { useT } from '../lib/i18n';

/** Each region has one colour everywhere (tags, carets, presence). */
// Solid tags with white text: every colour keeps a contrast ratio above 4.5:1.
export const REGION_COLORS: Record<string, string> = { chongqing: '#b3300b', sichuan: '#1d39c4', guizhou: '#237804', national: '#595959' };

export function RegionTag({ region }: { region: string }) {
  const t = useT();
  return <Tag color={REGION_COLORS[region] ?? 'default'}>{regionName(t, region)}</Tag>;
}
