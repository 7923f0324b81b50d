import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Config } from '../config';
import type { CollaboratorRole, DraftRef } from '../../shared/policy';
import { CLOSE, COLLAB_PATH } from '../../shared/realtime/collab';
import { UUID_PATTERN } from '../../shared/validation/common';
import { isAllowedOrigin } from '../auth/origin';
import { sessionTokenFrom } from '../auth/cookie';
import { openCollabSessions, type CollabOpenRow } from '../../db/queries/collab';
import { Batcher, perKey } from './batch';
import type { Region, Role, Visibility, WorkspaceRole } from '../../shared/domain/model';
import { sessionClock, sessionIdOf, type SessionUser } from '../auth/sessions';
import { draftAccessTo } from '../services/draft-access';
import type { RateLimits } from '../rate-limits';

/**
 * Who may open `/collab/<draftId>`, decided before the document is touched. A browser cannot read
 * the HTTP status of a failed upgrade, so refusals are close codes (the caller completes the
 * handshake, then closes with `code`).
 */
export type UpgradeDecision =
  | { ok: true; user: SessionUser; token: string; draftId: string; role: CollaboratorRole }
  | { ok: false; code: number; reason: string };


/** Upgrades checked while others wait for the database go in one statement (see Batcher). */
const opener = perKey((db: Kysely<DB>) => new Batcher<{ sessionId: string; draftId: string | null }, CollabOpenRow | null>(
  (asked) => openCollabSessions(db, asked, sessionClock()),
));

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
  // The session, then the draft as its user: one statement (every live connection starts here).
  const found = await opener(db).request({ sessionId: sessionIdOf(token), draftId });
  const user = found && sessionUserOf(found);
  if (!user) return refuse(CLOSE.UNAUTHENTICATED, 'sign in first');
  const access = draftId ? draftAccessTo(user, draftRefOf(found.draft)) : null;
  // Counted once the user is known: a page that reconnects in a loop, or a script, waits a minute.
  if (rateLimits && !(await rateLimits.take('connection', user.id))) return refuse(CLOSE.RATE_LIMITED, 'too many connections, try again in a minute');
  if (!draftId || !access) return refuse(CLOSE.NOT_FOUND, 'no such draft');
  if (!access.ok) return access.status === 404 ? refuse(CLOSE.NOT_FOUND, 'no such draft') : refuse(CLOSE.FORBIDDEN, 'not allowed');
  return { ok: true, user, token, draftId, role: access.role };
}

/** The session user as readSessionUser builds it, from the upgrade statement's row. */
function sessionUserOf(row: CollabOpenRow): SessionUser {
  const u = row.user;
  return {
    id: u.id,
    region: u.region as Region,
    orgId: u.orgId,
    username: u.username,
    displayName: u.displayName,
    orgName: u.orgName,
    roles: u.roles as Role[],
    sessionId: u.sessionId,
    workspaces: Object.fromEntries(row.memberships.map((m) => [m.workspaceId, m.role as WorkspaceRole])),
  };
}

/** The draft as findDraftRef returns it. */
function draftRefOf(d: CollabOpenRow['draft']): (DraftRef & { id: string; title: string }) | null {
  if (!d) return null;
  return {
    id: d.id,
    title: d.title,
    workspaceId: d.workspaceId,
    ownerOrgId: d.ownerOrgId,
    ownerRegion: d.ownerRegion as Region,
    visibility: d.visibility as Visibility,
    authorId: d.authorId,
    frozen: d.frozen,
    collaborators: Object.fromEntries((d.collaborators ?? []).map((c) => [c.userId, c.role as CollaboratorRole])),
  };
}
