/**
 * Row-level security on its own: raw queries through the app role, inside withActor, with no policy
 * check in code. Whatever the services forget, PostgreSQL must not hand over the other region's
 * private rows. Runs on PostgreSQL (TEST_DATABASE_URL) and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withActor, type DbActor } from '../../db';
import { backend } from '../support/server';
import { asOwner, openSeededDatabase, sqlError, type TestDatabase } from '../support/db';

const CQ_REGION_NOTICE = '重庆方联名提案征集安排（重庆内部）';
const CQ_ORG_NOTICE = '重庆市政协机关材料报送安排（机关内部）';
const CQ_OWN_NOTICE = '2025年度重点提案遴选工作安排';
const SC_REGION_NOTICE = '四川方联名提案签署安排（四川内部）';
const JOINT_NOTICE = '关于联合开展成渝氢走廊提案调研的通知';
const CQ_ONLY_WORKSPACES = ['重庆市政协提案委员会工作区', '乌江航道通航能力联合视察'];

let t: TestDatabase;
let sc: DbActor;
let cq: DbActor;
let cq2: DbActor;
let cqOwnWs: string;
let chuanyuWs: string;

beforeAll(async () => {
  t = await openSeededDatabase();
  [sc, cq, cq2] = await Promise.all(['sc-member', 'cq-member', 'cq-member2'].map((u) => t.actor(u)));
  const ws = await asOwner(t.db, (trx) => trx.selectFrom('workspaces').select(['id', 'name']).execute());
  cqOwnWs = ws.find((w) => w.name === '重庆市政协提案委员会工作区')!.id;
  chuanyuWs = ws.find((w) => w.name === '川渝两省市政协合作平台')!.id;
  // One audit entry per region, as a login would leave.
  await withActor(t.db, null, (trx) => trx.insertInto('audit_log').values([
    { region: 'chongqing', action: 'login', actor_id: cq.id, actor_name: '李明' },
    { region: 'sichuan', action: 'login', actor_id: sc.id, actor_name: '刘洋' },
  ]).execute());
}, 120_000);
afterAll(() => t?.drop());

const titles = (actor: DbActor | null) =>
  withActor(t.db, actor, (trx) => trx.selectFrom('notices').select(['title', 'owner_region', 'visibility']).execute());

describe(`row-level security through the app role (${backend})`, () => {
  it('connects as a member of cppcc_app that owns no table and cannot bypass RLS', async () => {
    const { rows } = await sql<{ member: boolean; bypass: boolean; superuser: boolean; owned: number }>`
      select pg_has_role(current_user, 'cppcc_app', 'MEMBER') as member,
             (select rolbypassrls from pg_roles where rolname = current_user) as bypass,
             (select rolsuper from pg_roles where rolname = current_user) as superuser,
             (select count(*)::int from pg_tables where tableowner = current_user) as owned`.execute(t.db);
    expect(rows[0]).toEqual({ member: true, bypass: false, superuser: false, owned: 0 });
  });

  it.runIf(backend === 'postgres')('the app login cannot step up to the owner', async () => {
    const err = await sqlError(t.db.transaction().execute(async (trx) => {
      await sql`RESET ROLE`.execute(trx);
      await sql`SET LOCAL ROLE postgres`.execute(trx);
    }));
    expect(err.code).toBe('42501');
  });

  it('a Sichuan member reads no Chongqing region- or org-private notice', async () => {
    const rows = await titles(sc);
    const seen = rows.map((r) => r.title);
    expect(rows.filter((r) => r.owner_region === 'chongqing' && r.visibility !== 'joint')).toEqual([]);
    expect(seen).not.toContain(CQ_REGION_NOTICE);
    expect(seen).not.toContain(CQ_ORG_NOTICE);
    expect(seen).not.toContain(CQ_OWN_NOTICE);
    expect(seen).toContain(SC_REGION_NOTICE);
    expect(seen).toContain(JOINT_NOTICE);
  });

  it('the Chongqing member does read them, and not Sichuan\'s', async () => {
    const seen = (await titles(cq)).map((r) => r.title);
    expect(seen).toEqual(expect.arrayContaining([CQ_REGION_NOTICE, CQ_ORG_NOTICE, CQ_OWN_NOTICE, JOINT_NOTICE]));
    expect(seen).not.toContain(SC_REGION_NOTICE);
  });

  it('filtering by id does not help: the other region\'s notice is simply absent', async () => {
    const target = await asOwner(t.db, (trx) =>
      trx.selectFrom('notices').select('id').where('title', '=', CQ_REGION_NOTICE).executeTakeFirstOrThrow());
    const rows = await withActor(t.db, sc, (trx) => trx.selectFrom('notices').selectAll().where('id', '=', target.id).execute());
    expect(rows).toEqual([]);
  });

  it('org visibility: another Chongqing committee in the same workspace does not read it', async () => {
    const cqCoordinator = await t.actor('cq-coordinator');
    await withActor(t.db, cqCoordinator, (trx) => trx.insertInto('notices').values({
      workspace_id: cqOwnWs, owner_org_id: cqCoordinator.orgId, owner_region: 'chongqing', visibility: 'org',
      title: '重庆市政协机关内部通知（测试）', body: '', author_id: cqCoordinator.id,
    }).execute());
    expect((await titles(cq)).map((r) => r.title)).toContain('重庆市政协机关内部通知（测试）');
    expect((await titles(cq2)).map((r) => r.title)).not.toContain('重庆市政协机关内部通知（测试）'); // 璧山区政协
  });

  it('personal contact fields never cross regions', async () => {
    const scSees = await withActor(t.db, sc, (trx) => trx.selectFrom('user_contacts').select(['region', 'phone']).execute());
    expect(scSees.length).toBeGreaterThan(0);
    expect(scSees.filter((c) => c.region !== 'sichuan')).toEqual([]);
    const cqSees = await withActor(t.db, cq, (trx) => trx.selectFrom('user_contacts').select(['region', 'phone']).execute());
    expect(cqSees.length).toBeGreaterThan(0);
    expect(cqSees.filter((c) => c.region !== 'chongqing')).toEqual([]);
  });

  it('a Sichuan member sees no Chongqing-only workspace nor its members', async () => {
    const names = (await withActor(t.db, sc, (trx) => trx.selectFrom('workspaces').select('name').execute())).map((w) => w.name);
    expect(names).toContain('川渝两省市政协合作平台');
    for (const n of CQ_ONLY_WORKSPACES) expect(names).not.toContain(n);
    const members = await withActor(t.db, sc, (trx) =>
      trx.selectFrom('workspace_members').select(['workspace_id', 'region']).where('workspace_id', '=', cqOwnWs).execute());
    expect(members).toEqual([]);
    const cqNames = (await withActor(t.db, cq, (trx) => trx.selectFrom('workspaces').select('name').execute())).map((w) => w.name);
    expect(cqNames).toEqual(expect.arrayContaining(CQ_ONLY_WORKSPACES));
  });

  it('the audit log shows each region its own entries only', async () => {
    const scSees = await withActor(t.db, sc, (trx) => trx.selectFrom('audit_log').select('region').execute());
    expect(scSees.length).toBeGreaterThan(0);
    expect(scSees.filter((e) => e.region !== 'sichuan')).toEqual([]);
    const cqSees = await withActor(t.db, cq, (trx) => trx.selectFrom('audit_log').select('region').execute());
    expect(cqSees.some((e) => e.region === 'chongqing')).toBe(true);
    expect(cqSees.filter((e) => e.region !== 'chongqing')).toEqual([]);
  });

  it('the audit log is append-only for the app role: no UPDATE, no DELETE', async () => {
    const admin = await t.actor('cq-admin');
    const update = await sqlError(withActor(t.db, admin, (trx) =>
      trx.updateTable('audit_log').set({ action: 'tampered' }).where('region', '=', 'chongqing').execute()));
    expect(update.code).toBe('42501'); // insufficient_privilege
    const del = await sqlError(withActor(t.db, admin, (trx) => trx.deleteFrom('audit_log').execute()));
    expect(del.code).toBe('42501');
    const truncate = await sqlError(withActor(t.db, admin, (trx) => sql`truncate audit_log`.execute(trx)));
    expect(truncate.code).toBe('42501');
    const left = await asOwner(t.db, (trx) => trx.selectFrom('audit_log').select('action').execute());
    expect(left.map((e) => e.action)).not.toContain('tampered');
    expect(left.length).toBeGreaterThanOrEqual(2);
  });

  it('cannot insert a notice owned by the other region, nor into a workspace one is not in', async () => {
    const cqOrg = cq.orgId;
    const forged = await sqlError(withActor(t.db, sc, (trx) => trx.insertInto('notices').values({
      workspace_id: chuanyuWs, owner_org_id: cqOrg, owner_region: 'chongqing', visibility: 'region',
      title: '伪造的重庆通知', body: '', author_id: sc.id,
    }).execute()));
    expect(forged.code).toBe('42501'); // new row violates row-level security policy
    const outside = await sqlError(withActor(t.db, sc, (trx) => trx.insertInto('notices').values({
      workspace_id: cqOwnWs, owner_org_id: sc.orgId, owner_region: 'sichuan', visibility: 'region',
      title: '闯入重庆工作区', body: '', author_id: sc.id,
    }).execute()));
    expect(outside.code).toBe('42501');
  });

  it('cannot change the other region\'s notice nor widen it to joint', async () => {
    const res = await withActor(t.db, sc, (trx) =>
      trx.updateTable('notices').set({ visibility: 'joint' }).where('title', '=', CQ_REGION_NOTICE).executeTakeFirst());
    expect(Number(res.numUpdatedRows)).toBe(0);
    const del = await withActor(t.db, sc, (trx) => trx.deleteFrom('notices').where('title', '=', CQ_REGION_NOTICE).executeTakeFirst());
    expect(Number(del.numDeletedRows)).toBe(0);
    expect((await titles(sc)).map((r) => r.title)).not.toContain(CQ_REGION_NOTICE);
  });

  it('cannot write the other region\'s personal fields or users', async () => {
    const res = await withActor(t.db, sc, (trx) =>
      trx.updateTable('user_contacts').set({ phone: '000' }).where('user_id', '=', cq.id).executeTakeFirst());
    expect(Number(res.numUpdatedRows)).toBe(0);
    const user = await withActor(t.db, sc, (trx) =>
      trx.updateTable('users').set({ status: 'disabled' }).where('id', '=', cq.id).executeTakeFirst());
    expect(Number(user.numUpdatedRows)).toBe(0);
  });

  it('with no actor set, nothing private is readable', async () => {
    await withActor(t.db, null, async (trx) => {
      expect(await trx.selectFrom('notices').select('id').execute()).toEqual([]);
      expect(await trx.selectFrom('user_contacts').select('user_id').execute()).toEqual([]);
      expect(await trx.selectFrom('workspaces').select('id').execute()).toEqual([]);
      expect(await trx.selectFrom('workspace_members').select('user_id').execute()).toEqual([]);
      expect(await trx.selectFrom('audit_log').select('id').execute()).toEqual([]);
    });
    // Outside withActor too (no set_config at all in this transaction).
    expect(await t.db.selectFrom('notices').select('id').execute()).toEqual([]);
    expect(await t.db.selectFrom('user_contacts').select('user_id').execute()).toEqual([]);
  });

  it('the actor does not leak into the next transaction on the same connection', async () => {
    expect((await titles(cq)).length).toBeGreaterThan(0);
    expect(await titles(null)).toEqual([]);
  });
});
