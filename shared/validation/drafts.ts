import { z } from 'zod';
import { filterField, filterId, filterText, id, oneOf, required } from './common';
import { VISIBILITIES } from '../domain/model';

/** 草稿 forms and filters: one schema per form, used by the browser before sending and by the action. */

/** 提案草稿 / 调研报告 / 视察报告 / 协商发言材料 */
export const DRAFT_KINDS = ['proposal', 'research', 'inspection', 'speech'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];

/** 协作者 roles: editors write, commenters comment, viewers read (the author is always an editor). */
export const COLLABORATOR_ROLES = ['editor', 'commenter', 'viewer'] as const;

/** The largest Word file accepted for import. */
export const DOCX_MAX_BYTES = 10 * 1024 * 1024;
/** The import request as a whole (the file and the few text fields): the route and the server's body cap use it. */
export const DOCX_UPLOAD_MAX_BYTES = DOCX_MAX_BYTES + 64 * 1024;


// Proposal titles run long (《关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案》 is 33 characters).
const title = required(200);

export const draftCreateSchema = z.object({
  workspaceId: id,
  title,
  kind: oneOf(DRAFT_KINDS),
  visibility: oneOf(VISIBILITIES),
});

export const draftMetaSchema = z.object({ title, kind: oneOf(DRAFT_KINDS) });

export const draftVisibilitySchema = z.object({ visibility: oneOf(VISIBILITIES) });

export const collaboratorInviteSchema = z.object({ userId: id, role: oneOf(COLLABORATOR_ROLES) });

export const collaboratorRoleSchema = collaboratorInviteSchema;

export const collaboratorRemoveSchema = z.object({ userId: id });

/** The /drafts filters from the query string; empty values mean "no filter". */
export const draftListFilterSchema = z.object({
  workspace: filterId,
  q: filterText(100),
  mine: filterField(z.literal('1')).transform((v) => v === '1'),
});
