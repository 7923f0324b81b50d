import { z } from 'zod';

/**
 * 版本 (named versions of a draft): the forms of the versions drawer and the compare picker, used by
 * the browser before sending and by the routes. A version name says what stage the text was at
 * (定稿前版本, 征求意见稿 ...).
 */

export const VERSION_INTENTS = ['save', 'restore'] as const;
export const VERSION_NAME_MAX = 100;

const id = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
  .uuid('validation.required').transform((v) => v.toLowerCase());

export const versionSaveSchema = z.object({
  name: z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
    .trim().min(1, 'validation.required').max(VERSION_NAME_MAX, 'validation.tooLong'),
});

export const versionRestoreSchema = z.object({ versionId: id });

/** `?compare=` of the version page: another version's id, or `current` (the live document, flushed). */
export const COMPARE_CURRENT = 'current';
export const versionCompareSchema = z.union([z.literal(COMPARE_CURRENT), id]);
export type VersionCompare = z.output<typeof versionCompareSchema>;
