import { createHash } from 'node:crypto';
import { data } from '@remix-run/node';
import type { z } from 'zod';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { InputError } from '../../server/services/errors';
import { guard } from './session.server';

/**
 * A submission as a plain object: JSON from AppForm, or url-encoded/multipart from plain forms and from
 * AppForm with files (repeated names become arrays; files are File objects, an empty file input none).
 * Unreadable bodies become {} and fail validation with a 400.
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
      const all = form.getAll(key).filter((v) => typeof v === 'string' || v.name !== '');
      out[key] = all.length > 1 ? all : all[0];
    }
    return out;
  } catch {
    return {};
  }
}

/** `intent` names the form that was sent, so a page with several forms shows errors on the right one. */
export type Said = { message: string; vars?: Record<string, string | number> };
export type ActionResult = ({ ok: true; intent?: string } & Partial<Said>) | { ok: false; intent?: string; errors: FieldErrors };

/** A refused submission: 400, or the status the refusal carries (429 when rate limited). */
export function badRequest(errors: FieldErrors, intent?: string, status = 400) {
  return data<ActionResult>({ ok: false, errors, ...(intent ? { intent } : {}) }, { status });
}

/** Which of a page's forms was sent (`intent`), or null when it names none of them. */
export function readIntent<const T extends readonly string[]>(input: Record<string, unknown>, intents: T): T[number] | null {
  return typeof input.intent === 'string' && intents.includes(input.intent) ? input.intent : null;
}

/**
 * Runs one form submission: validate with the form's schema, then do the work. Schema and
 * business-rule errors come back as field errors with a 400 — returned, not thrown, because with
 * single fetch a thrown 400 would replace the page with the error boundary. Policy refusals and
 * unknown ids become 403/404 through `guard`; with `refusals`, they come back as data too (a
 * message on the form with their status), for forms inside a page that must stay (the editor).
 */
export function submitForm<S extends z.ZodTypeAny, R>(
  intent: string | undefined,
  schema: S,
  input: Record<string, unknown>,
  work: (values: z.output<S>) => Promise<R>,
  message?: string | ((result: R) => Said),
  refusals?: { forbidden: string; notFound: string },
) {
  return once(input, async () => {
    const parsed = parseWith(schema, input);
    if (!parsed.ok) return badRequest(parsed.errors, intent);
    let result: R;
    try {
      result = await guard(() => work(parsed.data));
    } catch (err) {
      if (err instanceof InputError) return badRequest({ [err.field]: err.messageKey }, intent, err.status);
      if (refusals && err instanceof Response && (err.status === 403 || err.status === 404)) {
        return badRequest({ _form: err.status === 404 ? refusals.notFound : refusals.forbidden }, intent, err.status);
      }
      throw err;
    }
    const said = typeof message === 'function' ? message(result) : message ? { message } : {};
    return data<ActionResult>({ ok: true, ...(intent ? { intent } : {}), ...said });
  });
}

/**
 * Submissions by the key AppForm sends with each (`_once`, new after every answer): a submission sent again
 * with the same key and values while the first is under way, or after it succeeded, gets the first one's answer
 * instead of doing the work twice (a record created twice when an answer was lost and the person pressed
 * again). Kept in this process for ten minutes; a refused or failed one is forgotten once answered, so that
 * the person can correct it and send it again. The key is 32 random hex digits from the browser.
 */
const answers = new Map<string, Promise<unknown>>();
const ANSWER_KEPT_MS = 10 * 60_000;

function once<T>(input: Record<string, unknown>, submit: () => Promise<T>): Promise<T> {
  if (typeof input._once !== 'string' || !/^[0-9a-f]{32}$/.test(input._once)) return submit();
  // The same submission: the same key and the same values (changed values under the key are a new one).
  // Files are not compared: JSON has nothing of them.
  const key = createHash('sha256').update(JSON.stringify(input)).digest('base64');
  const earlier = answers.get(key) as Promise<T> | undefined;
  // A thrown response (a redirect, a 403) is given again without its body, which its first reader consumes.
  if (earlier) return earlier.catch((thrown) => { throw thrown instanceof Response ? new Response(null, thrown) : thrown; });
  const answer = submit();
  answers.set(key, answer);
  const forget = () => answers.delete(key);
  answer.then(
    (result) => (succeeded(result) ? setTimeout(forget, ANSWER_KEPT_MS).unref() : forget()),
    (thrown) => (thrown instanceof Response && thrown.status >= 300 && thrown.status < 400 ? setTimeout(forget, ANSWER_KEPT_MS).unref() : forget()),
  );
  return answer;
}

const succeeded = (result: unknown) => !!result && typeof result === 'object' && 'data' in result
  && (result.data as ActionResult | undefined)?.ok === true;
