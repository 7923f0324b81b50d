import { z } from 'zod';
import { day, filterField, filterId, filterText, id, oneOf, optionalText, required } from './common';
import { VISIBILITIES } from '../domain/model';
import {
  FINDING_CATEGORIES, FINDING_SEVERITIES, INSPECTION_KINDS, INSPECTION_STATUSES, RECTIFICATION_STATUSES, TASK_STATUSES,
} from '../domain/inspection';

/** 联合视察 forms and filters: one schema per form, used by the browser before sending and by the action. */

const time = z.string({ invalid_type_error: 'validation.time' })
  .regex(/^(([01]\d|2[0-3]):[0-5]\d)?$/, 'validation.time').optional().transform((v) => v ?? '');

const ids = (max: number, message: string) => z.union([id, z.array(id)]).optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])])
  .refine((v) => v.length <= max, message);

export const inspectionFields = z.object({
  kind: oneOf(INSPECTION_KINDS),
  title: required(200),
  topic: optionalText(2000).transform((v) => v ?? ''),
  startsOn: day,
  endsOn: day,
}).superRefine((v, ctx) => {
  if (v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'inspection.endBeforeStart' });
});
export type InspectionInput = z.output<typeof inspectionFields>;

export const inspectionCreateSchema = z.object({
  workspaceId: id,
  visibility: oneOf(VISIBILITIES).default('joint'),
  leads: ids(20, 'inspection.tooManyLeads'),
}).and(inspectionFields);
export type InspectionCreateInput = z.output<typeof inspectionCreateSchema>;

export const inspectionStatusSchema = z.object({ status: oneOf(INSPECTION_STATUSES) });

export const rosterSchema = z.object({ userId: id });

export const stopSchema = z.object({
  day,
  time,
  place: required(200),
  hostUnit: optionalText(200).transform((v) => v ?? ''),
});
export type StopInput = z.output<typeof stopSchema>;
export const stopDeleteSchema = z.object({ stopId: id });

const checklist = z.union([z.string(), z.array(z.string())]).optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v.split('\n')).map((s) => s.trim()).filter(Boolean))
  .refine((v) => v.length <= 50 && v.every((s) => s.length <= 200), 'inspection.checklistTooLong')
  .transform((v) => v.map((text) => ({ text, done: false })));

export const taskSchema = z.object({
  title: required(200),
  description: optionalText(5000).transform((v) => v ?? ''),
  assigneeId: z.union([id, z.literal('')]).optional().transform((v) => v || null),
  dueOn: z.union([day, z.literal('')]).optional().transform((v) => v || null),
  checklist,
});
export type TaskInput = z.output<typeof taskSchema>;

// At most PostgreSQL's integer, the column's type.
const version = z.coerce.number({ invalid_type_error: 'validation.invalid' }).int('validation.invalid').min(1, 'validation.invalid')
  .max(2_147_483_647, 'validation.invalid');

/** A card moved to a column (drag and drop or the keyboard), as of the version the mover saw. */
export const taskMoveSchema = z.object({ taskId: id, status: oneOf(TASK_STATUSES), version });
export type TaskMove = z.output<typeof taskMoveSchema>;

export const taskCheckSchema = z.object({
  taskId: id, version, index: z.coerce.number().int().min(0).max(49), done: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true'),
});

const coordinate = (min: number, max: number) => z.union([z.number(), z.string()]).optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return null;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || n < min || n > max) { ctx.addIssue({ code: 'custom', message: 'inspection.badCoordinate' }); return z.NEVER; }
    return n;
  });

/** Quick entry in the field; `clientKey` makes an entry sent again (offline, retried) arrive once. */
export const findingSchema = z.object({
  description: required(5000),
  place: optionalText(200).transform((v) => v ?? ''),
  latitude: coordinate(-90, 90),
  longitude: coordinate(-180, 180),
  category: oneOf(FINDING_CATEGORIES),
  severity: oneOf(FINDING_SEVERITIES),
  clientKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'validation.invalid').optional().or(z.literal('')).transform((v) => v || null),
}).superRefine((v, ctx) => {
  if ((v.latitude === null) !== (v.longitude === null)) ctx.addIssue({ code: 'custom', path: ['longitude'], message: 'inspection.badCoordinate' });
});
export type FindingInput = z.output<typeof findingSchema>;

export const findingShareSchema = z.object({ findingId: id, visibility: oneOf(VISIBILITIES) });

export const itemSchema = z.object({
  responsibleOrgId: id,
  measure: required(2000),
  deadline: day,
  findingIds: ids(500, 'inspection.tooManyFindings').refine((v) => v.length > 0, 'inspection.needsFinding'),
});
export type ItemInput = z.output<typeof itemSchema>;

export const itemProgressSchema = z.object({
  itemId: id,
  status: z.enum(['in_progress', 'rectified'], { errorMap: () => ({ message: 'validation.choose' }) }),
  progress: optionalText(5000).transform((v) => v ?? ''),
});
export const itemVerifySchema = z.object({
  itemId: id,
  decision: z.enum(['verified', 'returned'], { errorMap: () => ({ message: 'validation.choose' }) }),
  reason: optionalText(2000).transform((v) => v ?? ''),
}).superRefine((v, ctx) => {
  if (v.decision === 'returned' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'inspection.returnNeedsReason' });
});

export const inspectionFilterSchema = z.object({
  workspace: filterId,
  kind: filterField(oneOf(INSPECTION_KINDS)),
  status: filterField(oneOf(INSPECTION_STATUSES)),
  region: filterField(z.string().max(20).regex(/^[a-z]+$/)),
  q: filterText(100),
});
export type InspectionFilter = z.output<typeof inspectionFilterSchema>;
export const INSPECTION_FILTERS = ['workspace', 'kind', 'status', 'region', 'q'] as const;

/** The board's filters: by assignee and by region. */
export const boardFilterSchema = z.object({
  assignee: filterId,
  region: filterField(z.string().max(20).regex(/^[a-z]+$/)),
  itemStatus: filterField(oneOf(RECTIFICATION_STATUSES)),
});
export type BoardFilter = z.output<typeof boardFilterSchema>;
