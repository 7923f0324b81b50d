import { z } from 'zod';
import { day, id, oneOf, optionalText, required } from './common';
import {
  NOT_FILED_AS, PROPOSAL_TOPICS, REPLY_CATEGORIES, REPLY_FILE_MAX_BYTES, REPLY_FILES_MAX, REPLY_FILES_TOTAL_MAX_BYTES, SATISFACTION,
  SUPERVISION_KINDS, replyFileExtension,
} from '../domain/proposal';

/** Forms of co-sponsorship (联名) and of a proposal's handling: one schema per form (docs/proposals.md). */

const ids = z.union([id, z.array(id)]).optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])]);

export const inviteSponsorsSchema = z.object({ users: ids.refine((v) => v.length > 0, 'validation.required').refine((v) => v.length <= 50, 'proposal.tooManySponsors') });
export const sponsorUserSchema = z.object({ user: id });
export const answerSponsorshipSchema = z.object({ answer: oneOf(['accept', 'decline'] as const) });
/** Signing names the code the sponsor saw: a text changed meanwhile is refused, not signed. */
export const signSchema = z.object({ hash: z.string({ required_error: 'validation.required' }).regex(/^[0-9a-f]{64}$/, 'validation.invalid') });
export const submitSchema = z.object({ topic: oneOf(PROPOSAL_TOPICS) });

/** The steps that need nothing but the proposal (审查, 立案, 接收, 办结). */
export const stepSchema = z.object({});
export const reasonSchema = z.object({ reason: required(2000) });
export const rejectSchema = reasonSchema.extend({
  convertTo: z.enum(NOT_FILED_AS, { errorMap: () => ({ message: 'validation.choose' }) }).optional().or(z.literal('')).transform((v) => v || null),
});
export const assignSchema = z.object({
  lead: id,
  co: ids.refine((v) => v.length <= 10, 'validation.invalid'),
  deadline: day.optional().or(z.literal('')).transform((v) => v || null),
}).refine((v) => !v.co.includes(v.lead), { path: ['co'], message: 'proposal.leadAlsoCo' });
/**
 * A reply's or an opinion's files (File objects, in the browser and from the multipart body alike):
 * none, one or several; each a kind REPLY_FILE_TYPES names, not empty, not too big.
 */
const replyFiles = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.custom<File>((f) => typeof File !== 'undefined' && f instanceof File, 'validation.invalid')
    .refine((f) => replyFileExtension(f.name) !== null, 'proposal.file.kind')
    .refine((f) => f.size > 0, 'proposal.file.empty')
    .refine((f) => f.size <= REPLY_FILE_MAX_BYTES, 'proposal.file.tooBig'))
    .max(REPLY_FILES_MAX, 'proposal.file.tooMany')
    .refine((files) => files.reduce((n, f) => n + f.size, 0) <= REPLY_FILES_TOTAL_MAX_BYTES, 'proposal.file.tooBigTogether'),
);
export const replySchema = z.object({ category: oneOf(REPLY_CATEGORIES), body: required(20000), files: replyFiles });
export const evaluateSchema = z.object({
  // One rating per unit, `rating.<assignmentId>`: read by the service against the units it sees.
  ratings: z.record(id, oneOf(SATISFACTION), { required_error: 'proposal.rateEveryUnit', invalid_type_error: 'proposal.rateEveryUnit' })
    .refine((v) => Object.keys(v).length > 0, 'proposal.rateEveryUnit'),
  comment: optionalText(2000).transform((v) => v ?? ''),
});
export const opinionSchema = z.object({ body: required(20000), files: replyFiles });
export const qualitySchema = z.object({ quality: oneOf(['good', 'fair', 'poor'] as const) });
export const noteSchema = z.object({ body: required(5000) });
export const selectKeySchema = z.object({ leader: id });
export const supervisionSchema = z.object({
  kind: oneOf(SUPERVISION_KINDS),
  day,
  participants: optionalText(2000).transform((v) => v ?? ''),
  outcome: required(5000),
});
