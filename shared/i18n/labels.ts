import type { Visibility } from '../domain/model';

/** A translate function: the app's `t`, or `translate` with a locale. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** Regions in the order their short names are read together: 川渝, 渝黔, 川渝黔. */
const READING_ORDER = ['sichuan', 'chongqing', 'guizhou'];
const readingPlace = (region: string) => {
  const i = READING_ORDER.indexOf(region);
  return i === -1 ? READING_ORDER.length : i;
};

/** The text of a key, or null when the catalogs do not have it. */
const known = (t: Translate, key: string) => {
  const text = t(key);
  return text === key ? null : text;
};

/** The text of a key, or `fallback` (a stored value shown as it is) when the catalogs do not have it. */
export const labelOr = (t: Translate, key: string, fallback: string) => known(t, key) ?? fallback;

/** A region's name in the reader's language; a code the catalogs do not know shows as itself. */
export const regionName = (t: Translate, region: string) => labelOr(t, `region.${region}`, region);

/** An audit log action in the reader's language (`workspace.*` actions by their suffix when not named). */
export function auditActionLabel(t: Translate, action: string): string {
  const label = known(t, `audit.action.${action}`);
  if (label) return label;
  return action.startsWith('workspace.') ? t('admin.audit.workspacePrefix', { action: action.slice('workspace.'.length) }) : action;
}

/**
 * What a record's visibility is called. A joint record names the regions of its workspace, those it is
 * shared between (川渝联合, 渝黔联合, 川渝黔联合); without them, or with a region that has no short name,
 * it is 跨省市联合.
 */
export function visibilityLabel(t: Translate, visibility: Visibility, regions: readonly string[] = []): string {
  if (visibility !== 'joint' || regions.length < 2) return t(`visibility.${visibility}`);
  const ordered = [...regions].sort((a, b) => readingPlace(a) - readingPlace(b) || a.localeCompare(b));
  const names = ordered.map((r) => known(t, `region.short.${r}`));
  if (names.some((n) => n === null)) return t('visibility.joint');
  return t('visibility.jointOf', { regions: names.join(t('visibility.jointJoiner')) });
}

/** What an audit entry was about, `类型：名称` (the name it recorded, else the id), or null when about nothing. */
export function auditTargetLabel(t: Translate, e: { targetType: string | null; targetName: string | null; targetId: string | null }): string | null {
  if (!e.targetType) return null;
  return `${labelOr(t, `audit.target.${e.targetType}`, e.targetType)}：${e.targetName ?? e.targetId ?? ''}`;
}
