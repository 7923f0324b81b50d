/**
 * 工作台 for each kind of person, against the demo data (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * members see their workspaces and notices, the handling unit what is assigned to it (nothing yet, and
 * nothing else), an administrator their own region in numbers and its latest audit entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../tests/support/db';
import { backend } from '../../tests/support/server';
import { openDemo, SEED } from '../../tests/factories/demo';
import type { Actor } from '../../shared/policy';
import { getHome } from './home';
import { createWorkspace } from './workspaces';

let t: TestDatabase;
let as: Record<string, Actor>;

beforeAll(async () => { ({ t, as } = await openDemo(['cq-admin', 'sc-admin', 'sc-member', 'gz-member', 'unit-ndrc'])); }, 120_000);
afterAll(() => t?.drop());

describe(`the home page of each role (${backend})`, () => {
  it('a member: their workspaces and the notices they may read, no overview, no assignments', async () => {
    const home = await getHome(t.db, as['sc-member']);
    expect(home.handlesAssignments).toBe(false);
    expect(home.overview).toBeNull();
    expect(home.workspaces.map((w) => w.name)).toContain(SEED.workspaces.chuanyu);
    expect(home.latestNotices.map((n) => n.title)).toContain(SEED.notices.jointHydrogen);
    expect(home.latestNotices.map((n) => n.title)).not.toContain(SEED.notices.cqRegion);
    const wujiang = (await getHome(t.db, as['gz-member'])).latestNotices.find((n) => n.title === SEED.notices.wujiangJoint);
    expect(wujiang?.workspaceRegions).toEqual(['chongqing', 'guizhou']);
  });

  it('the handling unit: what is assigned to it (nothing yet), and no workspace or other record', async () => {
    const home = await getHome(t.db, as['unit-ndrc']);
    expect(home).toMatchObject({ handlesAssignments: true, workspaces: [], latestNotices: [], overview: null });
    expect(as['unit-ndrc'].region).toBe('national');
  });

  it('an administrator: their own region in numbers and its latest audit entries, never the other region', async () => {
    const before = (await getHome(t.db, as['cq-admin'])).overview!;
    // 重庆: eight people (two handling-unit liaisons among them); 4 committees and 12 municipal units (国家发展改革委 is
    // national; the proposals' and inspections' demo data add theirs); five workspaces it owns or joins.
    expect(before.users).toEqual({ active: 8, disabled: 0 });
    expect(before.orgs).toEqual({ committees: 4, units: 12 });
    expect(before.workspaces).toBe(5);
    await createWorkspace(t.db, as['cq-admin'], { name: '渝黔航运协作平台（测试）', description: '' });
    const after = (await getHome(t.db, as['cq-admin'])).overview!;
    expect(after.workspaces).toBe(6);
    expect(after.audit!.total).toBe(before.audit!.total + 1);
    expect(after.audit!.recent[0]).toMatchObject({ action: 'workspace.create', targetType: 'workspace', targetName: '渝黔航运协作平台（测试）' });
    const sichuan = (await getHome(t.db, as['sc-admin'])).overview!;
    expect(sichuan.users).toEqual({ active: 6, disabled: 0 });
    expect(sichuan.audit!.recent.map((e) => e.targetName)).not.toContain('渝黔航运协作平台（测试）');
  });
});
