import { Tag } from 'antd';
import { useT } from '../lib/i18n';

/** Each region has one colour everywhere (tags, carets, presence). */
export const REGION_COLORS: Record<string, string> = { chongqing: 'volcano', sichuan: 'geekblue', guizhou: 'green' };

export function RegionTag({ region }: { region: string }) {
  const t = useT();
  const label = t(`region.${region}`);
  return <Tag color={REGION_COLORS[region] ?? 'default'}>{label.startsWith('region.') ? region : label}</Tag>;
}
