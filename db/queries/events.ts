import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../index';
import { workspaceRegions } from './workspaces';
import type { Region, Role, Visibility, WorkspaceRole } from '../../shared/domain/model';
import type { EventAnswer, EventException, EventKind } from '../../shared/domain/calendar';

const eventColumns = [
  'e.id', 'e.workspace_id as workspaceId', 'e.owner_org_id as ownerOrgId', 'e.owner_region as ownerRegion', 'e.visibility',
  'e.author_id as authorId', 'e.kind', 'e.title', 'e.place', 'e.online_url as onlineUrl', 'e.description',
  'e.starts_at as startsAt', 'e.ends_at as endsAt', 'e.all_day as allDay', 'e.rrule', 'e.sequence',
  'e.minutes_draft_id as minutesDraftId', 'e.created_at as createdAt', 'e.updated_at as updatedAt', 'w.name as workspaceName',
  'o.name as ownerOrgName',
] as const;

const exceptionsJson = sql<EventException[] | null>`(
  select json_agg(json_build_object('occurrenceStart', x.occurrence_start, 'cancelled', x.cancelled,
    'startsAt', x.starts_at, 'endsAt', x.ends_at) order by x.occurrence_start)
  from event_exceptions x where x.event_id = e.id)`.as('exceptions');

function eventQuery(db: Executor) {
  return db.selectFrom('events as e')
    .innerJoin('workspaces as w', 'w.id', 'e.workspace_id')
    .innerJoin('orgs as o', 'o.id', 'e.owner_org_id')
    .select((eb) => [...eventColumns, exceptionsJson, workspaceRegions(sql.ref('e.workspace_id')).as('workspaceRegions'),
      // The organising committees (主办单位), the owner's first.
      jsonArrayFrom(eb.selectFrom('event_organisers as eo').innerJoin('orgs as oo', 'oo.id', 'eo.org_id')
        .whereRef('eo.event_id', '=', 'e.id').select(['oo.id', 'oo.name', 'oo.region'])
        .orderBy(sql`oo.id = e.owner_org_id`, 'desc').orderBy('oo.region').orderBy('oo.name')).as('organisers'),
      // The minutes' title only where the reader may read that draft (row-level security in the subquery).
      sql<string | null>`(select d.title from drafts d where d.id = e.minutes_draft_id)`.as('minutesTitle')]);
}

export type EventRow = Awaited<ReturnType<typeof findEvent>> & {};

export function findEvent(db: Executor, id: string) {
  return eventQuery(db).where('e.id', '=', id).executeTakeFirst();
}

export interface EventListFilter {
  workspaceIds: string[];
  workspaceId?: string;
  kind?: EventKind;
  region?: Region;
  /** Only events this user organised or is invited to. */
  involving?: string;
  from: Date;
  to: Date;
}

/**
 * Events that may have an occurrence in [from, to): one-off events overlapping it, and recurring
 * ones begun before its end (their occurrences are expanded by the caller). Row-level security has
 * already dropped what the actor may not read.
 */
export function listEvents(db: Executor, f: EventListFilter, limit = 5000) {
  const ids = f.workspaceId ? f.workspaceIds.filter((w) => w === f.workspaceId) : f.workspaceIds;
  if (ids.length === 0) return Promise.resolve([]);
  let q = eventQuery(db)
    .select(sql<EventAnswer | null>`(select i.answer from event_invitees i where i.event_id = e.id and i.user_id = app_user_id())`.as('myAnswer'))
    .where('e.workspace_id', 'in', ids)
    .where('e.starts_at', '<', f.to)
    .where((eb) => eb.or([eb('e.rrule', 'is not', null), eb('e.ends_at', '>=', f.from)]));
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  if (f.region) q = q.where('e.owner_region', '=', f.region);
  if (f.involving) {
    const userId = f.involving;
    q = q.where((eb) => eb.or([
      eb('e.author_id', '=', userId),
      eb.exists(eb.selectFrom('event_invitees as i').select('i.user_id').whereRef('i.event_id', '=', 'e.id').where('i.user_id', '=', userId)),
    ]));
  }
  return q.orderBy('e.starts_at').limit(limit).execute();
}

/** Every event the actor may read in their workspaces, for their feed. */
export function listFeedEvents(db: Executor, workspaceIds: string[], limit = 10000) {
  if (workspaceIds.length === 0) return Promise.resolve([]);
  return eventQuery(db).where('e.workspace_id', 'in', workspaceIds).orderBy('e.starts_at').limit(limit).execute();
}

export interface EventFields {
  kind: EventKind; title: string; place: string; onlineUrl: string; description: string;
  startsAt: Date; endsAt: Date; allDay: boolean; rrule: string | null;
}

export async function insertEvent(db: Executor, e: EventFields & {
  workspaceId: string; ownerOrgId: string; ownerRegion: Region; visibility: Visibility; authorId: string;
}): Promise<string> {
  const { id } = await db.insertInto('events').values({
    workspace_id: e.workspaceId, owner_org_id: e.ownerOrgId, owner_region: e.ownerRegion, visibility: e.visibility,
    author_id: e.authorId, kind: e.kind, title: e.title, place: e.place, online_url: e.onlineUrl,
    description: e.description, starts_at: e.startsAt, ends_at: e.endsAt, all_day: e.allDay, rrule: e.rrule,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Any change raises SEQUENCE, so subscribed calendars replace their copy (RFC 5545). */
export function updateEventRow(db: Executor, id: string, set: Partial<EventFields> & { visibility?: Visibility }) {
  const { onlineUrl, startsAt, endsAt, allDay, ...rest } = set;
  return db.updateTable('events').set({
    ...rest,
    ...(onlineUrl !== undefined ? { online_url: onlineUrl } : {}),
    ...(startsAt !== undefined ? { starts_at: startsAt } : {}),
    ...(endsAt !== undefined ? { ends_at: endsAt } : {}),
    ...(allDay !== undefined ? { all_day: allDay } : {}),
    sequence: sql<number>`sequence + 1`,
    updated_at: new Date(),
  }).where('id', '=', id).execute();
}

export function setMinutesRow(db: Executor, id: string, draftId: string | null) {
  return db.updateTable('events').set({ minutes_draft_id: draftId, updated_at: new Date() }).where('id', '=', id).execute();
}

export function deleteEventRow(db: Executor, id: string) {
  return db.deleteFrom('events').where('id', '=', id).execute();
}

export function upsertException(db: Executor, eventId: string, x: { occurrenceStart: Date; cancelled: boolean; startsAt: Date | null; endsAt: Date | null }) {
  return db.insertInto('event_exceptions').values({
    event_id: eventId, occurrence_start: x.occurrenceStart, cancelled: x.cancelled, starts_at: x.startsAt, ends_at: x.endsAt,
  }).onConflict((oc) => oc.columns(['event_id', 'occurrence_start']).doUpdateSet({
    cancelled: x.cancelled, starts_at: x.startsAt, ends_at: x.endsAt,
  })).execute();
}

/**
 * The organising committees of an event become exactly these (the caller keeps the owner org among
 * them). Added before the others are taken off: a co-organiser who steps down may still write then.
 */
export async function replaceOrganisers(db: Executor, eventId: string, orgIds: string[]) {
  if (orgIds.length > 0) {
    await db.insertInto('event_organisers').values(orgIds.map((org_id) => ({ event_id: eventId, org_id })))
      .onConflict((oc) => oc.doNothing()).execute();
  }
  await db.deleteFrom('event_organisers').where('event_id', '=', eventId)
    .$if(orgIds.length > 0, (q) => q.where('org_id', 'not in', orgIds)).execute();
}

/** The invitees with their committee, answer and attendance (organisers see answers per committee). */
export function listInvitees(db: Executor, eventId: string) {
  return db.selectFrom('event_invitees as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['i.user_id as userId', 'u.display_name as displayName', 'u.region', 'o.id as orgId', 'o.name as orgName',
      'i.answer', 'i.reason', 'i.answered_at as answeredAt', 'i.attended'])
    .where('i.event_id', '=', eventId)
    .orderBy('o.name').orderBy('u.display_name')
    .execute();
}

export function insertInvitees(db: Executor, eventId: string, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve();
  return db.insertInto('event_invitees').values(userIds.map((user_id) => ({ event_id: eventId, user_id })))
    .onConflict((oc) => oc.doNothing()).execute().then(() => undefined);
}

export function deleteInvitees(db: Executor, eventId: string, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve();
  return db.deleteFrom('event_invitees').where('event_id', '=', eventId).where('user_id', 'in', userIds).execute().then(() => undefined);
}

export function updateAnswer(db: Executor, eventId: string, userId: string, answer: EventAnswer, reason: string) {
  return db.updateTable('event_invitees').set({ answer, reason, answered_at: new Date() })
    .where('event_id', '=', eventId).where('user_id', '=', userId).execute();
}

export function updateAttendance(db: Executor, eventId: string, attended: Record<string, boolean>) {
  return Promise.all(Object.entries(attended).map(([userId, value]) => db.updateTable('event_invitees').set({ attended: value })
    .where('event_id', '=', eventId).where('user_id', '=', userId).execute()));
}

/** Events of these people around a window, including ones the caller may not read (title hidden). */
export function listBusyEvents(db: Executor, userIds: string[], from: Date, to: Date) {
  if (userIds.length === 0) return Promise.resolve([]);
  return sql<{ user_id: string; event_id: string; starts_at: Date; ends_at: Date; rrule: string | null; readable: boolean; title: string | null }>`
    select * from app_busy_events(${sql.val(userIds)}::uuid[], ${from}, ${to})`.execute(db).then((r) => r.rows);
}

export function listExceptionsOf(db: Executor, eventIds: string[]) {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('event_exceptions')
    .select(['event_id as eventId', 'occurrence_start as occurrenceStart', 'cancelled', 'starts_at as startsAt', 'ends_at as endsAt'])
    .where('event_id', 'in', eventIds).execute();
}

// ---- Feeds: one private token per user, stored as a hash --------------------------------------------

/**
 * A feed token's owner (active only) with their memberships and what their feed's text depends on
 * (app_feed_state, one statement): the change counters of their workspaces' calendars, raised by
 * triggers on every write (migration 016), and the supervision activities. Only ever a cache key.
 */
export async function findFeedState(db: Executor, tokenHash: string) {
  const { rows } = await sql<{
    id: string; region: Region; org_id: string; roles: Role[]; workspaces: Record<string, WorkspaceRole> | null; fingerprint: string;
  }>`select * from app_feed_state(${tokenHash})`.execute(db);
  const row = rows[0];
  return row && { id: row.id, region: row.region, orgId: row.org_id, roles: row.roles, workspaces: row.workspaces ?? {}, fingerprint: row.fingerprint };
}

export function findFeed(db: Executor, userId: string) {
  return db.selectFrom('calendar_feeds').select(['salt', 'created_at as createdAt']).where('user_id', '=', userId).executeTakeFirst();
}

export function replaceFeed(db: Executor, userId: string, salt: string, tokenHash: string) {
  return db.insertInto('calendar_feeds').values({ user_id: userId, salt, token_hash: tokenHash })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ salt, token_hash: tokenHash, created_at: new Date() })).execute();
}

export function deleteFeed(db: Executor, userId: string) {
  return db.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
}

/** Events that may start in [from, to), for the reminder sweep (app_events_starting: no reader). */
export function listEventsStarting(db: Executor, from: Date, to: Date) {
  return sql<{ id: string; author_id: string; title: string; starts_at: Date; ends_at: Date; rrule: string | null; exceptions: EventException[] | null }>`
    select * from app_events_starting(${from}, ${to})`.execute(db).then((r) => r.rows);
}

// ---- Reminders: claimed once, whichever process finds them due ----------------------------------------

/** Claims the reminder of one occurrence; true only for the one caller that inserted it. */
export async function claimReminder(db: Executor, eventId: string, occurrenceStart: Date): Promise<boolean> {
  const rows = await db.insertInto('event_reminders').values({ event_id: eventId, occurrence_start: occurrenceStart })
    .onConflict((oc) => oc.doNothing()).returning('event_id').execute();
  return rows.length === 1;
}
