import type { z } from 'zod';

/** Field name -> i18n message key. The same shape on client and server. */
export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const MESSAGE_KEY = /^[a-z][a-zA-Z]*(\.[a-zA-Z]+)+$/;

/** A NUL, or half of a UTF-16 surrogate pair without its other half. */
const UNWRITABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The input as PostgreSQL can store it, in every string of it (through arrays and plain objects; files
 * untouched): no NUL (refused in text), and a lone surrogate (refused in json, e.g. an audit entry's
 * details) becomes U+FFFD, as a UTF-8 encoder would write it. Nobody types either; a crafted `?q=%00`
 * or `"\ud800"` would otherwise reach the database and fail there as a 500.
 */
function storable(input: unknown): unknown {
  if (typeof input === 'string') return input.replace(UNWRITABLE, (c) => (c === '\u0000' ? '' : '\uFFFD'));
  if (Array.isArray(input)) return input.map(storable);
  if (input && typeof input === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(input))) {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, storable(v)]));
  }
  return input;
}

/** Validate with a form schema; errors carry i18n keys so each side shows them in the user's language. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(storable(input));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    // Our schemas give i18n keys as messages (`validation.required`, `word.fileRequired`); zod's own
    // messages are English sentences, shown as the generic key.
    if (!errors[field]) errors[field] = MESSAGE_KEY.test(issue.message) ? issue.message : 'validation.invalid';
  }
  return { ok: false, errors };
}
