import { z } from 'zod';

/** The building blocks every form and filter schema shares. */

/** A record id as PostgreSQL writes it (the route, the socket and the form all read ids this way). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id field: required, well-formed, lower-cased. */
export const id = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
  .uuid('validation.required').transform((v) => v.toLowerCase());

/** One of a fixed list (a select or radio group): "please choose" otherwise. */
export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'validation.choose' }) });

/** A required text field, trimmed, at most `max` characters. */
export const required = (max: number) =>
  z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
    .trim().min(1, 'validation.required').max(max, 'validation.tooLong');

/** An optional text field: trimmed, empty becomes null. */
export const optionalText = (max: number) =>
  z.string({ invalid_type_error: 'validation.invalid' }).trim().max(max, 'validation.tooLong').optional()
    .transform((v) => (v ? v : null));

/** A calendar day as forms and URLs carry it, `YYYY-MM-DD`, that exists. */
export const day = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'validation.date');
