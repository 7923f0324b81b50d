import type { Kysely } from 'kysely';
import type { DB } from '../schema';
import type { Role, Visibility, WorkspaceRole } from '../../shared/domain/model';
import { seedDemoDrafts } from './drafts';
import { seedDemoEvents } from './calendar';
import { seedDemoInspections } from './inspections';
import { seedDemoProposals } from './proposals';

/**
 * Demo data drawn from the 2025 work report of the Chongqing CPPCC (docs/domain.md).
 * Runs as the owner, once: returns false when the database already has data.
 */
export async function seedDemo(owner: Kysely<DB>, passwordHash: string): Promise<boolean> {
  const existing = await owner.selectFrom('regions').select('code').limit(1).execute();
  if (existing.length > 0) return false;

  await owner.transaction().execute(async (trx) => {
    await trx.insertInto('regions').values([
      { code: 'chongqing', name_zh: '重庆市', name_en: 'Chongqing' },
      { code: 'sichuan', name_zh: '四川省', name_en: 'Sichuan' },
      { code: 'guizhou', name_zh: '贵州省', name_en: 'Guizhou' },
      // Central government departments: they answer proposals of every region and belong to none.
      { code: 'national', name_zh: '国家部委', name_en: 'National ministries' },
    ]).execute();

    const org = async (name: string, region: string, kind: 'committee' | 'unit', level: 'province' | 'city' | 'district' | null, parentId: string | null = null) =>
      (await trx.insertInto('orgs').values({ name, region, kind, level, parent_id: parentId })
        .returning('id').executeTakeFirstOrThrow()).id;

    const cq = await org('重庆市政协', 'chongqing', 'committee', 'province');
    const sc = await org('四川省政协', 'sichuan', 'committee', 'province');
    const cd = await org('成都市政协', 'sichuan', 'committee', 'city', sc);
    const gz = await org('贵州省政协', 'guizhou', 'committee', 'province');
    const bishan = await org('璧山区政协', 'chongqing', 'committee', 'district', cq);
    await org('江津区政协', 'chongqing', 'committee', 'district', cq);
    await org('永川区政协', 'chongqing', 'committee', 'district', cq);
    const ndrc = await org('国家发展改革委', 'national', 'unit', null);
    const cqfgw = await org('市发展改革委', 'chongqing', 'unit', null);
    await org('市文化旅游委', 'chongqing', 'unit', null);
    await org('四川省交通运输厅', 'sichuan', 'unit', null);

    const users: Record<string, { id: string; region: string; orgId: string }> = {};
    const user = async (username: string, displayName: string, orgId: string, region: string, roles: Role[], phone: string) => {
      const { id } = await trx.insertInto('users').values({
        username, display_name: displayName, org_id: orgId, region, roles, password_hash: passwordHash,
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('user_contacts').values({
        user_id: id, region, phone, email: `${username}@example.org`, id_number: null,
        address: ({ sichuan: '成都市青羊区', chongqing: '重庆市渝中区', guizhou: '贵阳市', national: '北京市西城区' } as Record<string, string>)[region],
      }).execute();
      users[username] = { id, region, orgId };
    };
    await user('cq-admin', '周敏', cq, 'chongqing', ['admin', 'staff'], '023-6385 1001');
    await user('cq-leader', '王建国', cq, 'chongqing', ['leader', 'member'], '023-6385 1002');
    await user('cq-coordinator', '陈晓燕', cq, 'chongqing', ['coordinator', 'staff'], '023-6385 1003');
    await user('cq-member', '李明', cq, 'chongqing', ['member'], '138 2300 1004');
    await user('cq-member2', '张华', bishan, 'chongqing', ['member'], '138 2300 1005');
    await user('cq-staff', '赵丽', cq, 'chongqing', ['staff'], '023-6385 1006');
    await user('sc-admin', '杨帆', sc, 'sichuan', ['admin', 'staff'], '028-8660 2001');
    await user('sc-leader', '黄志强', sc, 'sichuan', ['leader', 'member'], '028-8660 2002');
    await user('sc-coordinator', '吴静', sc, 'sichuan', ['coordinator', 'staff'], '028-8660 2003');
    await user('sc-member', '刘洋', sc, 'sichuan', ['member'], '139 8000 2004');
    await user('sc-member2', '孙丽娟', cd, 'sichuan', ['member'], '139 8000 2005');
    await user('sc-staff', '郑伟', sc, 'sichuan', ['staff'], '028-8660 2006');
    await user('gz-member', '罗刚', gz, 'guizhou', ['member'], '0851-8555 3001');
    await user('unit-ndrc', '国家发展改革委联络员', ndrc, 'national', ['handler'], '010-6850 4001');
    await user('unit-cqfgw', '市发展改革委联络员', cqfgw, 'chongqing', ['handler'], '023-6759 5001');

    const workspace = async (name: string, description: string, ownerRegion: string, orgIds: string[],
      members: Array<[string, WorkspaceRole]>) => {
      const { id } = await trx.insertInto('workspaces').values({ name, description, owner_region: ownerRegion })
        .returning('id').executeTakeFirstOrThrow();
      const orgRows = await trx.selectFrom('orgs').select(['id', 'region']).where('id', 'in', orgIds).execute();
      await trx.insertInto('workspace_orgs').values(orgRows.map((o) => ({ workspace_id: id, org_id: o.id, region: o.region }))).execute();
      await trx.insertInto('workspace_members').values(members.map(([u, role]) => ({
        workspace_id: id, user_id: users[u].id, region: users[u].region, role,
      }))).execute();
      return id;
    };
    const chuanyu = await workspace('川渝两省市政协合作平台',
      '四川省政协与重庆市政协的省级合作平台：联名提案、跨区域督办与联合视察。', 'chongqing', [cq, sc], [
        ['cq-leader', 'member'], ['cq-coordinator', 'coordinator'], ['cq-member', 'member'], ['cq-staff', 'member'],
        ['sc-leader', 'member'], ['sc-coordinator', 'coordinator'], ['sc-member', 'member'], ['sc-staff', 'member'],
      ]);
    await workspace('成渝两市政协合作平台', '成都市政协与重庆市政协的市级合作平台，以及区县政协与毗邻市的协作。',
      'sichuan', [cd, cq, bishan], [
        ['sc-coordinator', 'coordinator'], ['sc-member2', 'member'], ['cq-coordinator', 'coordinator'],
        ['cq-member', 'member'], ['cq-member2', 'member'],
      ]);
    const bashu = await workspace('川渝八市政协联合协商·巴蜀文化旅游走廊', '川渝八市政协围绕巴蜀文化旅游走廊建设开展联合协商。',
      'sichuan', [cd, bishan, cq], [
        ['sc-coordinator', 'coordinator'], ['sc-member2', 'member'], ['cq-coordinator', 'coordinator'], ['cq-member2', 'member'],
      ]);
    const wujiang = await workspace('乌江航道通航能力联合视察', '重庆市政协与贵州省政协联合视察乌江航道通航能力。',
      'chongqing', [cq, gz], [['cq-coordinator', 'coordinator'], ['cq-member', 'member'], ['gz-member', 'member']]);
    const cqOwn = await workspace('重庆市政协提案委员会工作区', '重庆市政协提案委员会内部工作区（仅重庆）。', 'chongqing', [cq, bishan], [
      ['cq-leader', 'member'], ['cq-coordinator', 'coordinator'], ['cq-member', 'member'], ['cq-member2', 'member'], ['cq-staff', 'member'],
    ]);
    const scOwn = await workspace('四川省政协提案委员会工作区', '四川省政协提案委员会内部工作区（仅四川）。', 'sichuan', [sc, cd], [
      ['sc-leader', 'member'], ['sc-coordinator', 'coordinator'], ['sc-member', 'member'], ['sc-member2', 'member'], ['sc-staff', 'member'],
    ]);

    await seedDemoDrafts(trx, users);
    await seedDemoEvents(trx, users, { chuanyu, bashu, wujiang, cqOwn, scOwn });

    const notice = (workspaceId: string, author: string, visibility: Visibility, title: string, body: string) =>
      trx.insertInto('notices').values({
        workspace_id: workspaceId, owner_org_id: users[author].orgId, owner_region: users[author].region,
        visibility, title, body, author_id: users[author].id,
      }).execute();
    await notice(chuanyu, 'cq-coordinator', 'joint', '关于联合开展成渝氢走廊提案调研的通知',
      '《关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案》已列为2024年全国政协重点提案。请两地委员于下月中旬前完成调研材料准备，联合起草组由两地各派委员组成。');
    await notice(chuanyu, 'sc-coordinator', 'joint', '川渝两省市政协合作平台2025年联合协商计划',
      '全年拟开展联合协商、情况通报、联合视察和联合调研，具体日程以共享日程为准。');
    await notice(chuanyu, 'cq-coordinator', 'region', '重庆方联名提案征集安排（重庆内部）',
      '重庆市政协委员联名提案意见征集截至本月底，由提案委员会汇总后再与四川方会商。');
    await notice(chuanyu, 'sc-coordinator', 'region', '四川方联名提案签署安排（四川内部）',
      '四川省政协委员的联名签署由提案委员会统一组织，请于周五前反馈。');
    await notice(chuanyu, 'cq-staff', 'org', '重庆市政协机关材料报送安排（机关内部）',
      '市政协机关各处室请于周三前报送联合视察材料。');
    await notice(cqOwn, 'cq-coordinator', 'region', '2025年度重点提案遴选工作安排',
      '本年度共收到提案1551件，立案1364件，按时办结率100%，满意率98.16%。下一年度双向评价满意率目标不低于92%。');
    await notice(scOwn, 'sc-coordinator', 'region', '四川省政协提案委员会年度工作要点',
      '围绕成渝地区双城经济圈建设，做好联名提案和跨区域督办。');
    await notice(bashu, 'sc-coordinator', 'joint', '川渝八市政协联合协商会（巴蜀文化旅游走廊）会议通知',
      '川渝八市政协联合协商会将围绕巴蜀文化旅游走廊建设开展协商，请各市政协做好发言材料准备。');
    await notice(wujiang, 'cq-coordinator', 'joint', '乌江航道通航能力联合视察行程安排',
      '重庆市政协与贵州省政协联合视察乌江航道通航能力，行程分为材料准备、现场视察、报告起草三个阶段。');
    await seedDemoInspections(trx, users, passwordHash, { chuanyu, wujiang, cqOwn });
    await seedDemoProposals(trx, users, { chuanyu });
  });
  return true;
}
