import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOwner, type TestDatabase } from '../../tests/support/db';
import { backend } from '../../tests/support/server';
import { openDemo } from '../../tests/factories/demo';
import { createSession, getSessionUser } from '../auth/sessions';
import { PolicyError, type Actor } from '../../shared/policy';
import { InputError } from './errors';
import { createUser, getManagedUser, getProfile, listUsers, maskIdNumber, resetPassword, setStatus, updateUser } from './users';
import { createOrg, listOrgs, renameOrg } from './orgs';
import { listAudit } from './audit-log';
import { refusal } from '../../tests/support/refusal';

/** The region boundary of user, org and audit administration, against the demo data (PGlite, or PostgreSQL with TEST_DATABASE_URL). */

let t: TestDatabase;
let as: Record<string, Actor>;
const ids: Record<string, string> = {};

/** A session of a demo user, to see it revoked. */
async function signIn(username: string) {
  const token = await createSession(t.db, ids[username], { ip: '127.0.0.1', userAgent: 'vitest' });
  return { id: ids[username], token };
}

beforeAll(async () => {
  ({ t, as } = await openDemo(['sc-admin', 'cq-admin', 'sc-member', 'sc-member2', 'sc-staff', 'cq-member', 'cq-leader', 'sc-leader']));
  for (const [u, a] of Object.entries(as)) ids[u] = a.id;
  for (const o of await asOwner(t.db, (trx) => trx.selectFrom('orgs').select(['id', 'name']).execute())) ids[o.name] = o.id;
}, 120_000);
afterAll(() => t?.drop());

describe(`users (${backend})`, () => {
  it('lists only the admin’s own region and refuses non-admins', async () => {
    const { users } = await listUsers(t.db, as['sc-admin'], {});
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.region === 'sichuan')).toBe(true);
    expect(((await refusal(listUsers(t.db, as['sc-staff'], {}))) as PolicyError).status).toBe(403);
  });

  it('answers 404 for another region’s user on every management call', async () => {
    const cq = ids['cq-member'];
    // Started one at a time: a refusal that settles while another is awaited would go unhandled.
    for (const work of [
      () => getManagedUser(t.db, as['sc-admin'], cq),
      () => updateUser(t.db, as['sc-admin'], cq, { displayName: 'x', orgId: ids['四川省政协'], roles: ['member'], phone: null, email: null, address: null, idNumber: null }),
      () => setStatus(t.db, as['sc-admin'], cq, 'disabled'),
      () => resetPassword(t.db, as['sc-admin'], cq, '0123456789ab'),
    ]) {
      const err = await refusal(work());
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).status).toBe(404);
    }
  });

  it('creates a user in an org of its own region only, with a unique username, and audits it', async () => {
    const input = {
      username: 'sc-new', displayName: '新委员', orgId: ids['重庆市政协'], roles: ['member' as const], password: '0123456789ab',
      phone: '139 0000 0000', email: null, address: null, idNumber: '51010019900101123X',
    };
    expect(await refusal(createUser(t.db, as['sc-admin'], input))).toMatchObject({ field: 'orgId', messageKey: 'validation.orgOutsideRegion' });
    expect(await refusal(createUser(t.db, as['sc-admin'], { ...input, orgId: ids['成都市政协'], username: 'cq-member' })))
      .toMatchObject({ field: 'username', messageKey: 'validation.usernameTaken' });
    const id = await createUser(t.db, as['sc-admin'], { ...input, orgId: ids['成都市政协'] });
    const managed = await getManagedUser(t.db, as['sc-admin'], id);
    expect(managed.user.region).toBe('sichuan');
    expect(managed.contact.idNumber).toBe('51010019900101123X');
    const { entries } = await listAudit(t.db, as['sc-admin'], { action: 'user.create', page: 1 });
    expect(entries[0]).toMatchObject({ action: 'user.create', targetId: id, actorName: '杨帆' });
  });

  it('disabling ends the user’s sessions at once; an admin cannot disable themselves', async () => {
    const { token, id } = await signIn('sc-member2');
    expect(await getSessionUser(t.db, token)).not.toBeNull();
    await setStatus(t.db, as['sc-admin'], id, 'disabled');
    expect(await getSessionUser(t.db, token)).toBeNull();
    await setStatus(t.db, as['sc-admin'], id, 'active');
    expect(await getSessionUser(t.db, token)).toBeNull(); // revoked, not merely paused
    expect(await refusal(setStatus(t.db, as['sc-admin'], ids['sc-admin'], 'disabled')))
      .toMatchObject({ field: '_form', messageKey: 'validation.cannotDisableSelf' });
    const actions = (await listAudit(t.db, as['sc-admin'], { page: 1 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.disable', 'user.enable']));
  });

  it('a password reset ends the user’s sessions and is audited', async () => {
    const { token, id } = await signIn('sc-member2');
    await resetPassword(t.db, as['sc-admin'], id, 'a-new-password-1');
    expect(await getSessionUser(t.db, token)).toBeNull();
    expect((await listAudit(t.db, as['sc-admin'], { action: 'user.password', page: 1 })).entries[0].targetId).toBe(id);
  });

  it('audits role changes, and keeps an admin from dropping their own admin role', async () => {
    const id = ids['sc-member'];
    await updateUser(t.db, as['sc-admin'], id, {
      displayName: '刘洋', orgId: ids['四川省政协'], roles: ['member', 'staff'], phone: null, email: null, address: null, idNumber: null,
    });
    const [entry] = (await listAudit(t.db, as['sc-admin'], { action: 'user.roles', page: 1 })).entries;
    expect(entry.detail).toEqual({ from: ['member'], to: ['member', 'staff'] });
    expect(await refusal(updateUser(t.db, as['sc-admin'], ids['sc-admin'], {
      displayName: '杨帆', orgId: ids['四川省政协'], roles: ['staff'], phone: null, email: null, address: null, idNumber: null,
    }))).toBeInstanceOf(InputError);
  });

  it('shows personal fields only inside the region, to self and to admin/staff/coordinator/leader, masked', async () => {
    const target = ids['cq-member'];
    expect((await getProfile(t.db, as['sc-admin'], target)).personal).toBeNull();
    expect((await getProfile(t.db, as['sc-leader'], target)).personal).toBeNull();
    expect((await getProfile(t.db, as['cq-leader'], target)).personal?.phone).toBe('138 2300 1004');
    expect((await getProfile(t.db, as['cq-member'], target)).personal).not.toBeNull();
    expect((await getProfile(t.db, as['sc-member'], ids['sc-staff'])).personal).toBeNull();
    expect((await getProfile(t.db, as['sc-admin'], target)).canManage).toBe(false);
    expect(maskIdNumber('51010019900101123X')).toBe('**************123X');
  });
});

describe(`orgs (${backend})`, () => {
  it('lists the region as a hierarchy and refuses duplicates and foreign parents', async () => {
    const { committees, units } = await listOrgs(t.db, as['sc-admin']);
    expect(committees.map((c) => c.name)).toEqual(['四川省政协']);
    expect(committees[0].children?.map((c) => c.name)).toEqual(['成都市政协']);
    expect(units.map((u) => u.name)).toEqual(['四川省交通运输厅']);
    expect(await refusal(createOrg(t.db, as['sc-admin'], { name: '成都市政协', kind: 'committee', level: 'city', parentId: null })))
      .toMatchObject({ field: 'name', messageKey: 'validation.nameTaken' });
    expect(await refusal(createOrg(t.db, as['sc-admin'], { name: '某区政协', kind: 'committee', level: 'district', parentId: ids['重庆市政协'] })))
      .toMatchObject({ field: 'parentId', messageKey: 'validation.orgOutsideRegion' });
    // The same name in the other region is fine: names are unique per region.
    await createOrg(t.db, as['cq-admin'], { name: '成都市政协', kind: 'unit', level: null, parentId: null });
  });

  it('renames in its own region only, and audits', async () => {
    expect(((await refusal(renameOrg(t.db, as['sc-admin'], ids['重庆市政协'], '改名'))) as PolicyError).status).toBe(403);
    await renameOrg(t.db, as['sc-admin'], ids['成都市政协'], '成都市政协（测试）');
    const [entry] = (await listAudit(t.db, as['sc-admin'], { action: 'org.rename', page: 1 })).entries;
    expect(entry.detail).toEqual({ from: '成都市政协', to: '成都市政协（测试）' });
    await renameOrg(t.db, as['sc-admin'], ids['成都市政协'], '成都市政协');
  });
});

describe(`audit log (${backend})`, () => {
  it('shows a region only its own entries and checks its dates', async () => {
    const sc = await listAudit(t.db, as['sc-admin'], { page: 1 });
    const cq = await listAudit(t.db, as['cq-admin'], { page: 1 });
    expect(sc.entries.some((e) => e.action === 'user.create')).toBe(true);
    expect(cq.entries.some((e) => e.action === 'user.create')).toBe(false);
    expect(await refusal(listAudit(t.db, as['sc-admin'], { from: '2025-02-30', page: 1 }))).toMatchObject({ field: 'from' });
    expect((await listAudit(t.db, as['sc-admin'], { to: '2000-01-01', page: 1 })).total).toBe(0);
    expect(((await refusal(listAudit(t.db, as['sc-staff'], { page: 1 }))) as PolicyError).status).toBe(403);
  });
});
