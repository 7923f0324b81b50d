/** The vocabulary of joint inspections (docs/inspections.md). Pure: runs in the browser and on the server. */

/** 视察 / 调研 / 监督性视察 */
export const INSPECTION_KINDS = ['inspection', 'research', 'supervision'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

/** 筹备 → 进行中 → 报告 → 完成 */
export const INSPECTION_STATUSES = ['planning', 'in_progress', 'reporting', 'closed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

/** The board's columns: 待办 / 进行中 / 已完成 / 受阻 */
export const TASK_STATUSES = ['todo', 'doing', 'done', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface ChecklistItem { text: string; done: boolean }

/** 一般 / 较大 / 重大 */
export const FINDING_SEVERITIES = ['general', 'major', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** 安全隐患 / 航道设施 / 生态环境 / 管理制度 / 其他 */
export const FINDING_CATEGORIES = ['safety', 'facility', 'environment', 'management', 'other'] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

/** 待整改 → 整改中 → 已整改 → 已核验, or 退回 (with a reason) back to the unit. */
export const RECTIFICATION_STATUSES = ['pending', 'in_progress', 'rectified', 'verified', 'returned'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** Who makes each move of a rectification item: the responsible unit reports, a coordinator verifies or returns. */
export const RECTIFICATION_MOVES: Record<RectificationStatus, { unit: RectificationStatus[]; verifier: RectificationStatus[] }> = {
  pending: { unit: ['in_progress'], verifier: [] },
  in_progress: { unit: ['rectified'], verifier: [] },
  rectified: { unit: [], verifier: ['verified', 'returned'] },
  returned: { unit: ['in_progress'], verifier: [] },
  verified: { unit: [], verifier: [] },
};

/** The next status of an inspection (筹备 → 进行中 → 报告 → 完成), or null once closed. */
export function nextInspectionStatus(s: InspectionStatus): InspectionStatus | null {
  const i = INSPECTION_STATUSES.indexOf(s);
  return i < INSPECTION_STATUSES.length - 1 ? INSPECTION_STATUSES[i + 1] : null;
}

/** An item is overdue when its deadline (a Beijing day) has passed and it is not yet rectified or verified. */
export function isOverdue(item: { deadline: string; status: RectificationStatus }, today: string): boolean {
  return item.deadline < today && (item.status === 'pending' || item.status === 'in_progress' || item.status === 'returned');
}

/** Photos: what is accepted and how big. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** One photo's upload request as a whole (the photo and its multipart framing): the route and the server's body cap. */
export const PHOTO_UPLOAD_MAX_BYTES = PHOTO_MAX_BYTES + 64 * 1024;
export const PHOTO_MAX_PER_FINDING = 6;

/** Whether the bytes begin with this signature (a file type's magic number). */
export const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

/** The image type the bytes really are, from their signature; null for anything else. */
export function sniffImage(bytes: Uint8Array): PhotoType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const PHOTO_EXTENSIONS: Record<PhotoType, string[]> = { 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'], 'image/webp': ['webp'] };

/** Enough of a file's first bytes for sniffImage. */
export const PHOTO_HEAD_BYTES = 16;

/**
 * What is wrong with a photo before it is decoded, as an i18n key, or null: the server's rule, and the
 * browser's before anything is sent (so a refused photo never follows a finding already recorded).
 * `head` is at least the first PHOTO_HEAD_BYTES bytes; the type is read from them, and an extension or
 * declared type that says otherwise is refused.
 */
export function photoProblem(file: { size: number; head: Uint8Array; name: string; type: string }): string | null {
  if (file.size === 0) return 'inspection.photo.missing';
  if (file.size > PHOTO_MAX_BYTES) return 'inspection.photo.tooBig';
  const type = sniffImage(file.head);
  if (!type) return 'inspection.photo.notImage';
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const declared = file.type.toLowerCase().split(';')[0].trim();
  if ((ext && !PHOTO_EXTENSIONS[type].includes(ext)) || (declared && declared !== 'application/octet-stream' && declared !== type)) {
    return 'inspection.photo.typeMismatch';
  }
  return null;
}
