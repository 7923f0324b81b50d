import { sql } from 'kysely';
import type { Executor } from '../index';

export function insertSession(db: Executor, s: { id: string; userId: string; expiresAt: Date; ip: string; userAgent: string }) {
  return db.insertInto('sessions').values({
    id: s.id, user_id: s.userId, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent,
  }).execute();
}

/** A live session (not revoked, not expired, used since `idleSince`) of an active user, with who they are. */
export function findLiveSession(db: Executor, id: string, idleSince: Date) {
  return db.selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['s.id as sessionId', 's.last_seen_at', 'u.id', 'u.username', 'u.display_name', 'u.org_id',
      'u.region', 'u.roles', 'o.name as orgName'])
    .where('s.id', '=', id)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', idleSince)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
}

export function listUserMemberships(db: Executor, userId: string) {
  return db.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', userId).execute();
}

export function touchSession(db: Executor, id: string) {
  return db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', id).execute();
}

export function revokeSessionRow(db: Executor, id: string) {
  return db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', id).execute();
}

/** Every live session of the user, except `keep` (the one they are using) when given. */
export function revokeSessionsOfUser(db: Executor, userId: string, keep?: string) {
  let q = db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keep) q = q.where('id', '!=', keep);
  return q.execute();
}

/** Deletes the sessions nobody has used since `before` (long ended: the idle timeout is hours). */
export function deleteSessionsUnusedSince(db: Executor, before: Date) {
  return db.deleteFrom('sessions').where('last_seen_at', '<', before).executeTakeFirst();
}
