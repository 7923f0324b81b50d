import { data } from '@remix-run/node';
import type { z } from 'zod';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { InputError } from '../../server/services/errors';

/**
 * A submission as a plain object: JSON from AppForm, or url-encoded/multipart from plain forms
 * (repeated names become arrays). Unreadable bodies become {} and fail validation with a 400.
 */
export async function readInput(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('Content-Type') ?? '';
  try {
    if (type.includes('application/json')) {
      const body = await request.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    }
    const form = await request.formData();
    const out: Record<string, unknown> = {};
    for (const key of new Set(form.keys())) {
      const all = form.getAll(key).filter((v): v is string => typeof v === 'string');
      out[key] = all.length > 1 ? all : all[0];
    }
    return out;
  } catch {
    return {};
  }
}

export type ActionResult = { ok: true; message?: string } | { ok: false; errors: FieldErrors };

export function badRequest(errors: FieldErrors) {
  return data<ActionResult>({ ok: false, errors }, { status: 400 });
}

/** Parse a submission with its form schema, or stop the action with field errors and a 400. */
export async function parseSubmission<S extends z.ZodTypeAny>(request: Request, schema: S, input?: Record<string, unknown>): Promise<z.output<S>> {
  const parsed = parseWith(schema, input ?? (await readInput(request)));
  if (!parsed.ok) throw badRequest(parsed.errors);
  return parsed.data;
}

/** Business-rule refusals from services become a field error and a 400. */
export async function withInputErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InputError) throw badRequest({ [err.field]: err.messageKey });
    throw err;
  }
}
