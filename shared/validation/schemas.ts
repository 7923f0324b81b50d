import { z } from 'zod';
import { day, filterField, filterId, filterText, id, oneOf, optionalText, required } from './common';
import { ORG_KINDS, ORG_LEVELS, ROLES, VISIBILITIES, WORKSPACE_ROLES } from '../domain/model';

/** Form schemas: one per form, used by the browser before sending and by the action on receipt. */

const password = z.string({ required_error: 'validation.required' })
  .min(10, 'validation.passwordTooShort').max(200, 'validation.tooLong');
const roles = z.array(oneOf(ROLES), { required_error: 'validation.chooseRole', invalid_type_error: 'validation.chooseRole' })
  .min(1, 'validation.chooseRole');

export const loginSchema = z.object({
  username: required(40),
  password: z.string({ required_error: 'validation.required' }).min(1, 'validation.required').max(200, 'validation.tooLong'),
  redirectTo: z.string().optional(),
});

const contactFields = {
  phone: optionalText(40).refine((v) => !v || /^[0-9+\- ()]{5,40}$/.test(v), 'validation.phone'),
  email: optionalText(120).refine((v) => !v || z.string().email().safeParse(v).success, 'validation.email'),
  address: optionalText(200),
  idNumber: optionalText(18).refine((v) => !v || /^[0-9]{17}[0-9Xx]$/.test(v), 'validation.idNumber'),
};

export const userCreateSchema = z.object({
  username: required(40).transform((v) => v.toLowerCase())
    .refine((v) => /^[a-z0-9][a-z0-9_.-]{1,39}$/.test(v), 'validation.username'),
  displayName: required(40),
  orgId: id,
  roles,
  password,
  ...contactFields,
});

export const userUpdateSchema = z.object({
  displayName: required(40),
  orgId: id,
  roles,
  ...contactFields,
});

export const passwordResetSchema = z.object({ password });

/** 我的联系方式: what a person keeps up to date themselves (the ID number stays with the administrators). */
export const ownContactSchema = z.object({ phone: contactFields.phone, email: contactFields.email, address: contactFields.address });

/** 修改密码: the current one proves it is them; the new one as any password. */
export const passwordChangeSchema = z.object({
  current: z.string({ required_error: 'validation.required' }).min(1, 'validation.required').max(200, 'validation.tooLong'),
  password,
});

export const orgSchema = z.object({
  name: required(60),
  kind: oneOf(ORG_KINDS),
  level: oneOf(ORG_LEVELS).optional().nullable().transform((v) => v ?? null),
  parentId: id.optional().nullable().or(z.literal('')).transform((v) => v || null),
});

export const workspaceSchema = z.object({
  name: required(80),
  description: optionalText(500).transform((v) => v ?? ''),
});

export const workspaceOrgSchema = z.object({ orgId: id });

export const memberAddSchema = z.object({ userId: id, role: oneOf(WORKSPACE_ROLES).default('member') });

export const noticeSchema = z.object({
  title: required(120),
  body: optionalText(5000).transform((v) => v ?? ''),
  visibility: oneOf(VISIBILITIES),
});

export const visibilitySchema = z.object({ visibility: oneOf(VISIBILITIES) });

/** The audit log's filters (`?action=&actor=&from=&to=&page=`). */
export const auditFilterSchema = z.object({
  action: filterText(60),
  actor: filterText(40),
  from: filterField(day, 'validation.date'),
  to: filterField(day, 'validation.date'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

/** The admin's user list filters (`?q=&orgId=&role=`). */
export const userListFilterSchema = z.object({
  q: filterText(40),
  orgId: filterId,
  role: filterField(z.enum(ROLES)),
});
