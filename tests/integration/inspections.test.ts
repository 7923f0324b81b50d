/**
 * Joint inspections (issue 13) against the database: the boundary on findings (through the service
 * and as raw SQL through the app role), the roster rule (each side adds only its own people), the
 * verification rule (a unit never verifies its own item), concurrent moves of one card (one wins,
 * the other is refused with a 409 and nothing changes), and an offline finding sent twice arriving once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withActor, type DbActor } from '../../db';
import { backend } from '../support/server';
import { asOwner, openSeededDatabase, sqlError, type TestDatabase } from '../support/db';
import { actorOf } from '../factories/demo';
import { DEMO_FINDINGS, DEMO_INSPECTIONS, DEMO_UNIT_USER } from '../../db/seed/inspections';
import {
  addToRoster, ConflictError, createFinding, createTask, getInspection, getMyWork, listInspectionsFor, moveTask, removeFromRoster,
  shareFinding,
} from '../../server/services/inspections';
import { createItem, reportItem, verifyItem } from '../../server/services/rectification';
import { PolicyError, type Actor } from '../../shared/policy';
import { InputError, NotFoundError } from '../../server/services/errors';
import { findingSchema, taskSchema } from '../../shared/validation/inspections';
import sharp from 'sharp';
import { addFindingPhoto, getFindingPhoto } from '../../server/services/inspection-photos';
import { sniffImage } from '../../shared/domain/inspection';
import ExcelJS from 'exceljs';
import { rectificationXlsx } from '../../server/services/inspection-export';
import { startReport } from '../../server/services/inspection-report';
import { getDraft } from '../../server/services/drafts';
import { sendOverdueNotices } from '../../server/inspections/overdue';

let t: TestDatabase;
const ids: Record<string, string> = {};
const as: Record<string, Actor> = {};
const USERS = ['cq-coordinator', 'cq-member', 'sc-coordinator', 'sc-member', 'gz-member', 'cq-member2', 'unit-ndrc', DEMO_UNIT_USER];

beforeAll(async () => {
  t = await openSeededDatabase();
  for (const r of await asOwner(t.db, (trx) => trx.selectFrom('inspections').select(['id', 'title']).execute())) ids[r.title] = r.id;
  for (const u of USERS) as[u] = await actorOf(t.db, u);
}, 120_000);
afterAll(() => t?.drop());

const db = () => t.db;
async function refusal(work: Promise<unknown>) {
  try { await work; } catch (err) { return err; }
  throw new Error('expected a refusal');
}
const rls = (actor: DbActor) => ({ id: actor.id, region: (actor as Actor).region, orgId: (actor as Actor).orgId });

describe(`inspections on ${backend}`, () => {
  it('the demo inspections carry the report\'s figures; each reader sees the inspections of their workspaces', async () => {
    const cq = await listInspectionsFor(db(), as['cq-coordinator'], {});
    expect(cq.inspections.map((i) => i.title).sort()).toEqual([DEMO_INSPECTIONS.safety, DEMO_INSPECTIONS.sanxia, DEMO_INSPECTIONS.wujiang].sort());
    const safety = cq.inspections.find((i) => i.title === DEMO_INSPECTIONS.safety)!;
    expect([safety.findingCount, safety.itemCount]).toEqual([443, 88]);
    expect(safety.verifiedCount).toBeGreaterThan(0);
    const wujiang = cq.inspections.find((i) => i.title === DEMO_INSPECTIONS.wujiang)!;
    expect(wujiang.leads.map((l) => l.name)).toEqual(['重庆市政协', '贵州省政协']);
    expect((await listInspectionsFor(db(), as['sc-member'], {})).inspections.map((i) => i.title)).toEqual([DEMO_INSPECTIONS.sanxia]);
    expect((await listInspectionsFor(db(), as['gz-member'], {})).inspections.map((i) => i.title)).toEqual([DEMO_INSPECTIONS.wujiang]);
  });

  it('a Sichuan user never sees a Chongqing-private finding, through the service or through SQL', async () => {
    const sanxia = ids[DEMO_INSPECTIONS.sanxia];
    const page = await getInspection(db(), as['sc-member'], sanxia);
    const seen = page.findings.map((f) => f.description);
    expect(seen).toContain(DEMO_FINDINGS.sanxiaJoint);
    expect(seen).toContain(DEMO_FINDINGS.sanxiaSc);
    expect(seen).not.toContain(DEMO_FINDINGS.sanxiaCq);
    const cqSeen = (await getInspection(db(), as['cq-member'], sanxia)).findings.map((f) => f.description);
    expect(cqSeen).toContain(DEMO_FINDINGS.sanxiaCq);
    expect(cqSeen).not.toContain(DEMO_FINDINGS.sanxiaSc);

    // Raw SQL as the app role: even asking by id, the row is not there.
    const cqFinding = await asOwner(db(), (trx) => trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.sanxiaCq).executeTakeFirstOrThrow());
    const rows = await withActor(db(), rls(as['sc-member']), (trx) =>
      sql<{ id: string }>`select id from inspection_findings where id = ${cqFinding.id}`.execute(trx));
    expect(rows.rows).toEqual([]);
    const all = await withActor(db(), rls(as['sc-coordinator']), (trx) => trx.selectFrom('inspection_findings').select(['owner_region', 'visibility']).execute());
    expect(all.filter((r) => r.owner_region === 'chongqing' && r.visibility !== 'joint')).toEqual([]);
    // Nor can they change it.
    const updated = await withActor(db(), rls(as['sc-coordinator']), (trx) =>
      trx.updateTable('inspection_findings').set({ visibility: 'joint' }).where('id', '=', cqFinding.id).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });

  it('sharing a finding is an audited crossing; then the other side reads it', async () => {
    const sanxia = ids[DEMO_INSPECTIONS.sanxia];
    const page = await getInspection(db(), as['cq-coordinator'], sanxia);
    const finding = page.findings.find((f) => f.description === DEMO_FINDINGS.sanxiaCq)!;
    // A Sichuan coordinator cannot share it (they cannot even see it): 404.
    const err = await refusal(shareFinding(db(), as['sc-coordinator'], sanxia, finding.id, 'joint'));
    expect(err).toBeInstanceOf(NotFoundError);
    await shareFinding(db(), as['cq-coordinator'], sanxia, finding.id, 'joint');
    expect((await getInspection(db(), as['sc-member'], sanxia)).findings.map((f) => f.description)).toContain(DEMO_FINDINGS.sanxiaCq);
    const entry = await asOwner(db(), (trx) => trx.selectFrom('audit_log').select(['action', 'region', 'detail'])
      .where('target_id', '=', finding.id).executeTakeFirstOrThrow());
    expect(entry).toMatchObject({ action: 'boundary.share', region: 'chongqing' });
  });

  it('the roster: each coordinator adds their own region\'s people, never the other side\'s (service and SQL)', async () => {
    const sanxia = ids[DEMO_INSPECTIONS.sanxia];
    const cqStaff = await actorOf(db(), 'cq-staff');
    const scStaff = await actorOf(db(), 'sc-staff');
    // Sichuan's coordinator may not put Chongqing's staff on the roster.
    const err = await refusal(addToRoster(db(), as['sc-coordinator'], sanxia, cqStaff.id));
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).reason).toBe('policy.ownRegionPeopleOnly');
    // Nor take Chongqing's member off it.
    expect(await refusal(removeFromRoster(db(), as['sc-coordinator'], sanxia, as['cq-member'].id))).toBeInstanceOf(PolicyError);
    // A member (not a coordinator) may not add anyone.
    expect(await refusal(addToRoster(db(), as['sc-member'], sanxia, scStaff.id))).toBeInstanceOf(PolicyError);
    await addToRoster(db(), as['sc-coordinator'], sanxia, scStaff.id);
    await addToRoster(db(), as['cq-coordinator'], sanxia, cqStaff.id);
    const roster = (await getInspection(db(), as['sc-member'], sanxia)).roster.map((m) => m.displayName);
    expect(roster).toEqual(expect.arrayContaining(['郑伟', '赵丽']));
    // Row-level security refuses the same insert as the app role, whatever the code forgets.
    const cqLeader = await actorOf(db(), 'cq-leader');
    const e = await sqlError(withActor(db(), rls(as['sc-coordinator']), (trx) =>
      trx.insertInto('inspection_members').values({ inspection_id: sanxia, user_id: cqLeader.id, region: 'chongqing', added_by: as['sc-coordinator'].id }).execute()));
    expect(e.code).toBe('42501');
  });

  it('tasks: the assignee must be on the roster; the board\'s card moves by compare-and-set', async () => {
    const wujiang = ids[DEMO_INSPECTIONS.wujiang];
    const outsider = await actorOf(db(), 'cq-member2');
    const bad = await refusal(createTask(db(), as['cq-coordinator'], wujiang, taskSchema.parse({ title: '整理照片', assigneeId: outsider.id })));
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).messageKey).toBe('inspection.assigneeNotOnRoster');
    const taskId = await createTask(db(), as['cq-coordinator'], wujiang, taskSchema.parse({ title: '整理现场照片', assigneeId: as['gz-member'].id, dueOn: '2027-01-10', checklist: '分类\n标注地点' }));
    const card = (await getInspection(db(), as['gz-member'], wujiang)).tasks.find((x) => x.id === taskId)!;
    expect(card).toMatchObject({ status: 'todo', version: 1, assigneeName: '罗刚', mayMove: true });
    expect(card.checklist).toEqual([{ text: '分类', done: false }, { text: '标注地点', done: false }]);
    // The assignee (Guizhou) was told.
    const told = await asOwner(db(), (trx) => trx.selectFrom('notifications').select(['kind', 'record_kind']).where('user_id', '=', as['gz-member'].id).where('record_id', '=', wujiang).execute());
    expect(told).toEqual([{ kind: 'assignment', record_kind: 'inspection' }]);

    // Two people move the same card at the same moment from version 1: exactly one wins.
    const results = await Promise.allSettled([
      moveTask(db(), as['cq-coordinator'], wujiang, { taskId, status: 'doing', version: 1 }),
      moveTask(db(), as['gz-member'], wujiang, { taskId, status: 'blocked', version: 1 }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    expect((lost[0].reason as ConflictError).status).toBe(409);
    const after = (await getInspection(db(), as['cq-member'], wujiang)).tasks.find((x) => x.id === taskId)!;
    const winner = results[0].status === 'fulfilled' ? 'doing' : 'blocked';
    expect(after).toMatchObject({ status: winner, version: 2 });
    // A stale move (the loser retrying with what it saw) is refused too; with the new version it applies.
    expect(await refusal(moveTask(db(), as['gz-member'], wujiang, { taskId, status: 'done', version: 1 }))).toBeInstanceOf(ConflictError);
    await moveTask(db(), as['gz-member'], wujiang, { taskId, status: 'done', version: 2 });
    // Someone neither planning nor assigned cannot move it.
    const other = (await getInspection(db(), as['cq-member'], wujiang)).tasks.find((x) => x.assigneeName === '罗刚' && x.id !== taskId)!;
    expect(await refusal(moveTask(db(), as['cq-member'], wujiang, { taskId: other.id, status: 'done', version: other.version }))).toBeInstanceOf(PolicyError);
  });

  it('a finding sent twice with the same key (offline, then retried) is recorded once; bad input is refused', async () => {
    const wujiang = ids[DEMO_INSPECTIONS.wujiang];
    const input = findingSchema.parse({ description: '江口段航道碍航礁石', place: '江口', category: 'safety', severity: 'major', latitude: '29.1', longitude: '107.9', clientKey: 'offline-key-0001' });
    const [a, b] = await Promise.allSettled([
      createFinding(db(), as['gz-member'], wujiang, input),
      createFinding(db(), as['gz-member'], wujiang, input),
    ]);
    const first = a.status === 'fulfilled' ? a.value : null;
    const second = b.status === 'fulfilled' ? b.value : null;
    // Either both return the same finding, or the racing second hit the unique key and a retry returns it.
    const retry = await createFinding(db(), as['gz-member'], wujiang, input);
    const created = [first, second].filter((x) => x?.created);
    expect(created).toHaveLength(1);
    expect(retry).toEqual({ findingId: created[0]!.findingId, created: false });
    const n = await asOwner(db(), (trx) => trx.selectFrom('inspection_findings').select((eb) => eb.fn.countAll<number>().as('n')).where('description', '=', '江口段航道碍航礁石').executeTakeFirstOrThrow());
    expect(Number(n.n)).toBe(1);
    // Guizhou's private finding is not Chongqing's to read.
    expect((await getInspection(db(), as['cq-member'], wujiang)).findings.map((f) => f.description)).not.toContain('江口段航道碍航礁石');
    expect(findingSchema.safeParse({ description: '', category: 'safety', severity: 'major' }).success).toBe(false);
    expect(findingSchema.safeParse({ description: 'x', category: 'safety', severity: 'major', latitude: '95', longitude: '100' }).success).toBe(false);
    // Someone not on the roster and not planning may not record one.
    const cqMember2 = await actorOf(db(), 'cq-member2');
    const safety = ids[DEMO_INSPECTIONS.safety];
    await asOwner(db(), (trx) => trx.deleteFrom('inspection_members').where('inspection_id', '=', safety).where('user_id', '=', cqMember2.id).execute());
    expect(await refusal(createFinding(db(), cqMember2, safety, findingSchema.parse({ description: '新发现', category: 'safety', severity: 'general' })))).toBeInstanceOf(PolicyError);
  });

  it('rectification: the unit sees only its items, reports progress, and never verifies its own item', async () => {
    const wujiang = ids[DEMO_INSPECTIONS.wujiang];
    const unit = as[DEMO_UNIT_USER];
    // The unit sees its own items only (of both inspections), and none of the findings, tasks or roster.
    const page = await getInspection(db(), unit, wujiang);
    expect(page.items.map((i) => i.responsibleOrgName)).toEqual(['市交通运输委', '市交通运输委']);
    expect([page.findings, page.tasks, page.roster]).toEqual([[], [], []]);
    const rows = await withActor(db(), rls(unit), (trx) => trx.selectFrom('rectification_items').select('responsible_org_id').execute());
    expect(rows.length).toBeGreaterThan(2);
    expect(new Set(rows.map((r) => r.responsible_org_id))).toEqual(new Set([unit.orgId]));
    expect(await withActor(db(), rls(unit), (trx) => trx.selectFrom('inspection_findings').select('id').execute())).toEqual([]);
    expect(await withActor(db(), rls(unit), (trx) => trx.selectFrom('inspection_tasks').select('id').execute())).toEqual([]);
    // Another handling unit sees nothing of the inspection at all.
    expect(await refusal(getInspection(db(), as['unit-ndrc'], wujiang))).toBeInstanceOf(NotFoundError);
    expect((await getMyWork(db(), as['unit-ndrc'])).items).toEqual([]);

    const pending = page.items.find((i) => i.status === 'pending')!;
    expect(pending.may).toEqual({ report: ['in_progress'], verify: [] });
    await reportItem(db(), unit, wujiang, pending.id, { status: 'in_progress', progress: '' });
    const noEvidence = await refusal(reportItem(db(), unit, wujiang, pending.id, { status: 'rectified', progress: '' }));
    expect((noEvidence as InputError).messageKey).toBe('inspection.evidenceRequired');
    await reportItem(db(), unit, wujiang, pending.id, { status: 'rectified', progress: '已建立船闸调度信息共享平台。' });
    // The unit may not verify its own item.
    const own = await refusal(verifyItem(db(), unit, wujiang, pending.id, { decision: 'verified', reason: '' }));
    expect((own as PolicyError).reason).toBe('policy.unitCannotVerifyOwn');
    // A Chongqing coordinator returns it with a reason, the unit reports again, then it is verified.
    await verifyItem(db(), as['cq-coordinator'], wujiang, pending.id, { decision: 'returned', reason: '缺少验收记录' });
    await reportItem(db(), unit, wujiang, pending.id, { status: 'in_progress', progress: '' });
    await reportItem(db(), unit, wujiang, pending.id, { status: 'rectified', progress: '补充验收记录。' });
    await verifyItem(db(), as['cq-coordinator'], wujiang, pending.id, { decision: 'verified', reason: '' });
    const done = (await getInspection(db(), as['cq-coordinator'], wujiang)).items.find((i) => i.id === pending.id)!;
    expect(done).toMatchObject({ status: 'verified', progress: '补充验收记录。' });
    expect(done.verifiedAt).not.toBeNull();
    // A committee member cannot verify; a unit cannot mark verified through SQL either without the policy... but RLS lets it update its own row only.
    const foreign = await withActor(db(), rls(unit), (trx) => trx.updateTable('rectification_items').set({ status: 'verified' })
      .where('responsible_org_id', '<>', unit.orgId).executeTakeFirst());
    expect(Number(foreign.numUpdatedRows)).toBe(0);
  });

  it('items: made by a coordinator from findings they may read, for a unit of the inspection\'s regions', async () => {
    const wujiang = ids[DEMO_INSPECTIONS.wujiang];
    const page = await getInspection(db(), as['cq-coordinator'], wujiang);
    const shared = page.findings.find((f) => f.description === DEMO_FINDINGS.wujiangShared)!;
    const sichuanUnit = await asOwner(db(), (trx) => trx.selectFrom('orgs').select('id').where('name', '=', '四川省交通运输厅').executeTakeFirstOrThrow());
    const wrongUnit = await refusal(createItem(db(), as['cq-coordinator'], wujiang, { responsibleOrgId: sichuanUnit.id, measure: 'x', deadline: '2027-03-01', findingIds: [shared.id] }));
    expect((wrongUnit as InputError).messageKey).toBe('inspection.unknownUnit');
    // Guizhou's private finding is unknown to Chongqing's coordinator.
    const gzFinding = await asOwner(db(), (trx) => trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.wujiangGz).executeTakeFirstOrThrow());
    const unit = as[DEMO_UNIT_USER];
    const hidden = await refusal(createItem(db(), as['cq-coordinator'], wujiang, { responsibleOrgId: unit.orgId, measure: 'x', deadline: '2027-03-01', findingIds: [gzFinding.id] }));
    expect((hidden as InputError).messageKey).toBe('inspection.unknownFinding');
    const itemId = await createItem(db(), as['cq-coordinator'], wujiang, { responsibleOrgId: unit.orgId, measure: '完善武隆港航标维护制度', deadline: '2027-03-01', findingIds: [shared.id] });
    expect((await getMyWork(db(), unit)).items.map((i) => i.id)).toContain(itemId);
    // The unit's liaison was told.
    const told = await asOwner(db(), (trx) => trx.selectFrom('notifications').select('kind').where('user_id', '=', unit.id).where('record_id', '=', wujiang).execute());
    expect(told.map((x) => x.kind)).toContain('assignment');
  });

  describe('photos', () => {
    const jpegWithGps = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#246' } }).jpeg()
      .withExif({ IFD0: { Make: 'PhoneCam', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '29/1 19/1 32/1', GPSLongitudeRef: 'E', GPSLongitude: '107/1 45/1 36/1' } })
      .toBuffer();
    const photoCount = () => asOwner(db(), (trx) => trx.selectFrom('inspection_finding_photos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).then((r) => Number(r.n));
    async function sanxiaFinding(description: string) {
      return (await asOwner(db(), (trx) => trx.selectFrom('inspection_findings').select('id').where('description', '=', description).executeTakeFirstOrThrow())).id;
    }

    it('are stored re-encoded with no EXIF (no GPS, no camera), with a thumbnail', async () => {
      const sanxia = ids[DEMO_INSPECTIONS.sanxia];
      const original = await jpegWithGps();
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const findingId = await sanxiaFinding(DEMO_FINDINGS.sanxiaSc);
      const photoId = await addFindingPhoto(db(), as['sc-member'], sanxia, findingId, { bytes: original, name: 'IMG_0001.JPG', type: 'image/jpeg' });
      const full = await getFindingPhoto(db(), as['sc-member'], sanxia, photoId, false);
      const thumb = await getFindingPhoto(db(), as['sc-member'], sanxia, photoId, true);
      const meta = await sharp(full.bytes).metadata();
      expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 800, 600, undefined]);
      expect(Buffer.from(full.bytes).includes(Buffer.from('PhoneCam'))).toBe(false);
      const small = await sharp(thumb.bytes).metadata();
      expect(small.width).toBe(320);
      expect(small.exif).toBeUndefined();
    });

    it('of a region-private finding cannot be fetched by the other region, through the service or SQL', async () => {
      const sanxia = ids[DEMO_INSPECTIONS.sanxia];
      const findingId = await sanxiaFinding(DEMO_FINDINGS.sanxiaSc);
      const photo = await asOwner(db(), (trx) => trx.selectFrom('inspection_finding_photos').select('id').where('finding_id', '=', findingId).executeTakeFirstOrThrow());
      expect(await refusal(getFindingPhoto(db(), as['cq-member'], sanxia, photo.id, false))).toBeInstanceOf(NotFoundError);
      const rows = await withActor(db(), rls(as['cq-coordinator']), (trx) => sql<{ id: string }>`select id from inspection_finding_photos where id = ${photo.id}`.execute(trx));
      expect(rows.rows).toEqual([]);
      // Nor add one to it.
      expect(await refusal(addFindingPhoto(db(), as['cq-coordinator'], sanxia, findingId, { bytes: await jpegWithGps(), name: 'a.jpg', type: 'image/jpeg' }))).toBeInstanceOf(NotFoundError);
      const e = await sqlError(withActor(db(), rls(as['cq-coordinator']), (trx) => trx.insertInto('inspection_finding_photos').values({
        finding_id: findingId, content_type: 'image/jpeg', bytes: Buffer.from([1]), thumb: Buffer.from([1]), width: 1, height: 1,
      }).execute()));
      expect(e.code).toBe('42501');
    });

    it('that are not images, lie about their type, are too big or broken are refused with a clear message and leave nothing', async () => {
      const sanxia = ids[DEMO_INSPECTIONS.sanxia];
      const findingId = await sanxiaFinding(DEMO_FINDINGS.sanxiaSc);
      const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#f00' } }).png().toBuffer();
      const before = await photoCount();
      const cases: Array<[string, { bytes: Uint8Array; name: string; type: string }]> = [
        ['inspection.photo.notImage', { bytes: Buffer.from('%PDF-1.7 not a photo'), name: 'report.jpg', type: 'image/jpeg' }],
        ['inspection.photo.notImage', { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'x.svg', type: 'image/svg+xml' }],
        ['inspection.photo.typeMismatch', { bytes: png, name: 'photo.jpg', type: 'image/jpeg' }],
        ['inspection.photo.typeMismatch', { bytes: png, name: 'photo.png', type: 'image/webp' }],
        ['inspection.photo.tooBig', { bytes: Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]), name: 'big.png', type: 'image/png' }],
        ['inspection.photo.unreadable', { bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)]), name: 'broken.jpg', type: 'image/jpeg' }],
        ['inspection.photo.missing', { bytes: new Uint8Array(), name: 'empty.jpg', type: 'image/jpeg' }],
      ];
      for (const [key, file] of cases) {
        const err = await refusal(addFindingPhoto(db(), as['sc-member'], sanxia, findingId, file));
        expect(err, file.name).toBeInstanceOf(InputError);
        expect((err as InputError).messageKey, file.name).toBe(key);
      }
      expect(await photoCount()).toBe(before);
      expect(sniffImage(png)).toBe('image/png');
      expect(sniffImage(await sharp(png).webp().toBuffer())).toBe('image/webp');
    });
  });

  it('the rectification list exports as .xlsx with exactly what the reader sees, and the report\'s counts', async () => {
    const safety = ids[DEMO_INSPECTIONS.safety];
    const { bytes, fileName } = await rectificationXlsx(db(), as['cq-coordinator'], safety, 'zh-CN');
    expect(fileName).toBe(`${DEMO_INSPECTIONS.safety}-整改清单.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as never);
    const sheet = book.worksheets[0];
    expect(sheet.name).toBe('整改清单');
    expect(sheet.getRow(1).values).toEqual([undefined, '#', '对应问题', '整改措施', '责任单位', '整改期限', '状态', '已逾期', '整改进展', '退回原因']);
    const rows = sheet.getSheetValues().filter((r): r is ExcelJS.CellValue[] => Array.isArray(r) && typeof r[1] === 'number');
    expect(rows).toHaveLength(88);
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(['待整改', '整改中', '已整改', '已核验', '退回']));
    expect(JSON.stringify(sheet.getSheetValues())).toContain('发现问题 443 个 · 整改清单 88 项');
    // The unit's export holds its own items only; a Sichuan member has no access to this Chongqing-only inspection.
    const unitBook = new ExcelJS.Workbook();
    await unitBook.xlsx.load((await rectificationXlsx(db(), as[DEMO_UNIT_USER], safety, 'zh-CN')).bytes as never);
    const unitRows = unitBook.worksheets[0].getSheetValues().filter((r): r is ExcelJS.CellValue[] => Array.isArray(r) && typeof r[1] === 'number');
    expect(unitRows.length).toBeGreaterThan(0);
    expect(new Set(unitRows.map((r) => r[4]))).toEqual(new Set(['市交通运输委']));
    expect(await refusal(rectificationXlsx(db(), as['sc-member'], safety, 'zh-CN'))).toBeInstanceOf(NotFoundError);
  });

  it('"start the report" makes a joint draft from the template with only what both sides may read', async () => {
    const wujiang = ids[DEMO_INSPECTIONS.wujiang];
    // A member may not start it; a coordinator of a region taking part may.
    expect(await refusal(startReport(db(), as['cq-member'], wujiang))).toBeInstanceOf(PolicyError);
    const draftId = await startReport(db(), as['cq-coordinator'], wujiang);
    const draft = await asOwner(db(), (trx) => trx.selectFrom('drafts').select(['title', 'visibility', 'kind', 'plain_text', 'workspace_id']).where('id', '=', draftId).executeTakeFirstOrThrow());
    expect(draft).toMatchObject({ title: `${DEMO_INSPECTIONS.wujiang}报告（初稿）`, visibility: 'joint', kind: 'inspection' });
    expect(draft.plain_text).toContain('一、基本情况');
    expect(draft.plain_text).toContain('武隆港');
    expect(draft.plain_text).toContain(DEMO_FINDINGS.wujiangShared);
    expect(draft.plain_text).toContain('增设武隆港段航标并开展枯水期疏浚');
    // Each side's private findings stay out of the joint report.
    expect(draft.plain_text).not.toContain(DEMO_FINDINGS.wujiangCq);
    expect(draft.plain_text).not.toContain(DEMO_FINDINGS.wujiangGz);
    // Guizhou's member reads (co-drafts) it.
    expect((await getDraft(db(), as['gz-member'], draftId)).draft.title).toBe(draft.title);
  });

  it('overdue items are told to their unit once, however often the sweep runs', async () => {
    const unit = as[DEMO_UNIT_USER];
    const overdueOf = () => asOwner(db(), (trx) => trx.selectFrom('notifications').select(['kind', 'record_kind', 'text'])
      .where('user_id', '=', unit.id).where('kind', '=', 'overdue').execute());
    expect(await overdueOf()).toEqual([]);
    // At most `limit` a sweep: the rest go out in the next ones.
    expect(await sendOverdueNotices(db(), {}, new Date(), 3)).toBe(3);
    const [first, second] = await Promise.all([sendOverdueNotices(db(), {}), sendOverdueNotices(db(), {})]);
    // The city safety inspection's overdue items (deadline passed, not yet rectified), each claimed once.
    expect(3 + first + second).toBe(8);
    expect(await sendOverdueNotices(db(), {})).toBe(0);
    const told = await overdueOf();
    // Two of them are the transport commission's; the other units have no login in the demo.
    expect(told).toHaveLength(2);
    for (const n of told) expect(n).toMatchObject({ kind: 'overdue', record_kind: 'inspection', text: expect.stringContaining(DEMO_INSPECTIONS.safety) });
    // Nobody else hears of them: not the other handling unit, not a Sichuan member.
    const others = await asOwner(db(), (trx) => trx.selectFrom('notifications').select('user_id').where('kind', '=', 'overdue').execute());
    expect(new Set(others.map((o) => o.user_id))).toEqual(new Set([unit.id]));
  });
});
