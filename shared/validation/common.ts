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

/**
 * The days a form or a URL may name. Wider than anyone plans, and inside the years JavaScript writes as
 * `YYYY` and PostgreSQL reads (it has no year 0; a month view of 9999-12 would end in year 10000).
 */
export const DAY_RANGE = { min: '1900-01-01', max: '2100-12-31' } as const;

/** A calendar day as forms and URLs carry it, `YYYY-MM-DD`, that exists, within DAY_RANGE. */
export const day = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'validation.date')
  .refine((v) => v >= DAY_RANGE.min && v <= DAY_RANGE.max, 'validation.dateRange');

/**
 * One list filter from the query string (`?workspace=…`): absent or empty (an emptied select) is no
 * filter; any other value must be valid, else the page answers 400 naming the field, with `message`.
 */
export const filterField = <S extends z.ZodTypeAny>(schema: S, message = 'validation.invalid') =>
  z.string({ invalid_type_error: message }).optional().transform((v, ctx): z.output<S> | undefined => {
    if (v === undefined || v === '') return undefined;
    const parsed = schema.safeParse(v);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  });

/** Free text to filter a list by: trimmed, empty is no filter, longer than `max` is a 400 ("too long"). */
export const filterText = (max: number) =>
  z.string({ invalid_type_error: 'validation.invalid' }).trim().max(max, 'validation.tooLong').optional()
    .transform((v) => v || undefined);

/** A record id in a filter (lower-cased). */
export const filterId = filterField(z.string().uuid().transform((v) => v.toLowerCase()));
