import { redirect, type AppLoadContext } from '@remix-run/node';
import { getSessionUser, type SessionUser } from '../../server/auth/sessions';
import { sessionCookie, sessionTokenFrom } from '../../server/auth/cookie';
import { UUID_PATTERN } from '../../shared/validation/common';
import { PolicyError } from '../../shared/policy';
import { NotFoundError } from '../../server/services/errors';
import type { CallContext } from '../../server/services/call';

/**
 * The signed-in user, read once per page load: the root's loader and the page's both ask, with the
 * same load context (one per HTTP request). Only reads share it: an action's request reads the
 * session afresh, and the loaders that run after an action in the same request read it after the
 * action has changed it.
 */
const usersOfReads = new WeakMap<AppLoadContext, Promise<SessionUser | null>>();

export function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const read = request.method === 'GET' || request.method === 'HEAD';
  const known = read ? usersOfReads.get(context) : undefined;
  if (known) return known;
  const user = sessionTokenFrom(request.headers.get('Cookie'), context.config)
    .then((token) => (token ? getSessionUser(context.db, token) : null));
  if (read) usersOfReads.set(context, user);
  return user;
}

/** The guard every protected loader and action starts with. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

export async function commitSession(context: AppLoadContext, token: string) {
  return sessionCookie(context.config).serialize(token);
}

export async function destroySessionCookie(context: AppLoadContext) {
  return sessionCookie(context.config).serialize('', { maxAge: 0 });
}

/** Turn refusals from the policy and services into HTTP answers (403/404), never a 500. */
export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // A 404 says nothing more: not even why, which could confirm the record exists.
    if (err instanceof PolicyError) throw new Response(err.status === 404 ? 'not found' : err.reason, { status: err.status });
    if (err instanceof NotFoundError) throw new Response('not found', { status: 404 });
    throw err;
  }
}

export function clientIp(context: AppLoadContext) {
  return context.ip || 'unknown';
}

/** What a service call needs besides its input: the address to audit and whom to tell after commit. */
export function callContext(context: AppLoadContext): CallContext {
  return { ip: clientIp(context), realtime: context.realtime, collab: context.collab, rateLimits: context.rateLimits, word: context.word };
}


/** A route id that is not even well-formed is simply not found. */
export function requireId(value: string | undefined): string {
  if (!value || !UUID_PATTERN.test(value)) throw new Response('not found', { status: 404 });
  return value.toLowerCase();
}
