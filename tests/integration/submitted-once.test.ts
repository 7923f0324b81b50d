/**
 * A form sent again with the same submission key (AppForm's `_once`) is done once: a second press, or a
 * retry after the answer was lost, must not create a second record. Through the real server, as the
 * browser sends it (JSON to the route's `.data`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { SEED, workspaceId } from '../factories/demo';
import { addDays, beijingDay } from '../../shared/domain/calendar';
import { submissionKey } from '../../app/lib/submission-key';

let server: TestServer;
let cookie: string;
let chuanyu: string;
const db = () => server.database.db;

beforeAll(async () => {
  server = await startTestServer();
  cookie = await server.login('cq-coordinator');
  chuanyu = await workspaceId(db(), SEED.workspaces.chuanyu);
});
afterAll(() => server?.stop());

const post = (path: string, body: Record<string, unknown>) => server.request(path, {
  method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
const eventsTitled = (title: string) =>
  asOwner(db(), (trx) => trx.selectFrom('events').select('id').where('title', '=', title).execute());
const draftsTitled = (title: string) =>
  asOwner(db(), (trx) => trx.selectFrom('drafts').select('id').where('title', '=', title).execute());

describe('a submission sent again', () => {
  const event = (title: string) => ({
    intent: 'create', workspaceId: chuanyu, kind: 'meeting', title, visibility: 'region',
    startDay: addDays(beijingDay(Date.now()), 9), startTime: '10:00', endTime: '11:00', repeat: 'none',
  });

  it('at the same time, or after its answer, creates one event; a new key creates another', async () => {
    const _once = submissionKey();
    const both = await Promise.all([post('/calendar.data', { ...event('重复提交测试'), _once }), post('/calendar.data', { ...event('重复提交测试'), _once })]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const [first, second] = await Promise.all(both.map((r) => r.text()));
    expect(second).toBe(first);
    expect(first).toContain('calendar.created');
    expect(await eventsTitled('重复提交测试')).toHaveLength(1);

    const again = await post('/calendar.data', { ...event('重复提交测试'), _once });
    expect(again.status).toBe(200);
    expect(await eventsTitled('重复提交测试')).toHaveLength(1);

    expect((await post('/calendar.data', { ...event('重复提交测试'), _once: submissionKey() })).status).toBe(200);
    expect(await eventsTitled('重复提交测试')).toHaveLength(2);
  });

  it('after a refusal is done again once corrected, with the same key', async () => {
    const _once = submissionKey();
    const refused = await post('/calendar.data', { ...event('更正后提交'), endTime: '09:00', _once });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('calendar.endBeforeStart');
    expect((await post('/calendar.data', { ...event('更正后提交'), _once })).status).toBe(200);
    expect(await eventsTitled('更正后提交')).toHaveLength(1);
  });

  it('that answers with a redirect (a new draft) takes both to the one draft', async () => {
    const _once = submissionKey();
    const body = { workspaceId: chuanyu, title: '重复提交的草稿', kind: 'proposal', visibility: 'region', _once };
    const both = await Promise.all([post('/drafts/new.data', body), post('/drafts/new.data', body)]);
    const [draft] = await draftsTitled('重复提交的草稿');
    expect(await draftsTitled('重复提交的草稿')).toHaveLength(1);
    for (const res of both) expect(await res.text()).toContain(`/drafts/${draft.id}`);
  });

  it('with other values under the same key is a new one', async () => {
    const _once = submissionKey();
    await Promise.all([post('/calendar.data', { ...event('同键不同内容一'), _once }), post('/calendar.data', { ...event('同键不同内容二'), _once })]);
    expect(await eventsTitled('同键不同内容一')).toHaveLength(1);
    expect(await eventsTitled('同键不同内容二')).toHaveLength(1);
  });

  it('with a key that is not one of ours is simply done', async () => {
    for (const _once of ['', 'x', 'a'.repeat(31), { a: 1 }]) {
      expect((await post('/calendar.data', { ...event('不是提交键'), _once })).status).toBe(200);
    }
    expect(await eventsTitled('不是提交键')).toHaveLength(4);
  });
});
