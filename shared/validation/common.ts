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
