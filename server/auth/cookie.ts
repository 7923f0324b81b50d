import { createCookie } from '@remix-run/node';
import type { Config } from '../config';
import { ABSOLUTE_TIMEOUT_MS } from './sessions';

/** The session cookie, read the same way by HTTP, socket.io and the collaboration server. */
export function sessionCookie(config: Pick<Config, 'secureCookies' | 'sessionSecret'>) {
  return createCookie('cy_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
    secrets: [config.sessionSecret],
    maxAge: ABSOLUTE_TIMEOUT_MS / 1000,
  });
}

/** The session token carried by a Cookie header, or null. */
export async function sessionTokenFrom(cookieHeader: string | null | undefined, config: Pick<Config, 'secureCookies' | 'sessionSecret'>) {
  try {
    const token = await sessionCookie(config).parse(cookieHeader ?? null);
    return typeof token === 'string' && token ? token : null;
  } catch {
    return null; // a tampered or malformed cookie is simply no session
  }
}
