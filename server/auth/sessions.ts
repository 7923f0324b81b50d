import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { actAs, withActor, type Executor } from '../../db';
import {
  deleteSessionsUnusedSince, findLiveSession, insertSession, listUserMemberships, revokeSessionRow, revokeSessionsOfUser, touchSession,
} from '../../db/queries/sessions';
import { deleteLoginAttemptsBefore } from '../../db/queries/login';
import type { Actor } from '../../shared/policy';
import type { WorkspaceRole } from '../../shared/domain/model';

/** A session ends after this much inactivity, and in any case this long after login. */
export const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionUser extends Actor {
  username: string;
  displayName: string;
  orgName: string;
  sessionId: string;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** The stored id of a session token (only its hash is stored). */
export const sessionIdOf = hashToken;

/**
 * The moments a session lookup at `now` compares with: seen after `idleSince` it is still live; seen
 * before `touchBefore` its last-seen time is brought forward to `now`.
 */
export function sessionClock(now = Date.now()) {
  return { now: new Date(now), idleSince: new Date(now - IDLE_TIMEOUT_MS), touchBefore: new Date(now - TOUCH_EVERY_MS) };
}

/** A new random id at every login; only its hash is stored. */
export async function createSession(db: Kysely<DB>, userId: string, meta: { ip: string; userAgent: string }) {
  const token = crypto.randomBytes(32).toString('base64url');
  await withActor(db, null, (trx) => insertSession(trx, {
    id: hashToken(token), userId, expiresAt: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS), ip: meta.ip, userAgent: meta.userAgent.slice(0, 300),
  }));
  return token;
}

/** The user behind a session token, or null if it is unknown, revoked, expired, idle or disabled. */
export function getSessionUser(db: Kysely<DB>, token: string): Promise<SessionUser | null> {
  return withActor(db, null, (trx) => readSessionUser(trx, token));
}

/**
 * getSessionUser inside the caller's transaction (begun with no actor): the session, then the
 * memberships as the user they belong to; on success the transaction goes on acting as that user.
 */
export async function readSessionUser(trx: Executor, token: string): Promise<SessionUser | null> {
  const id = hashToken(token);
  const row = await findLiveSession(trx, id, new Date(Date.now() - IDLE_TIMEOUT_MS));
  if (!row) return null;
  const actorRef = { id: row.id, region: row.region, orgId: row.org_id };
  await actAs(trx, actorRef);
  const memberships = await listUserMemberships(trx, row.id);
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(trx, id);
  return {
    ...actorRef,
    username: row.username,
    displayName: row.display_name,
    orgName: row.orgName,
    roles: row.roles,
    sessionId: row.sessionId,
    workspaces: Object.fromEntries(memberships.map((m) => [m.workspace_id, m.role as WorkspaceRole])),
  };
}

export async function revokeSession(db: Kysely<DB>, sessionId: string) {
  await withActor(db, null, (trx) => revokeSessionRow(trx, sessionId));
}

/**
 * Disabling a user or resetting a password ends every session of theirs at once; a person changing
 * their own password keeps the session they did it in (`keep`).
 */
export async function revokeUserSessions(db: Executor, userId: string, keep?: string) {
  await revokeSessionsOfUser(db, userId, keep);
}

/** Ended sessions are kept this long (they tell when someone last signed in), then deleted. */
export const SESSION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Login attempts are kept this long, for an inquiry into a break-in attempt, then deleted. */
export const LOGIN_ATTEMPT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** How often each process prunes them (deleting twice is harmless). */
export const SIGN_IN_PRUNE_MS = 6 * 60 * 60 * 1000;

/** Deletes what signing in leaves behind once it is past keeping; returns how many rows of each went. */
export function pruneSignInRecords(db: Kysely<DB>, now = Date.now()) {
  return withActor(db, null, async (trx) => ({
    sessions: Number((await deleteSessionsUnusedSince(trx, new Date(now - SESSION_RETENTION_MS))).numDeletedRows),
    attempts: Number((await deleteLoginAttemptsBefore(trx, new Date(now - LOGIN_ATTEMPT_RETENTION_MS))).numDeletedRows),
  }));
}
