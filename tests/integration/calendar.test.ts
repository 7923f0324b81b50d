/**
 * The shared calendar (issue 14) through the real server: each member's private feed, parsed back
 * with ical.js, carries exactly the events they may read (as row-level security and the policy
 * decide), in Beijing time with its VTIMEZONE, recurrence with its exceptions, and nothing personal;
 * revoked, unknown and regenerated tokens; SEQUENCE on change; conflicts that name only what the
 * organiser may read; bad input as 400s; the boundary on pages, downloads and raw SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, TEST_SESSION_SECRET, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { expandOccurrences, parseCalendar } from '../support/ical';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { withActor } from '../../db';
import { addDays, beijingDay, beijingInstant, mondayOf } from '../../shared/domain/calendar';
import { answerInvitation, changeOccurrence, createEvent, getCalendar, getEvent, linkMinutes, setEventVisibility, updateEvent } from '../../server/services/calendar';
import { regenerateFeed, revokeFeed } from '../../server/services/calendar-feed';
import { sendDueReminders } from '../../server/calendar/reminders';
import { calendarFilterSchema, eventEditSchema } from '../../shared/validation/calendar';
import { addStop, removeStop } from '../../server/services/inspections';
import { DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { DEMO_PROPOSALS } from '../../db/seed/proposals';

const SECRET = TEST_SESSION_SECRET;
let server: TestServer;
const eventIds: Record<string, string> = {};
const monday = mondayOf(beijingDay(Date.now()));

beforeAll(async () => {
  server = await startTestServer();
  const rows = await asOwner(server.database.db, (trx) => trx.selectFrom('events').select(['id', 'title']).execute());
  for (const r of rows) eventIds[r.title] = r.id;
}, 120_000);
afterAll(() => server?.stop());

const db = () => server.database.db;
async function feedOf(username: string) {
  const token = await regenerateFeed(db(), await actorOf(db(), username), SECRET);
  const res = await server.request(`/calendar/${token}.ics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  // Never in a shared cache; a calendar app that keeps its copy asks again with If-None-Match.
  expect(res.headers.get('cache-control')).toBe('private, no-cache');
  const text = await res.text();
  return { token, text, etag: res.headers.get('etag') ?? '', ...parseCalendar(text) };
}
/** Entries entered elsewhere and carried by the feed too (an inspection's stops, a proposal's supervision). */
const isLinked = (uid: string) => /^(inspection-stop|supervision)-/.test(uid);
const titles = (events: Array<{ uid: string; summary: string; recurrenceId: Date | null }>) =>
  [...new Set(events.filter((e) => !e.recurrenceId && !isLinked(e.uid)).map((e) => e.summary))].sort();

describe('feeds: each member subscribes to exactly their events', () => {
  it('a Sichuan member: joint and Sichuan events of their workspaces, none of Chongqing\'s private ones', async () => {
    const feed = await feedOf('sc-member');
    expect(titles(feed.events)).toEqual([
      DEMO_EVENTS.briefing, DEMO_EVENTS.lecture, DEMO_EVENTS.corridor, DEMO_EVENTS.scPrivate, DEMO_EVENTS.scWeekly,
    ].sort());
    expect(feed.text).not.toContain(DEMO_EVENTS.cqPrivate);
    expect(feed.text).not.toContain(DEMO_EVENTS.cqWeekly);
  });

  it('a Chongqing member: joint and Chongqing events, the 乌江 inspection with 贵州, none of Sichuan\'s private ones', async () => {
    const feed = await feedOf('cq-member');
    expect(titles(feed.events)).toEqual([
      DEMO_EVENTS.briefing, DEMO_EVENTS.lecture, DEMO_EVENTS.corridor, DEMO_EVENTS.cqPrivate, DEMO_EVENTS.cqWeekly, DEMO_EVENTS.wujiang,
    ].sort());
    expect(feed.text).not.toContain(DEMO_EVENTS.scPrivate);
  });

  it('the Guizhou member sees the inspection only; the handling unit has an empty calendar', async () => {
    expect(titles((await feedOf('gz-member')).events)).toEqual([DEMO_EVENTS.wujiang]);
    expect((await feedOf('unit-ndrc')).events).toEqual([]);
  });

  it('times are Beijing times with the Asia/Shanghai VTIMEZONE; all-day events are dates; each event links its page', async () => {
    const feed = await feedOf('cq-member');
    expect(feed.timezones).toEqual(['Asia/Shanghai']);
    expect(feed.text).toMatch(/TZOFFSETTO:\+0800/);
    const corridor = feed.events.find((e) => e.summary === DEMO_EVENTS.corridor)!;
    expect(corridor.startZone).toBe('Asia/Shanghai');
    expect(corridor.component.getFirstProperty('dtstart')!.toICALString()).toBe(`DTSTART;TZID=Asia/Shanghai:${addDays(monday, 8).replace(/-/g, '')}T143000`);
    expect(corridor.start.toISOString()).toBe(beijingInstant(addDays(monday, 8), '14:30').toISOString());
    expect(corridor.end.toISOString()).toBe(beijingInstant(addDays(monday, 8), '17:00').toISOString());
    expect(corridor.uid).toBe(`${eventIds[DEMO_EVENTS.corridor]}@${new URL(server.url).host}`);
    expect(corridor.url).toBe(`${server.url}/events/${eventIds[DEMO_EVENTS.corridor]}`);
    const inspection = feed.events.find((e) => e.summary === DEMO_EVENTS.wujiang)!;
    expect(inspection.allDay).toBe(true);
    expect(inspection.component.getFirstProperty('dtstart')!.toICALString()).toBe(`DTSTART;VALUE=DATE:${addDays(monday, 15).replace(/-/g, '')}`);
    expect(inspection.component.getFirstProperty('dtend')!.toICALString()).toBe(`DTEND;VALUE=DATE:${addDays(monday, 18).replace(/-/g, '')}`);
  });

  it('recurrence expands to the right Mondays, the cancelled one left out and a moved one at its new time', async () => {
    const coordinator = await actorOf(db(), 'cq-coordinator');
    const weekly = eventIds[DEMO_EVENTS.cqWeekly];
    // Move the meeting of the week after the cancelled one to Tuesday 14:00.
    await changeOccurrence(db(), coordinator, weekly, {
      occurrence: beijingInstant(addDays(monday, 21), '09:00'), change: 'move', startDay: addDays(monday, 22), startTime: '14:00', endTime: '15:30',
    });
    const feed = await feedOf('cq-member');
    const master = feed.events.find((e) => e.summary === DEMO_EVENTS.cqWeekly && !e.recurrenceId)!;
    expect(master.recurring).toBe(true);
    const starts = expandOccurrences(master, feed.events, 5).map((d) => d.toISOString());
    expect(starts).toEqual([
      beijingInstant(monday, '09:00'), beijingInstant(addDays(monday, 7), '09:00'),
      beijingInstant(addDays(monday, 22), '14:00'), beijingInstant(addDays(monday, 28), '09:00'), beijingInstant(addDays(monday, 35), '09:00'),
    ].map((d) => d.toISOString()));
    // The page's own expansion agrees.
    const page = await getEvent(db(), coordinator, weekly);
    expect(page.cancelled).toContain(beijingInstant(addDays(monday, 14), '09:00').toISOString());
  });

  it('carries nothing personal: no invitee names, answers or contact details', async () => {
    const { text } = await feedOf('cq-leader');
    for (const personal of ['王建国', '李明', '赵丽', '023-6385', 'ATTENDEE', 'ORGANIZER', '@example.org']) expect(text).not.toContain(personal);
    // Stamps are UTC, as RFC 5545 requires.
    expect(text).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r$/m);
    expect(text).not.toMatch(/^DTSTAMP:\d{8}T\d{6}\r$/m);
  });

  it('a changed event raises its SEQUENCE; an unchanged feed asked with its ETag answers 304', async () => {
    const id = eventIds[DEMO_EVENTS.lecture];
    const feed = await feedOf('sc-member');
    const before = feed.events.find((e) => e.summary === DEMO_EVENTS.lecture)!.sequence;
    expect(feed.etag).toMatch(/^"[\w-]{22}"$/);
    const unchanged = await server.request(`/calendar/${feed.token}.ics`, { headers: { 'If-None-Match': feed.etag } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    const organiser = await actorOf(db(), 'sc-coordinator');
    const { event } = await getEvent(db(), organiser, id);
    const input = eventEditSchema.parse({
      kind: event.kind, title: event.title, place: '四川省政协礼堂', startDay: beijingDay(event.startsAt), startTime: '15:30',
      endTime: '17:30', repeat: 'none', invitees: [],
    });
    await updateEvent(db(), organiser, id, input);
    const changed = await server.request(`/calendar/${feed.token}.ics`, { headers: { 'If-None-Match': feed.etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(feed.etag);
    const after = (await feedOf('sc-member')).events.find((e) => e.summary === DEMO_EVENTS.lecture)!;
    expect(after.sequence).toBe(before + 1);
    expect(after.start.toISOString()).toBe(beijingInstant(beijingDay(event.startsAt), '15:30').toISOString());
  });

  it('unknown, malformed, revoked and replaced tokens answer 404', async () => {
    const member = await actorOf(db(), 'sc-member');
    const first = await regenerateFeed(db(), member, SECRET);
    const second = await regenerateFeed(db(), member, SECRET);
    expect((await server.request(`/calendar/${first}.ics`)).status).toBe(404);
    expect((await server.request(`/calendar/${second}.ics`)).status).toBe(200);
    await revokeFeed(db(), member);
    expect((await server.request(`/calendar/${second}.ics`)).status).toBe(404);
    expect((await server.request(`/calendar/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await server.request('/calendar/not-a-token.ics')).status).toBe(404);
    expect((await server.request(`/calendar/${second}`)).status).toBe(404);
  });

  it('a feed fetched too often is refused for a while (429), other users\' feeds unaffected', async () => {
    const token = await regenerateFeed(db(), await actorOf(db(), 'cq-staff'), SECRET);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await server.request(`/calendar/${token}.ics`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await feedOf('cq-leader')).events.length).toBeGreaterThan(0);
  });
});

describe('conflicts', () => {
  it('name the other event when the organiser may read it, and say only "busy" when not', async () => {
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const scOwn = await workspaceId(db(), SEED.workspaces.scOwn);
    const [cqCoordinator, scCoordinator, scLeader, cqLeader] = await Promise.all(
      ['cq-coordinator', 'sc-coordinator', 'sc-leader', 'cq-leader'].map((u) => actorOf(db(), u)));
    const day = addDays(monday, 10);
    // Sichuan's own meeting, which Chongqing may not read.
    const base = { kind: 'meeting' as const, place: '', onlineUrl: '', description: '', allDay: false, rrule: null };
    await createEvent(db(), scCoordinator, {
      ...base, workspaceId: scOwn, visibility: 'region', title: '四川省政协党组会议', invitees: [scLeader.id],
      startsAt: beijingInstant(day, '16:00'), endsAt: beijingInstant(day, '17:00'),
    });
    const joint = await createEvent(db(), cqCoordinator, {
      ...base, workspaceId: chuanyu, visibility: 'joint', title: '川渝联名提案会商', invitees: [scLeader.id, cqLeader.id],
      startsAt: beijingInstant(day, '16:30'), endsAt: beijingInstant(day, '18:00'),
    });
    const seenByCq = await getEvent(db(), cqCoordinator, joint);
    expect(seenByCq.conflicts).toEqual([{ userId: scLeader.id, person: scLeader.displayName, eventId: null, title: null, start: beijingInstant(day, '16:00').toISOString() }]);
    // The weekly meeting on Monday: cq-leader is invited to it, and the coordinator may read it.
    const monday2 = addDays(monday, 7);
    const clash = await createEvent(db(), cqCoordinator, {
      ...base, workspaceId: chuanyu, visibility: 'joint', title: '临时碰头会', invitees: [cqLeader.id],
      startsAt: beijingInstant(monday2, '10:00'), endsAt: beijingInstant(monday2, '11:00'),
    });
    const named = (await getEvent(db(), cqCoordinator, clash)).conflicts;
    expect(named).toEqual([{ userId: cqLeader.id, person: cqLeader.displayName, eventId: eventIds[DEMO_EVENTS.cqWeekly], title: DEMO_EVENTS.cqWeekly, start: beijingInstant(monday2, '09:00').toISOString() }]);
  });
});

describe('pages, downloads and SQL keep the boundary', () => {
  it('the other region\'s private event is a 404 on its page and its download; readers get both', async () => {
    const cqPrivate = eventIds[DEMO_EVENTS.cqPrivate];
    const sc = await server.login('sc-member');
    const cq = await server.login('cq-member');
    expect((await server.request(`/events/${cqPrivate}`, { cookie: sc })).status).toBe(404);
    expect((await server.request(`/events/${cqPrivate}/download.ics`, { cookie: sc })).status).toBe(404);
    expect((await server.request(`/events/${cqPrivate}`, { cookie: cq })).status).toBe(200);
    const download = await server.request(`/events/${cqPrivate}/download.ics`, { cookie: cq });
    expect(download.status).toBe(200);
    expect(parseCalendar(await download.text()).events.map((e) => e.summary)).toEqual([DEMO_EVENTS.cqPrivate]);
    const calendar = await (await server.request(`/calendar?view=week&date=${addDays(monday, 3)}`, { cookie: sc })).text();
    expect(calendar).toContain(DEMO_EVENTS.scPrivate);
    expect(calendar).not.toContain(DEMO_EVENTS.cqPrivate);
    expect((await server.request('/events/00000000-0000-4000-8000-000000000000', { cookie: cq })).status).toBe(404);
  });

  it('row-level security hides the rows and refuses writes to them, with no app code in between', async () => {
    const sc = await actorOf(db(), 'sc-member');
    const cqPrivate = eventIds[DEMO_EVENTS.cqPrivate];
    const seen = await withActor(db(), sc, (trx) => sql`select id from events where id = ${cqPrivate}`.execute(trx));
    expect(seen.rows).toEqual([]);
    const invitees = await withActor(db(), sc, (trx) => sql`select user_id from event_invitees where event_id = ${cqPrivate}`.execute(trx));
    expect(invitees.rows).toEqual([]);
    const updated = await withActor(db(), sc, (trx) => sql`update event_invitees set answer = 'attend' where event_id = ${cqPrivate}`.execute(trx));
    expect(Number(updated.numAffectedRows)).toBe(0);
  });

  it('bad input is a 400 with the field named, and nothing is saved', async () => {
    const cookie = await server.login('cq-coordinator');
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const sc = await actorOf(db(), 'sc-member');
    const post = (body: Record<string, unknown>) => server.request('/calendar.data', {
      method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'create', ...body }),
    });
    const valid = { workspaceId: chuanyu, kind: 'meeting', title: '坏数据测试', visibility: 'region', startDay: addDays(monday, 9), startTime: '10:00', endTime: '11:00', repeat: 'none' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...valid, endTime: '09:00' }, 'calendar.endBeforeStart'],
      [{ ...valid, startDay: '2026-02-30' }, 'validation.date'],
      [{ ...valid, startTime: '25:00' }, 'validation.time'],
      [{ ...valid, onlineUrl: 'javascript:alert(1)' }, 'validation.url'],
      [{ ...valid, kind: 'party' }, 'validation.choose'],
      // A Sichuan member cannot read a Chongqing region event: inviting them is refused.
      [{ ...valid, invitees: [sc.id] }, 'calendar.inviteeCannotRead'],
    ];
    for (const [body, key] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.text()).toContain(key);
    }
    const saved = await asOwner(db(), (trx) => trx.selectFrom('events').select('id').where('title', '=', '坏数据测试').execute());
    expect(saved).toEqual([]);
    expect((await post(valid)).status).toBe(200);
  });

  it('an invitee answers for themselves (a reason for 请假), and the organiser sees it; others may not answer', async () => {
    const id = eventIds[DEMO_EVENTS.corridor];
    const member = await server.login('sc-member');
    const answer = (cookie: string, body: Record<string, string>) => server.request(`/events/${id}.data`, {
      method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'answer', ...body }),
    });
    const noReason = await answer(member, { answer: 'leave' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('calendar.reasonRequired');
    expect((await answer(member, { answer: 'leave', reason: '同日有全国政协调研' })).status).toBe(200);
    expect((await answer(await server.login('sc-staff'), { answer: 'attend' })).status).toBe(403);
    const { invitees } = await getEvent(db(), await actorOf(db(), 'cq-coordinator'), id);
    expect(invitees.find((i) => i.displayName === '刘洋')).toMatchObject({ answer: 'leave', reason: '同日有全国政协调研', orgName: '四川省政协' });
  });
});

describe('reminders', () => {
  it('each occurrence starting within a day is reminded once, however many processes sweep at once; excused invitees are not', async () => {
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const [coordinator, scMember, cqMember, cqLeader] = await Promise.all(['cq-coordinator', 'sc-member', 'cq-member', 'cq-leader'].map((u) => actorOf(db(), u)));
    const soon = new Date(Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000);
    const id = await createEvent(db(), coordinator, {
      workspaceId: chuanyu, visibility: 'joint', kind: 'briefing', title: '川渝联合情况通报（提醒测试）', place: '', onlineUrl: '', description: '',
      startsAt: soon, endsAt: new Date(soon.getTime() + 3600_000), allDay: false, rrule: null, invitees: [scMember.id, cqMember.id, cqLeader.id],
    });
    await answerInvitation(db(), cqLeader, id, { answer: 'leave', reason: '出差' });
    const reminders = () => asOwner(db(), (trx) => trx.selectFrom('notifications').select(['user_id']).where('record_id', '=', id).where('kind', '=', 'deadline').execute());
    // Two processes' sweeps at the same moment, then a later one.
    const counts = await Promise.all([sendDueReminders(db(), {}), sendDueReminders(db(), {})]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await sendDueReminders(db(), {});
    const sent = (await reminders()).map((r) => r.user_id).sort();
    expect(sent).toEqual([scMember.id, cqMember.id].sort());
    // Not yet due: nothing for an event two days away.
    const later = await createEvent(db(), coordinator, {
      workspaceId: chuanyu, visibility: 'joint', kind: 'briefing', title: '后天的通报会', place: '', onlineUrl: '', description: '',
      startsAt: new Date(Date.now() + 48 * 3600_000), endsAt: new Date(Date.now() + 49 * 3600_000), allDay: false, rrule: null, invitees: [scMember.id],
    });
    await sendDueReminders(db(), {});
    expect(await asOwner(db(), (trx) => trx.selectFrom('notifications').select('id').where('record_id', '=', later).where('kind', '=', 'deadline').execute())).toEqual([]);
  });
});

describe('visibility', () => {
  it('narrowing a joint event takes off the other region\'s invitees, audited as an unshare naming them', async () => {
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const [coordinator, scMember, cqMember] = await Promise.all(['cq-coordinator', 'sc-member', 'cq-member'].map((u) => actorOf(db(), u)));
    const id = await createEvent(db(), coordinator, {
      workspaceId: chuanyu, visibility: 'joint', kind: 'meeting', title: '联名提案碰头会（收窄测试）', place: '', onlineUrl: '', description: '',
      startsAt: beijingInstant(addDays(monday, 12), '10:00'), endsAt: beijingInstant(addDays(monday, 12), '11:00'), allDay: false, rrule: null,
      invitees: [scMember.id, cqMember.id],
    });
    expect((await setEventVisibility(db(), coordinator, id, 'region')).readable).toBe(true);
    const { invitees } = await getEvent(db(), coordinator, id);
    expect(invitees.map((i) => i.userId)).toEqual([cqMember.id]);
    const entry = await asOwner(db(), (trx) => trx.selectFrom('audit_log').select(['action', 'region', 'detail'])
      .where('target_id', '=', id).where('action', '=', 'boundary.unshare').executeTakeFirstOrThrow());
    expect(entry.region).toBe('chongqing');
    expect(entry.detail).toMatchObject({ from: 'joint', to: 'region', removed: ['刘洋'] });
    const page = await server.request(`/events/${id}`, { cookie: await server.login('sc-member') });
    expect(page.status).toBe(404);
  });
});

describe('minutes', () => {
  it('an organiser links a draft of the workspace they may read as the minutes; readers see its title only if they may read it', async () => {
    const coordinator = await actorOf(db(), 'cq-coordinator');
    const id = eventIds[DEMO_EVENTS.corridor];
    const drafts = await asOwner(db(), (trx) => trx.selectFrom('drafts').select(['id', 'title', 'visibility', 'owner_region']).execute());
    const hydrogen = drafts.find((d) => d.title === DEMO_DRAFT_TITLES.hydrogen)!;
    const sichuanOnly = drafts.find((d) => d.title === DEMO_DRAFT_TITLES.sichuan)!;
    await expect(linkMinutes(db(), coordinator, id, sichuanOnly.id)).rejects.toMatchObject({ field: 'draftId', messageKey: 'calendar.minutesNotAvailable' });
    await linkMinutes(db(), coordinator, id, hydrogen.id);
    const seen = await getEvent(db(), await actorOf(db(), 'sc-member'), id);
    expect(seen.event).toMatchObject({ minutesDraftId: hydrogen.id, minutesTitle: DEMO_DRAFT_TITLES.hydrogen });
    expect((await getEvent(db(), coordinator, id)).drafts.map((d) => d.id)).not.toContain(sichuanOnly.id);
  });

  it('the form sent with no draft chosen takes the link away and says so, not "linked"', async () => {
    const id = eventIds[DEMO_EVENTS.corridor];
    const res = await server.request(`/events/${id}.data`, {
      method: 'POST', cookie: await server.login('cq-coordinator'), headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'minutes' }),
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('calendar.minutesNone');
    expect(body).not.toContain('calendar.minutesSaved');
    expect((await getEvent(db(), await actorOf(db(), 'cq-coordinator'), id)).event.minutesDraftId).toBeNull();
  });
});

describe('inspection stops and supervision activities: entered once, seen on the calendar and in the feed', () => {
  const wujiangId = async () => (await asOwner(db(), (trx) => trx.selectFrom('inspections').select('id')
    .where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow())).id;
  const stopsOf = async (username: string, href: string, filter: Record<string, string> = {}) => {
    const actor = await actorOf(db(), username);
    const page = await getCalendar(db(), actor, calendarFilterSchema.parse({ view: 'week', date: addDays(monday, 15), ...filter }), beijingDay(Date.now()));
    return page.occurrences.filter((o) => o.href === href);
  };

  it('members on the 乌江 roster (贵州 and 重庆) see its stops at their times; a Sichuan member not involved and its handling unit do not', async () => {
    const href = `/inspections/${await wujiangId()}?tab=plan`;
    const expected = [
      ['武隆港', beijingInstant(addDays(monday, 15), '09:00')], ['彭水水电站通航建筑物（船闸）', beijingInstant(addDays(monday, 15), '14:30')],
      ['沿河县乌江航道管理站', beijingInstant(addDays(monday, 16), '09:30')], ['思南港', beijingInstant(addDays(monday, 17), '09:00')],
    ].map(([place, at]) => [place, (at as Date).toISOString()]);
    for (const username of ['gz-member', 'cq-member']) {
      const stops = await stopsOf(username, href);
      expect(stops.map((o) => [o.place, o.start]), username).toEqual(expected);
      expect(stops.every((o) => o.title === DEMO_INSPECTIONS.wujiang && o.kind === 'inspection' && o.stop !== null && !o.allDay)).toBe(true);
    }
    expect(await stopsOf('sc-member', href)).toEqual([]);
    expect(await stopsOf('cq-leader', href)).toEqual([]);
    expect(await stopsOf('unit-cq-transport', href)).toEqual([]);
    // Filters: 视察 and the regions of its lead committees; "mine" is the roster.
    expect(await stopsOf('gz-member', href, { kind: 'inspection' })).toHaveLength(4);
    expect(await stopsOf('gz-member', href, { kind: 'meeting' })).toEqual([]);
    expect(await stopsOf('cq-member', href, { region: 'guizhou' })).toHaveLength(4);
    expect(await stopsOf('cq-member', href, { region: 'sichuan' })).toEqual([]);
    expect(await stopsOf('cq-member', href, { mine: '1' })).toHaveLength(4);
    // The month and agenda views hold them too.
    for (const view of ['month', 'agenda']) {
      const page = await getCalendar(db(), await actorOf(db(), 'gz-member'), calendarFilterSchema.parse({ view, date: addDays(monday, 14) }), beijingDay(Date.now()));
      expect(page.occurrences.filter((o) => o.href === href).length, view).toBeGreaterThanOrEqual(view === 'agenda' ? 4 : 1);
    }
  });

  it('the feed carries the stops under stable UIDs linking the inspection, only for its readers, and follows a changed itinerary', async () => {
    const id = await wujiangId();
    const host = new URL(server.url).host;
    const gz = await feedOf('gz-member');
    const stops = gz.events.filter((e) => e.uid.startsWith('inspection-stop-'));
    expect(stops.map((e) => e.summary)).toEqual(Array(4).fill(`视察行程：${DEMO_INSPECTIONS.wujiang}`));
    expect(stops.every((e) => e.url === `${server.url}/inspections/${id}?tab=plan`)).toBe(true);
    const wulong = stops.find((e) => e.component.getFirstPropertyValue('location') === '武隆港')!;
    expect(wulong.uid).toMatch(new RegExp(`^inspection-stop-[0-9a-f-]{36}@${host.replace(/\./g, '\\.')}$`));
    expect(wulong.start.toISOString()).toBe(beijingInstant(addDays(monday, 15), '09:00').toISOString());
    expect(String(wulong.component.getFirstPropertyValue('description'))).toContain('接待单位：武隆区交通运输委员会');
    const uids = stops.map((e) => e.uid).sort();
    expect((await feedOf('cq-member')).events.filter((e) => e.uid.startsWith('inspection-stop-') && e.url.includes(id)).map((e) => e.uid).sort()).toEqual(uids);
    const sc = await feedOf('sc-member');
    expect(sc.events.filter((e) => e.url.includes(id))).toEqual([]);
    expect(sc.text).not.toContain('武隆港');

    // The same URL (its rendered copy cached) shows a stop added on the inspection, and drops it when removed.
    const fetchFeed = async () => parseCalendar(await (await server.request(`/calendar/${gz.token}.ics`)).text()).events;
    const coordinator = await actorOf(db(), 'cq-coordinator');
    await addStop(db(), coordinator, id, { day: addDays(monday, 16), time: '15:00', place: '龚滩古镇码头', hostUnit: '酉阳县人民政府' });
    const added = (await fetchFeed()).find((e) => e.component.getFirstPropertyValue('location') === '龚滩古镇码头');
    expect(added?.start.toISOString()).toBe(beijingInstant(addDays(monday, 16), '15:00').toISOString());
    const stopId = added!.uid.slice('inspection-stop-'.length).split('@')[0];
    await removeStop(db(), coordinator, id, stopId);
    expect((await fetchFeed()).some((e) => e.component.getFirstPropertyValue('location') === '龚滩古镇码头')).toBe(false);
  });

  it('key proposals\' supervision activities are in the feed of the proposal\'s readers, without who took part', async () => {
    const corridor = (await asOwner(db(), (trx) => trx.selectFrom('proposals').select('id').where('title', '=', DEMO_PROPOSALS.corridor).executeTakeFirstOrThrow())).id;
    const staff = await feedOf('cq-coordinator');
    const onsite = staff.events.filter((e) => e.uid.startsWith('supervision-'));
    expect(onsite.map((e) => [e.summary, e.url, e.allDay])).toEqual([[`现场办理会：${DEMO_PROPOSALS.corridor}`, `${server.url}/proposals/${corridor}`, true]]);
    expect(onsite[0].component.getFirstProperty('dtstart')!.toICALString()).toBe('DTSTART;VALUE=DATE:20240516');
    expect(staff.text).not.toContain('提案者代表');
    expect((await feedOf('gz-member')).events.filter((e) => e.uid.startsWith('supervision-'))).toEqual([]);
  });
});
