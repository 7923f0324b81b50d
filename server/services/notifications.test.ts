/**
 * Notifications against the demo data, on PGlite (or PostgreSQL with TEST_DATABASE_URL): who is
 * notified (only recipients who may read the record and want the kind), who sees what (own rows
 * only, in code and through row-level security), marking read, and the counts announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withActor } from '../../db';
import { asOwner, openSeededDatabase, sqlError, type TestDatabase } from '../../tests/support/db';
import { actorOf, insertNotice, noticeId, SEED, workspaceId } from '../../tests/factories/demo';
import type { Actor } from '../../shared/policy';
import type { RealtimeHub } from '../realtime/hub';
import { nullHub } from '../realtime/hub';
import { dbActor } from './actor';
import { addMember } from './membership';
import { NotFoundError } from './errors';
import {
  announceNotifications, getPreferences, listNotifications, markAllRead, markRead, notify, setPreferences, unreadCount,
} from './notifications';

let t: TestDatabase;
const as: Record<string, Actor> = {};
const ALL = { unreadOnly: false };

/** Notifies as `sender` in their own transaction, as a service would. */
const send = (sender: string, input: Omit<Parameters<typeof notify>[1], 'actor'>) =>
  withActor(t.db, dbActor(as[sender]), (trx) => notify(trx, { ...input, actor: as[sender] }));

/** Every notification in the database, seen by the owner (no row-level security). */
const allRows = () => asOwner(t.db, (trx) => trx.selectFrom('notifications').selectAll().execute());

/** Actors again from the database (memberships change in some tests). */
const refresh = async (username: string) => { as[username] = await actorOf(t.db, username); return as[username]; };

beforeAll(async () => {
  t = await openSeededDatabase();
  for (const u of ['cq-coordinator', 'cq-member', 'cq-member2', 'cq-staff', 'cq-leader', 'sc-member', 'sc-member2', 'sc-leader', 'sc-coordinator', 'gz-member']) {
    await refresh(u);
  }
}, 120_000);
afterAll(() => t?.drop());

describe('notify: only recipients who may read the record', () => {
  it('never notifies a Sichuan member about a Chongqing region-private notice', async () => {
    const id = await noticeId(t.db, SEED.notices.cqRegion);
    const notified = await send('cq-coordinator', {
      recipients: [as['sc-member'].id, as['cq-member'].id, as['sc-leader'].id], kind: 'mention',
      record: { kind: 'notice', id }, text: SEED.notices.cqRegion,
    });
    expect(notified).toEqual([as['cq-member'].id]);
    const rows = (await allRows()).filter((r) => r.record_id === id);
    expect(rows.map((r) => r.user_id)).toEqual([as['cq-member'].id]);
    expect(rows[0]).toMatchObject({ kind: 'mention', record_kind: 'notice', region: 'chongqing', actor_id: as['cq-coordinator'].id, read_at: null });
  });

  it('notifies both regions about a joint notice, but not someone outside the workspace nor the sender', async () => {
    const id = await noticeId(t.db, SEED.notices.jointHydrogen);
    const notified = await send('cq-coordinator', {
      recipients: [as['sc-member'].id, as['gz-member'].id, as['cq-coordinator'].id, as['sc-member'].id], kind: 'status',
      record: { kind: 'notice', id }, text: SEED.notices.jointHydrogen,
    });
    expect(notified).toEqual([as['sc-member'].id]);
  });

  it('notifies nobody when the sender cannot read the record either', async () => {
    const id = await noticeId(t.db, SEED.notices.cqRegion);
    const notified = await send('sc-member', {
      recipients: [as['cq-member'].id], kind: 'mention', record: { kind: 'notice', id }, text: 'probe',
    });
    expect(notified).toEqual([]);
    expect((await allRows()).some((r) => r.text === 'probe')).toBe(false);
  });

  it('checks an org-private draft as each recipient: same org yes, another org of the region no', async () => {
    const scOwn = await workspaceId(t.db, SEED.workspaces.scOwn);
    const draft = await asOwner(t.db, (trx) => trx.insertInto('drafts').values({
      workspace_id: scOwn, owner_org_id: as['sc-member'].orgId, owner_region: 'sichuan', visibility: 'org',
      kind: 'proposal', title: '关于成渝氢走廊的提案（草稿）', author_id: as['sc-member'].id,
    }).returning('id').executeTakeFirstOrThrow());
    const notified = await send('sc-member', {
      recipients: [as['sc-leader'].id, as['sc-member2'].id, as['cq-member'].id], kind: 'invitation',
      record: { kind: 'draft', id: draft.id }, text: '关于成渝氢走廊的提案（草稿）',
    });
    expect(notified).toEqual([as['sc-leader'].id]);
  });

  it('skips recipients who turned the kind off, and only that kind', async () => {
    await setPreferences(t.db, as['cq-staff'], ['invitation', 'status']);
    expect(await getPreferences(t.db, as['cq-staff'])).toMatchObject({ mention: false, reply: false, status: true, invitation: true });
    const id = await noticeId(t.db, SEED.notices.jointPlan);
    const mention = await send('cq-coordinator', {
      recipients: [as['cq-staff'].id, as['cq-leader'].id], kind: 'mention', record: { kind: 'notice', id }, text: SEED.notices.jointPlan,
    });
    expect(mention).toEqual([as['cq-leader'].id]);
    const status = await send('cq-coordinator', {
      recipients: [as['cq-staff'].id], kind: 'status', record: { kind: 'notice', id }, text: SEED.notices.jointPlan,
    });
    expect(status).toEqual([as['cq-staff'].id]);
    // Turning it back on takes effect at once.
    await setPreferences(t.db, as['cq-staff'], ['mention', 'invitation', 'status']);
    expect(await send('cq-coordinator', {
      recipients: [as['cq-staff'].id], kind: 'mention', record: { kind: 'notice', id }, text: SEED.notices.jointPlan,
    })).toEqual([as['cq-staff'].id]);
  });
});

describe('invitation on joining a workspace', () => {
  it('tells the person added, in the same transaction, with the workspace name', async () => {
    const chuanyu = await workspaceId(t.db, SEED.workspaces.chuanyu);
    const told: Array<{ userId: string; unread: number }> = [];
    const hub: RealtimeHub = { ...nullHub, toUser: (userId, _event, ...args) => { told.push({ userId, unread: (args[0] as { unread: number }).unread }); } };
    await addMember(t.db, as['cq-coordinator'], chuanyu, { userId: as['cq-member2'].id, role: 'member' }, { realtime: hub });
    const member2 = await refresh('cq-member2');
    const { notifications, unread } = await listNotifications(t.db, member2, ALL);
    expect(unread).toBe(1);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      kind: 'invitation', recordKind: 'workspace', recordId: chuanyu, text: SEED.workspaces.chuanyu, readable: true,
      actorName: '陈晓燕', readAt: null,
    });
    expect(told).toEqual([{ userId: member2.id, unread: 1 }]);
  });
});

describe('reading notifications: each user their own', () => {
  it('lists only the user\'s own, newest first, filtered by unread and kind', async () => {
    const mine = await listNotifications(t.db, as['cq-member'], ALL);
    expect(mine.notifications.length).toBeGreaterThan(0);
    const own = (await allRows()).filter((r) => r.user_id === as['cq-member'].id);
    expect(mine.notifications.map((n) => n.id).sort()).toEqual(own.map((r) => r.id).sort());
    const times = mine.notifications.map((n) => new Date(n.createdAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await listNotifications(t.db, as['cq-member'], { unreadOnly: false, kind: 'reply' })).notifications).toEqual([]);
    expect((await listNotifications(t.db, as['sc-member'], ALL)).notifications.map((n) => n.text)).not.toContain(SEED.notices.cqRegion);
  });

  it('marks one read (only one\'s own) and then all, with the counts announced', async () => {
    const id = await noticeId(t.db, SEED.notices.jointPlan);
    await send('sc-coordinator', { recipients: [as['sc-member'].id], kind: 'reply', record: { kind: 'notice', id }, text: SEED.notices.jointPlan });
    const before = await listNotifications(t.db, as['sc-member'], { unreadOnly: true });
    expect(before.unread).toBe(before.notifications.length);
    expect(before.unread).toBeGreaterThanOrEqual(2);

    const told: Array<[string, number]> = [];
    const hub: RealtimeHub = { ...nullHub, toUser: (userId, _e, ...args) => { told.push([userId, (args[0] as { unread: number }).unread]); } };
    await markRead(t.db, as['sc-member'], before.notifications[0].id, { realtime: hub });
    expect(await unreadCount(t.db, as['sc-member'])).toBe(before.unread - 1);
    expect(told).toEqual([[as['sc-member'].id, before.unread - 1]]);

    // Someone else's notification is simply not found, and stays unread.
    const others = (await allRows()).find((r) => r.user_id === as['cq-member'].id && !r.read_at)!;
    await expect(markRead(t.db, as['sc-member'], others.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await allRows()).find((r) => r.id === others.id)!.read_at).toBeNull();

    expect(await markAllRead(t.db, as['sc-member'], { realtime: hub })).toBe(before.unread - 1);
    expect(await unreadCount(t.db, as['sc-member'])).toBe(0);
    expect(told.at(-1)).toEqual([as['sc-member'].id, 0]);
    expect(await unreadCount(t.db, as['cq-member'])).toBeGreaterThan(0);
  });

  it('withholds the text once the recipient may no longer read the record', async () => {
    const title = '川渝联合调研安排（将收回）';
    const id = await insertNotice(t.db, { workspace: SEED.workspaces.chuanyu, author: 'cq-coordinator', visibility: 'joint', title });
    await send('cq-coordinator', { recipients: [as['sc-member'].id], kind: 'mention', record: { kind: 'notice', id }, text: title });
    const find = async () => (await listNotifications(t.db, as['sc-member'], ALL)).notifications.find((n) => n.recordId === id)!;
    expect(await find()).toMatchObject({ text: title, readable: true });
    await asOwner(t.db, (trx) => trx.updateTable('notices').set({ visibility: 'region' }).where('id', '=', id).execute());
    expect(await find()).toMatchObject({ text: '', readable: false });
  });

  it('announces the right unread count to each user', async () => {
    const counts: Record<string, number> = {};
    const hub: RealtimeHub = { ...nullHub, toUser: (userId, _e, ...args) => { counts[userId] = (args[0] as { unread: number }).unread; } };
    await announceNotifications(t.db, { realtime: hub }, [as['cq-member'].id, as['sc-member'].id, as['gz-member'].id]);
    expect(counts).toEqual({
      [as['cq-member'].id]: await unreadCount(t.db, as['cq-member']),
      [as['sc-member'].id]: 1, // the withheld one above
      [as['gz-member'].id]: 0,
    });
  });
});

describe('row-level security on notifications, without the service', () => {
  it('a user reads and updates only their own rows; nobody signed in reads none', async () => {
    const sc = dbActor(as['sc-member']);
    const cqRow = (await allRows()).find((r) => r.user_id === as['cq-member'].id)!;
    const seen = await withActor(t.db, sc, (trx) => trx.selectFrom('notifications').select(['user_id']).execute());
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((r) => r.user_id))).toEqual(new Set([sc.id]));
    const updated = await withActor(t.db, sc, (trx) => trx.updateTable('notifications').set({ read_at: new Date() })
      .where('id', '=', cqRow.id).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(0);
    expect(await withActor(t.db, null, (trx) => trx.selectFrom('notifications').selectAll().execute())).toEqual([]);
  });

  it('inserts only in the sender\'s own name; only read_at may ever change', async () => {
    const sc = dbActor(as['sc-member']);
    const row = (actorId: string) => ({
      user_id: as['cq-member'].id, region: 'chongqing', kind: 'mention' as const, record_kind: 'notice',
      record_id: crypto.randomUUID(), workspace_id: null, text: 'forged', actor_id: actorId,
    });
    const forged = await sqlError(withActor(t.db, sc, (trx) => trx.insertInto('notifications').values(row(as['cq-coordinator'].id)).execute()));
    expect(forged.code).toBe('42501');
    const anonymous = await sqlError(withActor(t.db, null, (trx) => trx.insertInto('notifications').values(row(as['cq-coordinator'].id)).execute()));
    expect(anonymous.code).toBe('42501');
    // Only read_at may change, even on one's own rows.
    const own = (await allRows()).find((r) => r.user_id === sc.id)!;
    const rewrite = await sqlError(withActor(t.db, sc, (trx) => trx.updateTable('notifications').set({ text: 'changed' }).where('id', '=', own.id).execute()));
    expect(rewrite.code).toBe('42501');
  });

  it('preferences are private to their owner; others learn only "muted or not" through the function', async () => {
    const sc = dbActor(as['sc-member']);
    const seen = await withActor(t.db, sc, (trx) => trx.selectFrom('notification_preferences').selectAll().execute());
    expect(seen).toEqual([]); // cq-staff has rows, sc-member none
    const err = await sqlError(withActor(t.db, sc, (trx) => trx.insertInto('notification_preferences')
      .values({ user_id: as['cq-staff'].id, region: 'chongqing', kind: 'mention', enabled: true }).execute()));
    expect(err.code).toBe('42501');
    const { rows } = await withActor(t.db, null, (trx) =>
      sql<{ m: string }>`select m from app_notification_muted(array[${as['cq-staff'].id}]::uuid[], 'reply') as m`.execute(trx));
    expect(rows).toEqual([]); // without a signed-in actor the function answers nothing
  });
});
