/**
 * The calendar feed's cache key (migration 016, decision 21): a poll answers from the feed it last
 * rendered while its key is unchanged, so the key must change with every write to what the feed
 * shows, even one made outside the services, and with nothing the reader cannot see. The counters it
 * is made of are no one's to read but the database functions'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backend, startTestServer, TEST_SESSION_SECRET, type TestServer } from '../support/server';
import { asOwner, sqlError } from '../support/db';
import { actorOf } from '../factories/demo';
import { parseCalendar } from '../support/ical';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { addDays, beijingDay, beijingInstant } from '../../shared/domain/calendar';
import { changeOccurrence, deleteEvent } from '../../server/services/calendar';
import { regenerateFeed } from '../../server/services/calendar-feed';

let server: TestServer;
const db = () => server.database.db;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await regenerateFeed(db(), await actorOf(db(), 'sc-member'), TEST_SESSION_SECRET);
}, 120_000);
afterAll(() => server?.stop());

const eventId = async (title: string) =>
  (await asOwner(db(), (trx) => trx.selectFrom('events').select(['id', 'starts_at']).where('title', '=', title).executeTakeFirstOrThrow()));

/** Polls as a calendar app does: with the ETag it kept. Returns the status and the new ETag. */
async function poll(etag: string) {
  const res = await server.request(`/calendar/${token}.ics`, { headers: { 'If-None-Match': etag } });
  return { status: res.status, etag: res.headers.get('etag') ?? '', text: await res.text() };
}

describe(`the feed's cache key (${backend})`, () => {
  it('changes with every write to what the feed shows, and with nothing outside the reader\'s workspaces', async () => {
    let { etag } = await poll('');
    expect((await poll(etag)).status).toBe(304);

    // Chongqing's own weekly meeting, in a workspace sc-member is not in: their feed is unchanged.
    const cqWeekly = await eventId(DEMO_EVENTS.cqWeekly);
    const nextWeek = (startsAt: Date) => beijingInstant(addDays(beijingDay(startsAt), 7), '09:00');
    await changeOccurrence(db(), await actorOf(db(), 'cq-coordinator'), cqWeekly.id, { occurrence: nextWeek(cqWeekly.starts_at), change: 'cancel' });
    expect((await poll(etag)).status).toBe(304);

    // Sichuan's own weekly meeting, in theirs: cancelling a week changes it.
    const scWeekly = await eventId(DEMO_EVENTS.scWeekly);
    await changeOccurrence(db(), await actorOf(db(), 'sc-coordinator'), scWeekly.id, { occurrence: nextWeek(scWeekly.starts_at), change: 'cancel' });
    let answer = await poll(etag);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('EXDATE');
    etag = answer.etag;

    // A write that bypasses the services (an operator's repair) is caught by the triggers alone.
    await asOwner(db(), (trx) => trx.deleteFrom('event_exceptions').where('event_id', '=', scWeekly.id).execute());
    answer = await poll(etag);
    expect(answer.status).toBe(200);
    etag = answer.etag;

    // A deleted event leaves the feed at the next poll.
    await deleteEvent(db(), await actorOf(db(), 'sc-coordinator'), (await eventId(DEMO_EVENTS.scPrivate)).id);
    answer = await poll(etag);
    expect(answer.status).toBe(200);
    expect(parseCalendar(answer.text).events.map((e) => e.summary)).not.toContain(DEMO_EVENTS.scPrivate);
    expect((await poll(answer.etag)).status).toBe(304);
  });

  it('HEAD tells the length GET sends, gzip or not, without a body', async () => {
    for (const encoding of ['gzip', 'identity']) {
      const headers = { 'Accept-Encoding': encoding };
      const get = await server.request(`/calendar/${token}.ics`, { headers });
      const head = await server.request(`/calendar/${token}.ics`, { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      // (fetch unzips the body it hands over: compare with the length GET announced.)
      expect(get.headers.get('content-encoding')).toBe(encoding === 'gzip' ? 'gzip' : null);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      expect(await head.text()).toBe('');
    }
  });

  it('its counters are not readable by the app role', async () => {
    const err = await sqlError(sql`select * from calendar_versions`.execute(db()));
    expect(err.code).toBe('42501');
  });
});
