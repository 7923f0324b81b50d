import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  deleteEventRow, deleteInvitees, findEvent, insertEvent, insertInvitees, replaceOrganisers,
  listEvents, listInvitees, updateAnswer, updateAttendance,
  setMinutesRow, updateEventRow, upsertException, type EventRow,
} from '../../db/queries/events';
import { findWorkspaceRef, listWorkspaceMembers, listWorkspacesByIds } from '../../db/queries/workspaces';
import { findDraftRef, listDrafts } from '../../db/queries/drafts';
import { authorize, can, type Actor, type EventRef, type RecordRef } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { linkedEntries } from './calendar-linked';
import { findConflicts } from './calendar-conflicts';
import { checkOrganisers, coOrganisersToTell, organiserChoices, type Committee } from './calendar-organisers';
import {
  addDays, beijingInstant, isOccurrenceOf, mondayOf, occurrencesBetween, repeatOf, type EventAnswer,
} from '../../shared/domain/calendar';
import type { CalendarFilter, EventInput } from '../../shared/validation/calendar';
import { dbActor } from './actor';
import { audit, visibilityAction } from './audit';
import { InputError, NotFoundError } from './errors';
import type { CallContext } from './call';
import { announceNotifications, notify } from './notifications';
import { markedDays } from '../calendar/holidays';
import { toRecordRef } from './notices';

/** Someone an organiser may invite, compared with the organiser (the form offers them by visibility). */
export interface Person { id: string; displayName: string; orgName: string; sameRegion: boolean; sameOrg: boolean }

/**
 * 协商日程: events are shared records like notices (owner org and region, workspace, visibility; the
 * record.* rules and the same row-level security), with invitees who answer, recurrence with
 * exceptions, and a private iCalendar feed per user read under the same rules.
 */

// ---- Reading -----------------------------------------------------------------------------------------

/** The days a view shows, [from, to): a month view shows whole weeks from Monday. */
export function viewRange(view: CalendarFilter['view'], date: string): { from: string; to: string } {
  if (view === 'week') {
    const monday = mondayOf(date);
    return { from: monday, to: addDays(monday, 7) };
  }
  if (view === 'agenda') return { from: date, to: addDays(date, 30) };
  const first = `${date.slice(0, 7)}-01`;
  const next = addDays(first, 32).slice(0, 7) + '-01';
  const from = mondayOf(first);
  const lastMonday = mondayOf(addDays(next, -1));
  return { from, to: addDays(lastMonday, 7) };
}

/** The occurrences the calendar page shows, with the workspaces it may filter by or create in. */
export async function getCalendar(db: Kysely<DB>, actor: Actor, filter: CalendarFilter, today: string) {
  const date = filter.date ?? today;
  const range = viewRange(filter.view, date);
  const from = beijingInstant(range.from);
  const to = beijingInstant(range.to);
  return withActor(db, dbActor(actor), async (trx) => {
    const workspaceIds = Object.keys(actor.workspaces);
    const rows = await listEvents(trx, {
      workspaceIds, workspaceId: filter.workspace, kind: filter.kind, region: filter.region,
      involving: filter.mine ? actor.id : undefined, from, to,
    });
    const events = rows.flatMap((e) => occurrencesBetween(e, e.exceptions ?? [], from, to).map((o) => ({
      eventId: e.id, href: `/events/${e.id}`, title: e.title, supervision: null, stop: null, kind: e.kind, place: e.place, allDay: e.allDay, visibility: e.visibility,
      ownerRegion: e.ownerRegion, workspaceRegions: e.workspaceRegions, recurring: e.rrule !== null, myAnswer: e.myAnswer,
      start: o.start.toISOString(), end: o.end.toISOString(), moved: o.moved,
    })));
    const linked = (await linkedEntries(trx, actor, { ...filter, range })).map((l) => ({
      eventId: l.uid, href: l.href, title: l.title, supervision: l.supervision, stop: l.stop, kind: l.kind,
      // A supervision activity shows who takes part where an event shows its place.
      place: l.place || l.participants, allDay: l.allDay, visibility: l.visibility,
      ownerRegion: l.ownerRegion, workspaceRegions: l.workspaceRegions, recurring: false, myAnswer: null,
      start: l.start.toISOString(), end: l.end.toISOString(), moved: false,
    }));
    const occurrences = [...events, ...linked]
      .sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
    const workspaces = (await listWorkspacesByIds(trx, workspaceIds)).map((w) => ({
      id: w.id, name: w.name, orgs: w.orgs,
      // Where the actor may create an event: the record.create rule, for their own org.
      canCreate: can(actor, 'record.create', { workspaceId: w.id, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: 'region' }).allowed,
    }));
    const people: Record<string, Person[]> = {};
    const committees: Record<string, Committee[]> = {};
    for (const w of workspaces.filter((x) => x.canCreate)) {
      people[w.id] = (await listWorkspaceMembers(trx, w.id)).filter((m) => m.status === 'active')
        .map((m) => ({ id: m.id, displayName: m.displayName, orgName: m.orgName, sameRegion: m.region === actor.region, sameOrg: m.orgId === actor.orgId }));
      committees[w.id] = await organiserChoices(trx, actor, w.id, actor.orgId);
    }
    return {
      view: filter.view, date, range, occurrences, people, committees,
      workspaces: workspaces.map(({ orgs, ...w }) => ({ ...w, regions: [...new Set(orgs.map((o) => o.region))] })),
      regions: [...new Set(workspaces.flatMap((w) => w.orgs.map((o) => o.region)))].sort(),
      markedDays: markedDays(range.from, range.to),
    };
  });
}

/** The policy view of an event with its organising committees (event.update, event.invite). */
const toEventRef = (e: EventRow): EventRef => ({ ...toRecordRef(e), organiserOrgIds: e.organisers.map((o) => o.id) });

/** An event the actor may read, or NotFoundError / PolicyError. */
export async function loadEvent(trx: Executor, actor: Actor, id: string) {
  const event = await findEvent(trx, id);
  if (!event) throw new NotFoundError('event');
  authorize(actor, 'record.read', toRecordRef(event));
  return event;
}

/** Who of the invitees is busy at the event's times (for its organisers, right after creating it). */
export async function getEventConflicts(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'event.update', toEventRef(event));
    return findConflicts(trx, event, await listInvitees(trx, id));
  });
}

/** The policy view of an event the actor may read (live-page watches). */
export function getEventRef(db: Kysely<DB>, actor: Actor, id: string): Promise<RecordRef> {
  return withActor(db, dbActor(actor), async (trx) => toRecordRef(await loadEvent(trx, actor, id)));
}

export async function getEvent(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    const ref = toRecordRef(event);
    const eventRef = toEventRef(event);
    const invitees = await listInvitees(trx, id);
    const mine = invitees.find((i) => i.userId === actor.id) ?? null;
    const update = can(actor, 'event.update', eventRef).allowed;
    const members = update ? await listWorkspaceMembers(trx, event.workspaceId) : [];
    // Drafts of the workspace the organiser may link as minutes (row-level security lists what they may read).
    const drafts = update ? (await listDrafts(trx, { workspaceIds: [event.workspaceId] })).map((d) => ({ id: d.id, title: d.title })) : [];
    const candidates = members.filter((m) => m.status === 'active' && can(actor, 'event.invite', {
      event: eventRef, user: { id: m.id, region: m.region, orgId: m.orgId, workspaceIds: [event.workspaceId] },
    }).allowed).map((m): Person => ({ id: m.id, displayName: m.displayName, orgName: m.orgName, sameRegion: m.region === actor.region, sameOrg: m.orgId === actor.orgId }));
    const now = new Date();
    const upcoming = event.rrule
      ? occurrencesBetween(event, event.exceptions ?? [], now, new Date(now.getTime() + 120 * 24 * 3600_000)).slice(0, 8)
      : [];
    return {
      event: { ...event, ...repeatOf(event.rrule) },
      invitees,
      myInvitation: mine,
      upcoming: upcoming.map((o) => ({ start: o.start.toISOString(), end: o.end.toISOString(), originalStart: o.originalStart.toISOString(), moved: o.moved })),
      cancelled: (event.exceptions ?? []).filter((x) => x.cancelled).map((x) => new Date(x.occurrenceStart).toISOString()),
      conflicts: update ? await findConflicts(trx, event, invitees) : [],
      candidates,
      drafts,
      // Committees that may organise it with its owner (those who may read it: event.coorganise).
      organiserChoices: update ? (await organiserChoices(trx, actor, event.workspaceId, event.ownerOrgId))
        .filter((c) => can(actor, 'event.coorganise', { event: ref, org: c }).allowed) : [],
      abilities: {
        update,
        delete: can(actor, 'record.delete', ref).allowed,
        setVisibility: can(actor, 'record.setVisibility', { ...ref, to: 'joint' }).allowed,
        respond: can(actor, 'event.respond', { ...ref, invited: mine !== null }).allowed,
      },
    };
  });
}

// ---- Changing ----------------------------------------------------------------------------------------

/** Invitees must be able to read the event (event.invite); otherwise the form says so at `invitees`. */
async function checkInvitees(trx: Executor, actor: Actor, ref: EventRef, userIds: readonly string[]) {
  if (userIds.length === 0) return;
  const members = new Map((await listWorkspaceMembers(trx, ref.workspaceId)).map((m) => [m.id, m]));
  for (const userId of userIds) {
    const m = members.get(userId);
    const ok = m && m.status === 'active' && can(actor, 'event.invite', {
      event: ref, user: { id: m.id, region: m.region, orgId: m.orgId, workspaceIds: [ref.workspaceId] },
    }).allowed;
    if (!ok) throw new InputError('invitees', 'calendar.inviteeCannotRead');
  }
}

export async function createEvent(db: Kysely<DB>, actor: Actor, input: EventInput & { workspaceId: string; visibility: Visibility }, call: CallContext = {}) {
  const ref: RecordRef = { workspaceId: input.workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility, authorId: actor.id };
  let notified: string[] = [];
  const id = await withActor(db, dbActor(actor), async (trx) => {
    if (!(await findWorkspaceRef(trx, input.workspaceId))) throw new NotFoundError('workspace');
    authorize(actor, 'record.create', ref);
    const organisers = await checkOrganisers(trx, actor, ref, input.organisers ?? []);
    await checkInvitees(trx, actor, { ...ref, organiserOrgIds: organisers.map((o) => o.id) }, input.invitees);
    const { invitees, organisers: _, ...fields } = input;
    const id = await insertEvent(trx, { ...fields, ...ref });
    await replaceOrganisers(trx, id, organisers.map((o) => o.id));
    await insertInvitees(trx, id, invitees);
    await audit(trx, {
      actor, region: actor.region, action: 'event.create', target: { type: 'event', id }, ip: call.ip,
      detail: { title: input.title, visibility: input.visibility, organisers: organisers.map((o) => o.name) },
    });
    if (input.visibility === 'joint') {
      await audit(trx, { actor, region: actor.region, action: 'boundary.share', target: { type: 'event', id }, detail: { from: null, to: 'joint', title: input.title }, ip: call.ip });
    }
    notified = [
      ...await notify(trx, { recipients: invitees, kind: 'invitation', record: { kind: 'event', id, ref }, text: input.title, actor }),
      ...await notify(trx, {
        recipients: await coOrganisersToTell(trx, { ...ref, organiserOrgIds: organisers.map((o) => o.id) }, organisers),
        kind: 'assignment', record: { kind: 'event', id, ref }, text: input.title, actor,
      }),
    ];
    return id;
  });
  await call.realtime?.recordChanged('event', id, ref, 'created');
  await announceNotifications(db, call, notified);
  return id;
}

export async function updateEvent(db: Kysely<DB>, actor: Actor, id: string, input: EventInput, call: CallContext = {}) {
  let notified: string[] = [];
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    const ref = toRecordRef(event);
    authorize(actor, 'event.update', toEventRef(event));
    // Organisers as the form asks (kept when it does not say), each able to read the event.
    const organisers = await checkOrganisers(trx, actor, ref, input.organisers ?? event.organisers.map((o) => o.id));
    await checkInvitees(trx, actor, toEventRef(event), input.invitees);
    const { invitees, organisers: _, ...fields } = input;
    await updateEventRow(trx, id, fields);
    const before = new Set((await listInvitees(trx, id)).map((i) => i.userId));
    const added = invitees.filter((u) => !before.has(u));
    await deleteInvitees(trx, id, [...before].filter((u) => !invitees.includes(u)));
    await insertInvitees(trx, id, added);
    // Last: a co-organiser who steps down in this edit may no longer write the event afterwards.
    await replaceOrganisers(trx, id, organisers.map((o) => o.id));
    await audit(trx, {
      actor, region: event.ownerRegion, action: 'event.update', target: { type: 'event', id }, ip: call.ip,
      detail: { title: input.title, organisers: organisers.map((o) => o.name) },
    });
    const timeChanged = new Date(event.startsAt).getTime() !== input.startsAt.getTime() || new Date(event.endsAt).getTime() !== input.endsAt.getTime()
      || event.rrule !== input.rrule;
    const newOrganisers = organisers.filter((o) => !event.organisers.some((before) => before.id === o.id));
    notified = [
      ...await notify(trx, { recipients: added, kind: 'invitation', record: { kind: 'event', id, ref }, text: input.title, actor }),
      ...await notify(trx, {
        recipients: await coOrganisersToTell(trx, { ...ref, organiserOrgIds: organisers.map((o) => o.id) }, newOrganisers),
        kind: 'assignment', record: { kind: 'event', id, ref }, text: input.title, actor,
      }),
      ...(timeChanged ? await notify(trx, { recipients: [...before].filter((u) => invitees.includes(u)), kind: 'status', record: { kind: 'event', id, ref }, text: input.title, actor }) : []),
    ];
    return ref;
  });
  await call.realtime?.recordChanged('event', id, ref, 'updated');
  await announceNotifications(db, call, notified);
}

/**
 * As for notices: widening to joint crosses the boundary, narrowing takes access away at once; both
 * audited. Narrowing also takes off the invitees who could no longer read the event (as for a draft's
 * collaborators), named in the entry.
 */
export async function setEventVisibility(db: Kysely<DB>, actor: Actor, id: string, to: Visibility, call: CallContext = {}) {
  const { result, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'record.setVisibility', { ...toRecordRef(event), to });
    const ref = { ...toRecordRef(event), visibility: to };
    const result = { readable: can(actor, 'record.read', ref).allowed };
    if (event.visibility === to) return { result, ref: null };
    const members = new Map((await listWorkspaceMembers(trx, event.workspaceId)).map((m) => [m.id, m]));
    // Co-organisers who could no longer read it stop organising it, as invitees stop being invited.
    const [kept, dropped] = [true, false].map((keep) => event.organisers.filter((o) => can(actor, 'event.coorganise', { event: ref, org: o }).allowed === keep));
    const eventRef = { ...ref, organiserOrgIds: kept.map((o) => o.id) };
    const cut = (await listInvitees(trx, id)).filter((i) => {
      const m = members.get(i.userId);
      return !m || !can(actor, 'event.invite', { event: eventRef, user: { id: m.id, region: m.region, orgId: m.orgId, workspaceIds: [event.workspaceId] } }).allowed;
    });
    await deleteInvitees(trx, id, cut.map((i) => i.userId));
    await replaceOrganisers(trx, id, kept.map((o) => o.id));
    await updateEventRow(trx, id, { visibility: to });
    await audit(trx, {
      actor, region: event.ownerRegion, ip: call.ip, action: visibilityAction(event.visibility, to), target: { type: 'event', id },
      detail: { from: event.visibility, to, title: event.title, removed: cut.map((i) => i.displayName), ...(dropped.length ? { removedOrganisers: dropped.map((o) => o.name) } : {}) },
    });
    return { result, ref };
  });
  if (ref) await call.realtime?.recordChanged('event', id, ref, 'visibility');
  return result;
}

export async function deleteEvent(db: Kysely<DB>, actor: Actor, id: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'record.delete', toRecordRef(event));
    await deleteEventRow(trx, id);
    await audit(trx, { actor, region: event.ownerRegion, action: 'event.delete', target: { type: 'event', id }, detail: { title: event.title }, ip: call.ip });
    return toRecordRef(event);
  });
  await call.realtime?.recordChanged('event', id, ref, 'deleted');
}

/** One occurrence of a recurring event cancelled, or moved (same length of day: the form gives times). */
export async function changeOccurrence(db: Kysely<DB>, actor: Actor, id: string,
  change: { occurrence: Date; change: 'cancel' | 'move'; startDay?: string; startTime?: string; endTime?: string }, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'event.update', toEventRef(event));
    if (!isOccurrenceOf(event, change.occurrence)) throw new InputError('_form', 'calendar.notAnOccurrence');
    const moved = change.change === 'move'
      ? { startsAt: beijingInstant(change.startDay!, change.startTime!), endsAt: beijingInstant(change.startDay!, change.endTime!) }
      : { startsAt: null, endsAt: null };
    await upsertException(trx, id, { occurrenceStart: change.occurrence, cancelled: change.change === 'cancel', ...moved });
    await updateEventRow(trx, id, {});
    await audit(trx, {
      actor, region: event.ownerRegion, action: 'event.occurrence', target: { type: 'event', id }, ip: call.ip,
      detail: { title: event.title, occurrence: change.occurrence.toISOString(), change: change.change, ...(moved.startsAt ? { to: moved.startsAt.toISOString() } : {}) },
    });
    return toRecordRef(event);
  });
  await call.realtime?.recordChanged('event', id, ref, 'updated');
}

/** 参加 / 请假 / 待定: the invitee's own answer; organisers' pages update live. */
export async function answerInvitation(db: Kysely<DB>, actor: Actor, id: string, answer: { answer: EventAnswer; reason: string }, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    const invited = (await listInvitees(trx, id)).some((i) => i.userId === actor.id);
    authorize(actor, 'event.respond', { ...toRecordRef(event), invited });
    await updateAnswer(trx, id, actor.id, answer.answer, answer.answer === 'leave' ? answer.reason : '');
    return toRecordRef(event);
  });
  await call.realtime?.recordChanged('event', id, ref, 'updated');
}

/** After the event: its minutes, a draft of the same workspace that the organiser may read (or none). */
export async function linkMinutes(db: Kysely<DB>, actor: Actor, id: string, draftId: string | null, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'event.update', toEventRef(event));
    if (draftId) {
      const draft = await findDraftRef(trx, draftId);
      if (!draft || draft.workspaceId !== event.workspaceId || !can(actor, 'draft.read', draft).allowed) {
        throw new InputError('draftId', 'calendar.minutesNotAvailable');
      }
    }
    await setMinutesRow(trx, id, draftId);
    await audit(trx, { actor, region: event.ownerRegion, action: 'event.minutes', target: { type: 'event', id }, detail: { title: event.title, draftId }, ip: call.ip });
    return toRecordRef(event);
  });
  await call.realtime?.recordChanged('event', id, ref, 'updated');
}

/** After the event: who attended, recorded by its organisers. */
export async function recordAttendance(db: Kysely<DB>, actor: Actor, id: string, attended: readonly string[], call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    authorize(actor, 'event.update', toEventRef(event));
    const invitees = await listInvitees(trx, id);
    await updateAttendance(trx, id, Object.fromEntries(invitees.map((i) => [i.userId, attended.includes(i.userId)])));
    await audit(trx, { actor, region: event.ownerRegion, action: 'event.attendance', target: { type: 'event', id }, detail: { title: event.title, attended: attended.length }, ip: call.ip });
    return toRecordRef(event);
  });
  await call.realtime?.recordChanged('event', id, ref, 'updated');
}
