import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Config } from '../config';
import type { CollaboratorRole } from '../../shared/policy';
import { CLOSE, COLLAB_PATH } from '../../shared/realtime/collab';
import { UUID_PATTERN } from '../../shared/validation/common';
import { isAllowedOrigin } from '../auth/origin';
import { sessionTokenFrom } from '../auth/cookie';
import { withActor } from '../../db';
import { readSessionUser, type SessionUser } from '../auth/sessions';
import { draftAccessIn } from '../services/draft-access';
import type { RateLimits } from '../rate-limits';

/**
 * Who may open `/collab/<draftId>`, decided before the document is touched. A browser cannot read
 * the HTTP status of a failed upgrade, so refusals are close codes (the caller completes the
 * handshake, then closes with `code`).
 */
export type UpgradeDecision =
  | { ok: true; user: SessionUser; token: string; draftId: string; role: CollaboratorRole }
  | { ok: false; code: number; reason: string };


const refuse = (code: number, reason: string): UpgradeDecision => ({ ok: false, code, reason });

/** The draft id of a collab URL (`/collab/<id>`, query ignored), or null. */
export function draftIdFromUrl(url: string | undefined): string | null {
  const pathname = (url ?? '').split('?')[0];
  if (!pathname.startsWith(COLLAB_PATH)) return null;
  const id = pathname.slice(COLLAB_PATH.length);
  return UUID_PATTERN.test(id) ? id.toLowerCase() : null;
}

export async function decideUpgrade(
  req: IncomingMessage,
  db: Kysely<DB>,
  config: Pick<Config, 'allowedOrigins' | 'trustProxy' | 'sessionSecret' | 'secureCookies'>,
  rateLimits?: RateLimits,
): Promise<UpgradeDecision> {
  // Browsers always send Origin on a WebSocket handshake; cross-site hijacking rides on ambient
  // cookies, so a missing or foreign Origin is refused before the session is even looked at.
  if (!req.headers.origin || !isAllowedOrigin(req, config)) return refuse(CLOSE.FORBIDDEN, 'origin not allowed');
  const token = await sessionTokenFrom(req.headers.cookie, config);
  if (!token) return refuse(CLOSE.UNAUTHENTICATED, 'sign in first');
  const draftId = draftIdFromUrl(req.url);
  // The session, then the draft as its user: one transaction (every live connection starts here).
  const found = await withActor(db, null, async (trx) => {
    const user = await readSessionUser(trx, token);
    return user && { user, access: draftId ? await draftAccessIn(trx, user, draftId) : null };
  });
  if (!found) return refuse(CLOSE.UNAUTHENTICATED, 'sign in first');
  const { user, access } = found;
  // Counted once the user is known: a page that reconnects in a loop, or a script, waits a minute.
  if (rateLimits && !(await rateLimits.take('connection', user.id))) return refuse(CLOSE.RATE_LIMITED, 'too many connections, try again in a minute');
  if (!draftId || !access) return refuse(CLOSE.NOT_FOUND, 'no such draft');
  if (!access.ok) return access.status === 404 ? refuse(CLOSE.NOT_FOUND, 'no such draft') : refuse(CLOSE.FORBIDDEN, 'not allowed');
  return { ok: true, user, token, draftId, role: access.role };
}
