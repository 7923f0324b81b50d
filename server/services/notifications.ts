import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { findNotice } from '../../db/queries/notices';
import { findDraftRef } from '../../db/queries/drafts';
import { findWorkspaceRef } from '../../db/queries/workspaces';
import {
  countUnread, findPreferences, findRecipients, insertNotifications, listNotifications as listRows,
  markAllNotificationsRead, markNotificationRead, mutedRecipients, unreadCounts, upsertPreferences,
} from '../../db/queries/notifications';
import { can, type Actor, type DraftRef, type ProposalRef, type RecordRef, type WorkspaceRef } from '../../shared/policy';
import {
  NOTIFICATION_KINDS, type NotificationFilter, type NotificationKind,
} from '../../shared/validation/notifications';
import { dbActor } from './actor';
import { NotFoundError } from './errors';
import type { CallContext } from './call';

/**
 * Notifications (issue 3): `notify` inside the sender's transaction, `announceNotifications` after
 * it commits. A notification never carries text its recipient may not read: each recipient is
 * checked with shared/policy against the record, as that recipient, before anything is written.
 */

/** The record a notification is about, with its policy view when the caller has it at hand. */
export type NotifyRecord =
  | { kind: 'workspace'; id: string; ref?: WorkspaceRef }
  | { kind: 'draft'; id: string; ref?: DraftRef }
  | { kind: 'notice'; id: string; ref?: RecordRef }
  | { kind: 'event'; id: string; ref: RecordRef }
  | { kind: 'proposal'; id: string; ref: ProposalRef };

export interface NotifyInput {
  recipients: readonly string[];
  kind: NotificationKind;
  record: NotifyRecord;
  /** What it is about, usually the record's title; the UI sets it in the kind's sentence. */
  text: string;
  /** The sender: the transaction runs as them. */
  actor: Actor;
}

const MAX_TEXT = 500;

type Readable = { workspaceId: string | null; readable: (a: Actor) => boolean };

/**
 * The record's read rule, loaded in the sender's transaction when no ref is given. Null when the
 * sender cannot see it either (then nobody is told anything). A new record kind adds its case.
 */
async function readRule(trx: Executor, record: NotifyRecord): Promise<Readable | null> {
  switch (record.kind) {
    case 'workspace': {
      const ref = record.ref ?? await findWorkspaceRef(trx, record.id);
      return ref && { workspaceId: ref.id, readable: (a) => can(a, 'workspace.read', ref).allowed };
    }
    case 'draft': {
      const ref = record.ref ?? await findDraftRef(trx, record.id);
      return ref && { workspaceId: ref.workspaceId, readable: (a) => can(a, 'draft.read', ref).allowed };
    }
    case 'event':
      return { workspaceId: record.ref.workspaceId, readable: (a) => can(a, 'record.read', record.ref).allowed };
    case 'proposal':
      return { workspaceId: record.ref.workspaceId, readable: (a) => can(a, 'proposal.read', record.ref).allowed };
    case 'notice': {
      const n = record.ref ? null : await findNotice(trx, record.id);
      const ref: RecordRef | undefined = record.ref ?? (n ? {
        workspaceId: n.workspaceId, ownerOrgId: n.ownerOrgId, ownerRegion: n.ownerRegion, visibility: n.visibility, authorId: n.authorId,
      } : undefined);
      return ref ? { workspaceId: ref.workspaceId, readable: (a) => can(a, 'record.read', ref).allowed } : null;
    }
  }
}

/**
 * Writes a notification for each recipient who may read the record and has not turned the kind
 * off (never for the sender, never for a disabled user). Runs in the caller's transaction, so it
 * sees the caller's change (e.g. the membership just added). Returns who was notified: pass them
 * to `announceNotifications` after the commit. Refuses nobody with an error: a notification is a
 * side effect and must not undo the change it reports.
 */
export async function notify(trx: Executor, input: NotifyInput): Promise<string[]> {
  const wanted = [...new Set(input.recipients)].filter((id) => id !== input.actor.id);
  if (wanted.length === 0) return [];
  const rule = await readRule(trx, input.record);
  // The sender must be able to read what they announce (it also keeps the text honest).
  if (!rule || !rule.readable(input.actor)) return [];

  const people = await findRecipients(trx, wanted);
  const allowed = people.filter((p) => p.status === 'active' && rule.readable(
    { id: p.id, region: p.region, orgId: p.orgId, roles: p.roles, workspaces: p.workspaces },
  ));
  const muted = await mutedRecipients(trx, allowed.map((p) => p.id), input.kind);
  const recipients = allowed.filter((p) => !muted.has(p.id));

  const text = input.text.trim().slice(0, MAX_TEXT);
  await insertNotifications(trx, recipients.map((p) => ({
    userId: p.id, region: p.region, kind: input.kind, recordKind: input.record.kind, recordId: input.record.id,
    workspaceId: rule.workspaceId, text, actorId: input.actor.id,
  })));
  return recipients.map((p) => p.id);
}

/** After the commit: each user's bell gets their new unread count (every open tab of theirs). */
export async function announceNotifications(db: Kysely<DB>, call: CallContext, userIds: readonly string[]): Promise<void> {
  const hub = call.realtime;
  if (!hub || userIds.length === 0) return;
  const counts = await withActor(db, null, (trx) => unreadCounts(trx, [...new Set(userIds)]));
  for (const [userId, unread] of counts) hub.toUser(userId, 'notification:changed', { unread });
}

/** The notification centre: the user's notifications (newest first) and their unread count. */
export async function listNotifications(db: Kysely<DB>, actor: Actor, filter: NotificationFilter) {
  return withActor(db, dbActor(actor), async (trx) => {
    const rows = await listRows(trx, actor.id, filter);
    const unread = await countUnread(trx, actor.id);
    // Text stays only while the recipient may still open the record.
    const notifications = rows.map((r) => (r.readable ? r : { ...r, text: '' }));
    return { notifications, unread };
  });
}

export function unreadCount(db: Kysely<DB>, actor: Actor): Promise<number> {
  return withActor(db, dbActor(actor), (trx) => countUnread(trx, actor.id));
}

export async function markRead(db: Kysely<DB>, actor: Actor, id: string, call: CallContext = {}) {
  const found = await withActor(db, dbActor(actor), (trx) => markNotificationRead(trx, actor.id, id));
  if (!found) throw new NotFoundError('notification');
  await announceNotifications(db, call, [actor.id]);
}

export async function markAllRead(db: Kysely<DB>, actor: Actor, call: CallContext = {}) {
  const n = await withActor(db, dbActor(actor), (trx) => markAllNotificationsRead(trx, actor.id));
  if (n > 0) await announceNotifications(db, call, [actor.id]);
  return n;
}

export type NotificationPreferences = Record<NotificationKind, boolean>;

/** Every kind, on unless the user turned it off. */
export async function getPreferences(db: Kysely<DB>, actor: Actor): Promise<NotificationPreferences> {
  const rows = await withActor(db, dbActor(actor), (trx) => findPreferences(trx, actor.id));
  const prefs = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as NotificationPreferences;
  for (const r of rows) prefs[r.kind] = r.enabled;
  return prefs;
}

/** Saves the kinds to receive; every other kind is turned off. */
export async function setPreferences(db: Kysely<DB>, actor: Actor, enabled: readonly NotificationKind[]) {
  const prefs = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, enabled.includes(k)])) as NotificationPreferences;
  await withActor(db, dbActor(actor), (trx) => upsertPreferences(trx, actor, prefs));
  return prefs;
}
