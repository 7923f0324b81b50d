import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { actAs, withActor, type Executor } from '../../db';
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

/** A new random id at every login; only its hash is stored. */
export async function createSession(db: Kysely<DB>, userId: string, meta: { ip: string; userAgent: string }) {
  const token = crypto.randomBytes(32).toString('base64url');
  await withActor(db, null, (trx) =>
    trx.insertInto('sessions').values({
      id: hashToken(token),
      user_id: userId,
      expires_at: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS),
      ip: meta.ip,
      user_agent: meta.userAgent.slice(0, 300),
    }).execute(),
  );
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
  const row = await trx.selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['s.id as sessionId', 's.last_seen_at', 'u.id', 'u.username', 'u.display_name', 'u.org_id',
      'u.region', 'u.roles', 'o.name as orgName'])
    .where('s.id', '=', id)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', new Date(Date.now() - IDLE_TIMEOUT_MS))
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  const actorRef = { id: row.id, region: row.region, orgId: row.org_id };
  await actAs(trx, actorRef);
  const memberships = await trx.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', row.id).execute();
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await trx.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', id).execute();
  }
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
  await withActor(db, null, (trx) =>
    trx.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).execute(),
  );
}

/** Disabling a user or resetting a password ends every session of theirs at once. */
export async function revokeUserSessions(db: Executor, userId: string) {
  await db.updateTable('sessions').set({ revoked_at: new Date() })
    .where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}
