/**
 * Organising committees (主办单位, issue 14): a joint consultation is organised by several committees.
 * The 川渝八市政协 consultation of the demo is 四川省政协's, organised with 重庆市政协, whose coordinator
 * then edits it as the owner's coordinators do (not its staff, and never its deletion or visibility);
 * the form's choice is checked (the workspace's committees, able to read the event; bad input is a
 * 400 with nothing saved); a committee named is told (those of it who may now edit the event);
 * narrowing an event drops the co-organisers who could no longer read it;
 * the page and the .ics name the committees; and the SQL write rule, tested directly as the app
 * role, agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { parseCalendar } from '../support/ical';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { withActor, type DbActor } from '../../db';
import { addDays, beijingDay, beijingInstant, mondayOf } from '../../shared/domain/calendar';
import { createEvent, getEvent, setEventVisibility, updateEvent } from '../../server/services/calendar';
import { eventEditSchema } from '../../shared/validation/calendar';

let server: TestServer;
const eventIds: Record<string, string> = {};
const orgIds: Record<string, string> = {};
const monday = mondayOf(beijingDay(Date.now()));

beforeAll(async () => {
  server = await startTestServer();
  await asOwner(server.database.db, async (trx) => {
    for (const r of await trx.selectFrom('events').select(['id', 'title']).execute()) eventIds[r.title] = r.id;
    for (const r of await trx.selectFrom('orgs').select(['id', 'name']).execute()) orgIds[r.name] = r.id;
  });
}, 120_000);
afterAll(() => server?.stop());

const db = () => server.database.db;
const base = { place: '', onlineUrl: '', description: '', allDay: false, rrule: null, invitees: [] as string[] };
/** The edit form's values of an event, as its page sends them. */
async function formOf(username: string, id: string, changes: Record<string, unknown> = {}) {
  const { event, invitees } = await getEvent(db(), await actorOf(db(), username), id);
  return eventEditSchema.parse({
    kind: event.kind, title: event.title, place: event.place, startDay: beijingDay(event.startsAt),
    startTime: '09:00', endTime: '12:00', repeat: 'none', invitees: invitees.map((i) => i.userId), ...changes,
  });
}

/** Who was told their committee organises the event (usernames, once per notification). */
const toldToOrganise = (eventId: string) => asOwner(db(), async (trx) => (await trx.selectFrom('notifications as n')
  .innerJoin('users as u', 'u.id', 'n.user_id').select('u.username')
  .where('n.record_id', '=', eventId).where('n.kind', '=', 'assignment').orderBy('u.username').execute()).map((r) => r.username));

describe('organising committees', () => {
  it('the 川渝八市政协 consultation is organised by both committees: 重庆市政协\'s coordinator edits it; deleting and visibility stay with 四川', async () => {
    const id = eventIds[DEMO_EVENTS.bashu];
    const cq = await actorOf(db(), 'cq-coordinator');
    const page = await getEvent(db(), cq, id);
    expect(page.event.organisers.map((o) => o.name)).toEqual(['四川省政协', '重庆市政协']);
    expect(page.abilities).toMatchObject({ update: true, delete: false, setVisibility: false });
    await updateEvent(db(), cq, id, await formOf('cq-coordinator', id, { place: '重庆市政协机关会议中心' }));
    expect((await getEvent(db(), await actorOf(db(), 'sc-member2'), id)).event.place).toBe('重庆市政协机关会议中心');
    // The organisers are kept when an edit does not name them (an API call without the field).
    expect((await getEvent(db(), cq, id)).event.organisers).toHaveLength(2);
    const visibility = await server.request(`/events/${id}.data`, {
      method: 'POST', cookie: await server.login('cq-coordinator'), headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ intent: 'visibility', visibility: 'region' }),
    });
    expect(visibility.status).toBe(403);
    const del = await server.request(`/events/${id}.data`, {
      method: 'POST', cookie: await server.login('cq-coordinator'), headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ intent: 'delete' }),
    });
    expect(del.status).toBe(403);
    expect(await asOwner(db(), (trx) => trx.selectFrom('events').select('visibility').where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ visibility: 'joint' });
  });

  it('the page and the .ics name the organising committees (committees, not people: no ORGANIZER)', async () => {
    const id = eventIds[DEMO_EVENTS.bashu];
    const cookie = await server.login('sc-member2');
    const html = await (await server.request(`/events/${id}`, { cookie })).text();
    expect(html).toContain('主办单位');
    expect(html).toMatch(/四川省政协.*重庆市政协/s);
    const ics = await (await server.request(`/events/${id}/download.ics`, { cookie })).text();
    const [event] = parseCalendar(ics).events;
    expect(String(event.component.getFirstPropertyValue('description'))).toContain('主办单位：四川省政协、重庆市政协');
    expect(ics).not.toContain('ORGANIZER');
  });

  it('a joint event created with the other region\'s committee: its coordinator edits it; staff of the co-organiser only their own', async () => {
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const [cq, sc, scStaff] = await Promise.all(['cq-coordinator', 'sc-coordinator', 'sc-staff'].map((u) => actorOf(db(), u)));
    const day = addDays(monday, 11);
    const id = await createEvent(db(), cq, {
      ...base, workspaceId: chuanyu, visibility: 'joint', kind: 'joint_consultation', title: '川渝联合协商会（主办单位测试）',
      startsAt: beijingInstant(day, '09:00'), endsAt: beijingInstant(day, '11:00'), organisers: [orgIds['四川省政协']],
    });
    const seen = await getEvent(db(), sc, id);
    expect(seen.event.organisers.map((o) => o.name)).toEqual(['重庆市政协', '四川省政协']);
    expect(seen.abilities.update).toBe(true);
    // The committee named is told: its leader and coordinator, who may now edit it; not its staff, who may not.
    expect(await toldToOrganise(id)).toEqual(['sc-coordinator', 'sc-leader']);
    // The co-organiser invites a member of their own side and records it; the owner's committee stays.
    const scMember = await actorOf(db(), 'sc-member');
    await updateEvent(db(), sc, id, await formOf('sc-coordinator', id, { invitees: [scMember.id], organisers: [] }));
    const after = await getEvent(db(), cq, id);
    expect(after.invitees.map((i) => i.displayName)).toEqual(['刘洋']);
    expect(after.event.organisers.map((o) => o.name)).toEqual(['重庆市政协']);
    expect((await getEvent(db(), sc, id)).abilities.update).toBe(false);
    expect((await getEvent(db(), scStaff, id)).abilities.update).toBe(false);
    await expect(updateEvent(db(), sc, id, await formOf('sc-coordinator', id))).rejects.toMatchObject({ status: 403 });
    // Named again in a later edit, it is told again; an edit that keeps it tells nobody.
    await updateEvent(db(), cq, id, await formOf('cq-coordinator', id, { organisers: [orgIds['四川省政协']] }));
    await updateEvent(db(), cq, id, await formOf('cq-coordinator', id, { place: '重庆市人民大礼堂' }));
    expect(await toldToOrganise(id)).toEqual(['sc-coordinator', 'sc-coordinator', 'sc-leader', 'sc-leader']);
  });

  it('narrowing an event drops the co-organisers who could no longer read it, named in the audit entry', async () => {
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const cq = await actorOf(db(), 'cq-coordinator');
    const day = addDays(monday, 12);
    const id = await createEvent(db(), cq, {
      ...base, workspaceId: chuanyu, visibility: 'joint', kind: 'meeting', title: '联合主办收窄测试',
      startsAt: beijingInstant(day, '14:00'), endsAt: beijingInstant(day, '15:00'), organisers: [orgIds['四川省政协']],
    });
    await setEventVisibility(db(), cq, id, 'region');
    expect((await getEvent(db(), cq, id)).event.organisers.map((o) => o.name)).toEqual(['重庆市政协']);
    const entry = await asOwner(db(), (trx) => trx.selectFrom('audit_log').select('detail')
      .where('target_id', '=', id).where('action', '=', 'boundary.unshare').executeTakeFirstOrThrow());
    expect(entry.detail).toMatchObject({ removedOrganisers: ['四川省政协'] });
    await expect(getEvent(db(), await actorOf(db(), 'sc-coordinator'), id)).rejects.toThrow('event not found');
  });

  it('bad organisers are a 400 at the field with the zh-CN message key, and nothing is saved', async () => {
    const cookie = await server.login('cq-coordinator');
    const chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
    const post = (body: Record<string, unknown>) => server.request('/calendar.data', {
      method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'create', ...body }),
    });
    const valid = { workspaceId: chuanyu, kind: 'meeting', title: '主办单位坏数据测试', visibility: 'region', startDay: addDays(monday, 9), startTime: '10:00', endTime: '11:00', repeat: 'none' };
    const cases: Array<[Record<string, unknown>, string]> = [
      // A region event cannot be organised with the other region's committee (it could not read it).
      [{ ...valid, organisers: [orgIds['四川省政协']] }, 'calendar.organiserNotAllowed'],
      // 贵州省政协 is not a committee of this workspace; a handling unit is no committee at all.
      [{ ...valid, visibility: 'joint', organisers: [orgIds['贵州省政协']] }, 'calendar.organiserNotAllowed'],
      [{ ...valid, visibility: 'joint', organisers: [orgIds['市发展改革委']] }, 'calendar.organiserNotAllowed'],
      [{ ...valid, organisers: ['not-an-id'] }, 'validation'],
    ];
    for (const [body, key] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.text()).toContain(key);
    }
    expect(await asOwner(db(), (trx) => trx.selectFrom('events').select('id').where('title', '=', valid.title).execute())).toEqual([]);
    const ok = await post({ ...valid, visibility: 'joint', organisers: [orgIds['四川省政协']] });
    expect(ok.status).toBe(200);
    const saved = await asOwner(db(), (trx) => trx.selectFrom('events as e').innerJoin('event_organisers as o', 'o.event_id', 'e.id')
      .select('o.org_id').where('e.title', '=', valid.title).execute());
    expect(saved.map((r) => r.org_id).sort()).toEqual([orgIds['重庆市政协'], orgIds['四川省政协']].sort());
  });
});

/** How a raw write as the app role ended: 'refused' when PostgreSQL said no or it touched no row. */
async function outcome(actor: DbActor, statement: RawBuilder<unknown>): Promise<'refused' | number> {
  try {
    const rows = Number((await withActor(db(), actor, (trx) => statement.execute(trx))).numAffectedRows ?? 0);
    return rows === 0 ? 'refused' : rows;
  } catch (err) {
    if ((err as { code?: string }).code === '42501') return 'refused';
    throw err;
  }
}

describe('the SQL write rule (app_may_change_event), as the app role with no policy check in code', () => {
  it('a co-organising committee of the other region writes the event and its children, never its visibility or its deletion', async () => {
    const bashu = eventIds[DEMO_EVENTS.bashu];
    const lecture = eventIds[DEMO_EVENTS.lecture]; // Sichuan's joint lecture, organised by 四川省政协 alone
    const cq = await actorOf(db(), 'cq-coordinator');
    const gz = await actorOf(db(), 'gz-member');
    const scCoordinator = await actorOf(db(), 'sc-coordinator');
    const changes = (a: DbActor, ev: string) => withActor(db(), a, (trx) => sql<{ may: boolean }>`
      select app_may_change_event(id, owner_region) as may from events where id = ${ev}`.execute(trx)).then((r) => r.rows[0]?.may ?? null);
    expect(await changes(cq, bashu)).toBe(true);
    expect(await changes(cq, lecture)).toBe(false);
    expect(await changes(gz, bashu)).toBe(null); // cannot even read it

    expect(await outcome(cq, sql`update events set place = '重庆改的地点' where id = ${bashu}`)).toBe(1);
    expect(await outcome(cq, sql`update events set place = '重庆改的地点' where id = ${lecture}`)).toBe('refused');
    expect(await outcome(cq, sql`update events set visibility = 'region' where id = ${bashu}`)).toBe('refused');
    expect(await outcome(cq, sql`update events set owner_region = 'chongqing', owner_org_id = ${cq.orgId} where id = ${bashu}`)).toBe('refused');
    expect(await outcome(cq, sql`delete from events where id = ${bashu}`)).toBe('refused');
    expect(await outcome(cq, sql`insert into event_invitees (event_id, user_id) values (${bashu}, ${scCoordinator.id})`)).toBe(1);
    expect(await outcome(cq, sql`delete from event_invitees where event_id = ${bashu} and user_id = ${scCoordinator.id}`)).toBe(1);
    expect(await outcome(cq, sql`insert into event_invitees (event_id, user_id) values (${lecture}, ${cq.id})`)).toBe('refused');
    // It cannot make itself an organiser of an event it does not organise.
    expect(await outcome(cq, sql`insert into event_organisers (event_id, org_id) values (${lecture}, ${cq.orgId})`)).toBe('refused');
    const row = await asOwner(db(), (trx) => trx.selectFrom('events').select(['visibility', 'owner_region']).where('id', '=', bashu).executeTakeFirstOrThrow());
    expect(row).toEqual({ visibility: 'joint', owner_region: 'sichuan' });
  });
});
