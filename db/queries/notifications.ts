import { sql } from 'kysely';
import type { Executor } from '../index';
import type { WorkspaceRole } from '../../shared/domain/model';
import type { NotificationFilter, NotificationKind } from '../../shared/validation/notifications';

/**
 * Notifications. Reading and marking read run as the recipient (row-level security: own rows only);
 * writing runs in the sender's transaction, which may read neither the recipients' notifications nor
 * their preferences: the two SECURITY DEFINER functions of the migration answer just what it needs.
 */

export interface NewNotification {
  userId: string;
  region: string;
  kind: NotificationKind;
  recordKind: string;
  recordId: string;
  workspaceId: string | null;
  text: string;
  actorId: string;
}

/** No RETURNING: the new rows belong to others, whom the sender's SELECT policy does not show. */
export async function insertNotifications(db: Executor, rows: NewNotification[]) {
  if (rows.length === 0) return;
  await db.insertInto('notifications').values(rows.map((r) => ({
    user_id: r.userId, region: r.region, kind: r.kind, record_kind: r.recordKind, record_id: r.recordId,
    workspace_id: r.workspaceId, text: r.text, actor_id: r.actorId,
  }))).execute();
}

/**
 * Whether the recipient may still open the record, as row-level security sees it in their own
 * transaction: a notification keeps its text only while that holds (access can be taken away
 * after it was sent). Record kinds with a table of their own are added here when they land.
 */
const stillReadable = sql<boolean>`case n.record_kind
  when 'notice' then exists (select 1 from notices x where x.id = n.record_id)
  when 'draft' then exists (select 1 from drafts x where x.id = n.record_id)
  when 'event' then exists (select 1 from events x where x.id = n.record_id)
  when 'proposal' then exists (select 1 from proposals x where x.id = n.record_id)
  when 'workspace' then exists (select 1 from workspace_members x where x.workspace_id = n.record_id and x.user_id = n.user_id)
  else false end`;

/** The user's notifications, newest first (RLS: only their own, whatever the filter says). */
export function listNotifications(db: Executor, userId: string, f: NotificationFilter, limit = 200) {
  let query = db.selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id', 'n.kind', 'n.record_kind as recordKind', 'n.record_id as recordId', 'n.workspace_id as workspaceId',
      'n.text', 'n.created_at as createdAt', 'n.read_at as readAt', 'a.display_name as actorName',
      stillReadable.as('readable'),
    ])
    .where('n.user_id', '=', userId);
  if (f.unreadOnly) query = query.where('n.read_at', 'is', null);
  if (f.kind) query = query.where('n.kind', '=', f.kind);
  return query.orderBy('n.created_at', 'desc').orderBy('n.id').limit(limit).execute();
}

export async function countUnread(db: Executor, userId: string): Promise<number> {
  const row = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one notification read; 0 when it is not the user's (or does not exist). Read twice stays read once. */
export async function markNotificationRead(db: Executor, userId: string, id: string): Promise<number> {
  const found = await db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', id)
    .where('user_id', '=', userId).executeTakeFirst();
  if (!found) return 0;
  if (!found.read_at) await db.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', id).execute();
  return 1;
}

export async function markAllNotificationsRead(db: Executor, userId: string): Promise<number> {
  const r = await db.updateTable('notifications').set({ read_at: new Date() })
    .where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const uuidArray = (ids: readonly string[]) => sql`array[${sql.join(ids.map((id) => sql`${id}`))}]::uuid[]`;

/** Unread counts of several users (any transaction may ask: counts say nothing of the content). */
export async function unreadCounts(db: Executor, userIds: readonly string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; unread: number }>`
    select user_id, unread from app_unread_notifications(${uuidArray(userIds)})`.execute(db);
  return new Map(rows.map((r) => [r.user_id, Number(r.unread)]));
}

/** Which of these users turned the kind off (asked by the sender, who cannot read their preferences). */
export async function mutedRecipients(db: Executor, userIds: readonly string[], kind: NotificationKind): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select m as id from app_notification_muted(${uuidArray(userIds)}, ${kind}) as m`.execute(db);
  return new Set(rows.map((r) => r.id));
}

/** Recipients as the policy needs them: roles, region, org, status and the memberships the sender's RLS shows. */
export async function findRecipients(db: Executor, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  // One after the other: both run on the sender's transaction (one connection).
  const users = await db.selectFrom('users').select(['id', 'region', 'org_id as orgId', 'roles', 'status'])
    .where('id', 'in', userIds).execute();
  const memberships = await db.selectFrom('workspace_members').select(['user_id as userId', 'workspace_id as workspaceId', 'role'])
    .where('user_id', 'in', userIds).execute();
  return users.map((u) => ({
    ...u,
    workspaces: Object.fromEntries(memberships.filter((m) => m.userId === u.id).map((m) => [m.workspaceId, m.role as WorkspaceRole])),
  }));
}

export function findPreferences(db: Executor, userId: string) {
  return db.selectFrom('notification_preferences').select(['kind', 'enabled']).where('user_id', '=', userId).execute();
}

export async function upsertPreferences(db: Executor, user: { id: string; region: string }, prefs: Record<NotificationKind, boolean>) {
  const rows = Object.entries(prefs).map(([kind, enabled]) => ({
    user_id: user.id, region: user.region, kind: kind as NotificationKind, enabled, updated_at: new Date(),
  }));
  if (rows.length === 0) return;
  await db.insertInto('notification_preferences').values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
      enabled: eb.ref('excluded.enabled'), updated_at: eb.ref('excluded.updated_at'),
    })))
    .execute();
}
