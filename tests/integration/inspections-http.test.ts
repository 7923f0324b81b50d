/**
 * Joint inspections through the real server: two coordinators moving one card at the same moment
 * (one 200, the other a 409 with the message, one agreed state); photos uploaded over HTTP (a lying
 * file refused with its message and nothing stored) and served only to those who may read the finding;
 * the summary as .docx (read back with mammoth) holding what each reader sees, and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import mammoth from 'mammoth';
import { startTestServer, backend, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { DEMO_FINDINGS, DEMO_INSPECTIONS, DEMO_UNIT_USER } from '../../db/seed/inspections';

let server: TestServer;
const cookies: Record<string, string> = {};
let sanxia: string;

beforeAll(async () => {
  server = await startTestServer();
  sanxia = (await asOwner(server.database.db, (trx) => trx.selectFrom('inspections').select('id').where('title', '=', DEMO_INSPECTIONS.sanxia).executeTakeFirstOrThrow())).id;
  for (const u of ['cq-coordinator', 'sc-coordinator', 'sc-member', 'cq-member', 'gz-member', DEMO_UNIT_USER]) cookies[u] = await server.login(u);
}, 120_000);
afterAll(() => server?.stop());

const post = (cookie: string, path: string, body: unknown) => server.request(path, {
  method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

describe(`inspections over HTTP (${backend})`, () => {
  it('two coordinators move the same card at once: one wins, the other gets a 409 with the reason', async () => {
    const task = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_tasks').select(['id', 'version'])
      .where('inspection_id', '=', sanxia).where('title', '=', '调研报告起草').executeTakeFirstOrThrow());
    const [a, b] = await Promise.all([
      post(cookies['cq-coordinator'], `/inspections/${sanxia}`, { intent: 'task.move', taskId: task.id, status: 'doing', version: task.version }),
      post(cookies['sc-coordinator'], `/inspections/${sanxia}`, { intent: 'task.move', taskId: task.id, status: 'blocked', version: task.version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await loser.text()).toContain('inspection.conflict');
    const after = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_tasks').select(['status', 'version']).where('id', '=', task.id).executeTakeFirstOrThrow());
    expect(after).toEqual({ status: a.status === 200 ? 'doing' : 'blocked', version: task.version + 1 });
  });

  it('text and numbers a script may send: a lone surrogate is stored as U+FFFD, a version past PostgreSQL\'s integer is a 400', async () => {
    const created = await post(cookies['cq-coordinator'], `/inspections/${sanxia}`, { intent: 'task.create', title: '核对\ud800台账\udfff', checklist: ['\ud800', '核对清单'] });
    expect(created.status).toBe(200);
    const task = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_tasks').select(['id', 'title'])
      .where('inspection_id', '=', sanxia).where('title', 'like', '核对%台账%').executeTakeFirstOrThrow());
    expect(task.title).toBe('核对\uFFFD台账\uFFFD');
    for (const version of [1e308, '1e308', 2 ** 31, Number.MAX_SAFE_INTEGER + 2]) {
      const res = await post(cookies['cq-coordinator'], `/inspections/${sanxia}`, { intent: 'task.check', taskId: task.id, version, index: 1, done: true });
      expect(res.status, String(version)).toBe(400);
      expect(await res.text()).toContain('validation.invalid');
    }
  });

  it('photos: a lying file is refused with its message; a real one is served to its region only', async () => {
    const finding = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.sanxiaSc).executeTakeFirstOrThrow());
    const upload = (bytes: Buffer, name: string, type: string) => {
      const form = new FormData();
      form.append('photo', new File([new Uint8Array(bytes)], name, { type }));
      return server.request(`/inspections/${sanxia}/findings/${finding.id}/photos`, { method: 'POST', cookie: cookies['sc-member'], body: form });
    };
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a0' } }).png().toBuffer();
    const lying = await upload(png, '现场.jpg', 'image/jpeg');
    expect(lying.status).toBe(400);
    expect(await lying.text()).toContain('inspection.photo.typeMismatch');
    const notImage = await upload(Buffer.from('MZ not a picture'), 'a.png', 'image/png');
    expect(notImage.status).toBe(400);
    expect(await notImage.text()).toContain('inspection.photo.notImage');
    expect(await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_finding_photos').select('id').where('finding_id', '=', finding.id).execute())).toEqual([]);

    expect((await upload(png, '现场.png', 'image/png')).status).toBe(200);
    const photo = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_finding_photos').select('id').where('finding_id', '=', finding.id).executeTakeFirstOrThrow());
    const mine = await server.request(`/inspections/${sanxia}/photos/${photo.id}?thumb=1`, { cookie: cookies['sc-coordinator'] });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    // Chongqing's people are in the same inspection and workspace, but the finding is Sichuan's own.
    expect((await server.request(`/inspections/${sanxia}/photos/${photo.id}`, { cookie: cookies['cq-coordinator'] })).status).toBe(404);
    expect((await server.request(`/inspections/${sanxia}/photos/${photo.id}`, { cookie: cookies['cq-member'] })).status).toBe(404);
    // Nor may they add one to it.
    const form = new FormData();
    form.append('photo', new File([new Uint8Array(png)], 'x.png', { type: 'image/png' }));
    expect((await server.request(`/inspections/${sanxia}/findings/${finding.id}/photos`, { method: 'POST', cookie: cookies['cq-coordinator'], body: form })).status).toBe(404);
  });

  it('quick entry answers bad input with a 400 naming the field, and a retried entry with the first finding', async () => {
    const bad = await post(cookies['sc-member'], `/inspections/${sanxia}/findings`, { description: '', category: 'safety', severity: 'loud' });
    expect(bad.status).toBe(400);
    const body = await bad.json() as { ok: boolean; errors: Record<string, string> };
    expect(body).toMatchObject({ ok: false, errors: { description: 'validation.required', severity: 'validation.choose' } });
    const entry = { description: '四川段支流沿岸新增滑坡点', category: 'safety', severity: 'major', clientKey: 'retry-key-000001' };
    const first = await post(cookies['sc-member'], `/inspections/${sanxia}/findings`, entry);
    const again = await post(cookies['sc-member'], `/inspections/${sanxia}/findings`, entry);
    expect([first.status, again.status]).toEqual([200, 200]);
    const [a, b] = await Promise.all([first.json(), again.json()]) as Array<{ vars: { findingId: string } }>;
    expect(b.vars.findingId).toBe(a.vars.findingId);
  });

  it('the summary downloads as .docx with what the reader sees: a Sichuan copy lacks the Chongqing-private finding; audited', async () => {
    const download = (who: string) => server.request(`/inspections/${sanxia}/summary.docx`, { cookie: cookies[who] });
    const sc = await download('sc-member');
    expect(sc.status).toBe(200);
    expect(sc.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(sc.headers.get('content-disposition')).toContain(encodeURIComponent(DEMO_INSPECTIONS.sanxia));
    const read = async (res: Response) => (await mammoth.extractRawText({ buffer: Buffer.from(await res.arrayBuffer()) })).value;
    const scText = await read(sc);
    expect(scText).toContain(`${DEMO_INSPECTIONS.sanxia}视察情况汇总`);
    expect(scText).toContain('类型：调研');
    expect(scText).toContain('牵头单位：重庆市政协（重庆）、四川省政协（四川）');
    // The roster counted per region (two of each side), the itinerary, the counts.
    expect(scText).toMatch(/重庆\s+2\s/);
    expect(scText).toMatch(/四川\s+2\s/);
    expect(scText).toContain('巫山县城区后山危岩治理点');
    expect(scText).toContain('奉节县规划和自然资源局');
    expect(scText).toMatch(/发现问题 \d+ 个 · 整改清单 1 项 · 已核验 0 项/);
    // Findings and items as the page shows them to Sichuan: the joint one and its own, not Chongqing's.
    expect(scText).toContain(DEMO_FINDINGS.sanxiaJoint);
    expect(scText).toContain(DEMO_FINDINGS.sanxiaSc);
    expect(scText).not.toContain(DEMO_FINDINGS.sanxiaCq);
    expect(scText).toContain('加密危岩体监测点并接入预警平台');
    // Chongqing's copy the other way round.
    const cqText = await read(await download('cq-member'));
    expect(cqText).toContain(DEMO_FINDINGS.sanxiaCq);
    expect(cqText).not.toContain(DEMO_FINDINGS.sanxiaSc);
    // Guizhou is not in this workspace: the page's 404.
    expect((await download('gz-member')).status).toBe(404);
    // The responsible unit's copy of the 乌江 inspection: its own items, nothing of the roster or findings.
    const wujiang = (await asOwner(server.database.db, (trx) => trx.selectFrom('inspections').select('id').where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow())).id;
    const unitCopy = await server.request(`/inspections/${wujiang}/summary.docx`, { cookie: cookies[DEMO_UNIT_USER] });
    expect(unitCopy.status).toBe(200);
    const unitText = await read(unitCopy);
    expect(unitText).toContain('增设武隆港段航标并开展枯水期疏浚');
    expect(unitText).not.toContain('贵州段航标与重庆段统一标准'); // another unit's item
    expect(unitText).not.toContain(DEMO_FINDINGS.wujiangShared);
    expect(unitText).not.toContain('沿河县乌江航道管理站'); // the itinerary
    // Audited for the owner region (Chongqing) and the reader's (Sichuan).
    const entries = await asOwner(server.database.db, (trx) => trx.selectFrom('audit_log').select(['region', 'actor_id'])
      .where('action', '=', 'inspection.export').where('target_id', '=', sanxia).execute());
    const scUser = await asOwner(server.database.db, (trx) => trx.selectFrom('users').select('id').where('username', '=', 'sc-member').executeTakeFirstOrThrow());
    expect(entries.filter((e) => e.actor_id === scUser.id).map((e) => e.region).sort()).toEqual(['chongqing', 'sichuan']);
  });
});
