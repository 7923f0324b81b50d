import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db';
import { seedDemo } from '../../db/seed';
import { hashPassword } from '../auth/passwords';
import { createSession, getSessionUser, type SessionUser } from '../auth/sessions';
import { PolicyError } from '../../shared/policy';
import { InputError } from './errors';
import { createUser, getManagedUser, getProfile, listUsers, maskIdNumber, resetPassword, setStatus, updateUser } from './users';
import { createOrg, listOrgs, renameOrg } from './orgs';
import { listAudit } from './audit-log';
import { refusal } from '../../tests/support/refusal';

/** The region boundary of user, org and audit administration, against the demo data on embedded PGlite. */

let database: Database;
let dir: string;
const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const as: Record<string, SessionUser> = {};
const ids: Record<string, string> = {};

async function signIn(username: string) {
  const id = (await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const token = await createSession(database.db, id, meta);
  return { id, token, user: (await getSessionUser(database.db, token))! };
}


beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-users-'));
  const hash = await hashPassword('demo-2025-test');
  database = await createDatabase({ dataDir: dir, beforeAppRole: async (owner) => { await seedDemo(owner, hash); } });
  for (const u of ['sc-admin', 'cq-admin', 'sc-member', 'sc-member2', 'sc-staff', 'cq-member', 'cq-leader', 'sc-leader']) {
    const s = await signIn(u);
    as[u] = s.user;
    ids[u] = s.id;
  }
  const orgs = await database.db.selectFrom('orgs').select(['id', 'name']).execute();
  for (const o of orgs) ids[o.name] = o.id;
}, 120_000);

afterAll(async () => {
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('users', () => {
  it('lists only the admin’s own region and refuses non-admins', async () => {
    const { users } = await listUsers(database.db, as['sc-admin'], {});
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.region === 'sichuan')).toBe(true);
    expect(((await refusal(listUsers(database.db, as['sc-staff'], {}))) as PolicyError).status).toBe(403);
  });

  it('answers 404 for another region’s user on every management call', async () => {
    const cq = ids['cq-member'];
    for (const work of [
      getManagedUser(database.db, as['sc-admin'], cq),
      updateUser(database.db, as['sc-admin'], cq, { displayName: 'x', orgId: ids['四川省政协'], roles: ['member'], phone: null, email: null, address: null, idNumber: null }),
      setStatus(database.db, as['sc-admin'], cq, 'disabled'),
      resetPassword(database.db, as['sc-admin'], cq, '0123456789ab'),
    ]) {
      const err = await refusal(work);
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).status).toBe(404);
    }
  });

  it('creates a user in an org of its own region only, with a unique username, and audits it', async () => {
    const input = {
      username: 'sc-new', displayName: '新委员', orgId: ids['重庆市政协'], roles: ['member' as const], password: '0123456789ab',
      phone: '139 0000 0000', email: null, address: null, idNumber: '51010019900101123X',
    };
    expect(await refusal(createUser(database.db, as['sc-admin'], input))).toMatchObject({ field: 'orgId', messageKey: 'validation.orgOutsideRegion' });
    expect(await refusal(createUser(database.db, as['sc-admin'], { ...input, orgId: ids['成都市政协'], username: 'cq-member' })))
      .toMatchObject({ field: 'username', messageKey: 'validation.usernameTaken' });
    const id = await createUser(database.db, as['sc-admin'], { ...input, orgId: ids['成都市政协'] });
    const managed = await getManagedUser(database.db, as['sc-admin'], id);
    expect(managed.user.region).toBe('sichuan');
    expect(managed.contact.idNumber).toBe('51010019900101123X');
    const { entries } = await listAudit(database.db, as['sc-admin'], { action: 'user.create', page: 1 });
    expect(entries[0]).toMatchObject({ action: 'user.create', targetId: id, actorName: '杨帆' });
  });

  it('disabling ends the user’s sessions at once; an admin cannot disable themselves', async () => {
    const { token, id } = await signIn('sc-member2');
    expect(await getSessionUser(database.db, token)).not.toBeNull();
    await setStatus(database.db, as['sc-admin'], id, 'disabled');
    expect(await getSessionUser(database.db, token)).toBeNull();
    await setStatus(database.db, as['sc-admin'], id, 'active');
    expect(await getSessionUser(database.db, token)).toBeNull(); // revoked, not merely paused
    expect(await refusal(setStatus(database.db, as['sc-admin'], ids['sc-admin'], 'disabled')))
      .toMatchObject({ field: '_form', messageKey: 'validation.cannotDisableSelf' });
    const actions = (await listAudit(database.db, as['sc-admin'], { page: 1 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.disable', 'user.enable']));
  });

  it('a password reset ends the user’s sessions and is audited', async () => {
    const { token, id } = await signIn('sc-member2');
    await resetPassword(database.db, as['sc-admin'], id, 'a-new-password-1');
    expect(await getSessionUser(database.db, token)).toBeNull();
    expect((await listAudit(database.db, as['sc-admin'], { action: 'user.password', page: 1 })).entries[0].targetId).toBe(id);
  });

  it('audits role changes, and keeps an admin from dropping their own admin role', async () => {
    const id = ids['sc-member'];
    await updateUser(database.db, as['sc-admin'], id, {
      displayName: '刘洋', orgId: ids['四川省政协'], roles: ['member', 'staff'], phone: null, email: null, address: null, idNumber: null,
    });
    const [entry] = (await listAudit(database.db, as['sc-admin'], { action: 'user.roles', page: 1 })).entries;
    expect(entry.detail).toEqual({ from: ['member'], to: ['member', 'staff'] });
    expect(await refusal(updateUser(database.db, as['sc-admin'], ids['sc-admin'], {
      displayName: '杨帆', orgId: ids['四川省政协'], roles: ['staff'], phone: null, email: null, address: null, idNumber: null,
    }))).toBeInstanceOf(InputError);
  });

  it('shows personal fields only inside the region, to self and to admin/staff/coordinator/leader, masked', async () => {
    const target = ids['cq-member'];
    expect((await getProfile(database.db, as['sc-admin'], target)).personal).toBeNull();
    expect((await getProfile(database.db, as['sc-leader'], target)).personal).toBeNull();
    expect((await getProfile(database.db, as['cq-leader'], target)).personal?.phone).toBe('138 2300 1004');
    expect((await getProfile(database.db, as['cq-member'], target)).personal).not.toBeNull();
    expect((await getProfile(database.db, as['sc-member'], ids['sc-staff'])).personal).toBeNull();
    expect((await getProfile(database.db, as['sc-admin'], target)).canManage).toBe(false);
    expect(maskIdNumber('51010019900101123X')).toBe('**************123X');
  });
});

describe('orgs', () => {
  it('lists the region as a hierarchy and refuses duplicates and foreign parents', async () => {
    const { committees, units } = await listOrgs(database.db, as['sc-admin']);
    expect(committees.map((c) => c.name)).toEqual(['四川省政协']);
    expect(committees[0].children?.map((c) => c.name)).toEqual(['成都市政协']);
    expect(units.map((u) => u.name)).toEqual(['四川省交通运输厅']);
    expect(await refusal(createOrg(database.db, as['sc-admin'], { name: '成都市政协', kind: 'committee', level: 'city', parentId: null })))
      .toMatchObject({ field: 'name', messageKey: 'validation.nameTaken' });
    expect(await refusal(createOrg(database.db, as['sc-admin'], { name: '某区政协', kind: 'committee', level: 'district', parentId: ids['重庆市政协'] })))
      .toMatchObject({ field: 'parentId', messageKey: 'validation.orgOutsideRegion' });
    // The same name in the other region is fine: names are unique per region.
    await createOrg(database.db, as['cq-admin'], { name: '成都市政协', kind: 'unit', level: null, parentId: null });
  });

  it('renames in its own region only, and audits', async () => {
    expect(((await refusal(renameOrg(database.db, as['sc-admin'], ids['重庆市政协'], '改名'))) as PolicyError).status).toBe(403);
    await renameOrg(database.db, as['sc-admin'], ids['成都市政协'], '成都市政协（测试）');
    const [entry] = (await listAudit(database.db, as['sc-admin'], { action: 'org.rename', page: 1 })).entries;
    expect(entry.detail).toEqual({ from: '成都市政协', to: '成都市政协（测试）' });
    await renameOrg(database.db, as['sc-admin'], ids['成都市政协'], '成都市政协');
  });
});

describe('audit log', () => {
  it('shows a region only its own entries and checks its dates', async () => {
    const sc = await listAudit(database.db, as['sc-admin'], { page: 1 });
    const cq = await listAudit(database.db, as['cq-admin'], { page: 1 });
    expect(sc.entries.some((e) => e.action === 'user.create')).toBe(true);
    expect(cq.entries.some((e) => e.action === 'user.create')).toBe(false);
    expect(await refusal(listAudit(database.db, as['sc-admin'], { from: '2025-02-30', page: 1 }))).toMatchObject({ field: 'from' });
    expect((await listAudit(database.db, as['sc-admin'], { to: '2000-01-01', page: 1 })).total).toBe(0);
    expect(((await refusal(listAudit(database.db, as['sc-staff'], { page: 1 }))) as PolicyError).status).toBe(403);
  });
});
