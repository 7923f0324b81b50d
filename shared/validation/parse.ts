import type { z } from 'zod';

/** Field name -> i18n message key. The same shape on client and server. */
export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Validate with a form schema; errors carry i18n keys so each side shows them in the user's language. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (!errors[field]) errors[field] = issue.message.startsWith('validation.') ? issue.message : 'validation.invalid';
  }
  return { ok: false, errors };
}
