import type { Transaction } from 'kysely';
import type { DB } from '../schema';
import type { Visibility } from '../../shared/domain/model';
import type { FindingSeverity, RectificationStatus, TaskStatus } from '../../shared/domain/inspection';
import { addDays, beijingDay, mondayOf } from '../../shared/domain/calendar';

type Users = Record<string, { id: string; region: string; orgId: string }>;

/** Titles and figures of the demo inspections, for tests. */
export const DEMO_INSPECTIONS = {
  wujiang: '乌江航道通航能力联合视察',
  sanxia: '三峡库区危岩地质灾害防治重点调研',
  safety: '城市安全风险隐患大排查大整治专项视察',
  /** The city safety inspection's figures, as the work report gives them. */
  safetyFindings: 443,
  safetyItems: 88,
} as const;

export const DEMO_FINDINGS = {
  wujiangShared: '武隆港段枯水期航道水深不足，部分航标灯损坏',
  wujiangCq: '彭水船闸待闸船舶积压，调度信息未与贵州共享（重庆方内部）',
  wujiangGz: '思南港码头护岸局部垮塌（贵州方内部）',
  sanxiaJoint: '巫山县城区后山危岩体监测点覆盖不足',
  sanxiaCq: '奉节县危岩治理资金拨付滞后（重庆方内部）',
  sanxiaSc: '四川段支流沿岸地灾隐患点台账不全（四川方内部）',
} as const;

/** The handling unit that answers the 乌江 inspection's items (a demo login, role handler). */
export const DEMO_UNIT_USER = 'unit-cq-transport';

/**
 * 联合视察 demo data (docs/inspections.md): the 乌江 inspection of 重庆 and 贵州 with its itinerary, a
 * roster from each side, tasks in every column, findings (shared and each side's private ones) and
 * rectification items; the 三峡库区 research of both provinces; and the city safety inspection with
 * the report's 443 hazards and 88 rectification items in every state.
 */
export async function seedDemoInspections(trx: Transaction<DB>, users: Users, passwordHash: string,
  workspaces: Record<'chuanyu' | 'wujiang' | 'cqOwn', string>) {
  const monday = mondayOf(beijingDay(Date.now()));
  const day = (n: number) => addDays(monday, n);

  const unit = async (name: string, region: string) => (await trx.insertInto('orgs')
    .values({ name, region, kind: 'unit', level: null, parent_id: null }).returning('id').executeTakeFirstOrThrow()).id;
  const cqTransport = await unit('市交通运输委', 'chongqing');
  const gzTransport = await unit('贵州省交通运输厅', 'guizhou');
  const cqEmergency = await unit('市应急管理局', 'chongqing');
  const cqPlanning = await unit('市规划自然资源局', 'chongqing');
  const { id: unitUser } = await trx.insertInto('users').values({
    username: DEMO_UNIT_USER, display_name: '市交通运输委联络员', org_id: cqTransport, region: 'chongqing', roles: ['handler'], password_hash: passwordHash,
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('user_contacts').values({
    user_id: unitUser, region: 'chongqing', phone: '023-8906 5001', email: `${DEMO_UNIT_USER}@example.org`, id_number: null, address: '重庆市渝北区',
  }).execute();
  users[DEMO_UNIT_USER] = { id: unitUser, region: 'chongqing', orgId: cqTransport };

  const orgIds = Object.fromEntries((await trx.selectFrom('orgs').select(['id', 'name', 'region']).execute()).map((o) => [o.name, o]));

  const inspection = async (i: {
    workspace: keyof typeof workspaces; author: string; visibility: Visibility; kind: 'inspection' | 'research' | 'supervision';
    title: string; topic: string; from: number; to: number; status: 'planning' | 'in_progress' | 'reporting' | 'closed';
    leads: string[]; roster: string[];
  }) => {
    const { id } = await trx.insertInto('inspections').values({
      workspace_id: workspaces[i.workspace], owner_org_id: users[i.author].orgId, owner_region: users[i.author].region,
      visibility: i.visibility, author_id: users[i.author].id, kind: i.kind, title: i.title, topic: i.topic,
      starts_on: day(i.from), ends_on: day(i.to), status: i.status,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('inspection_leads').values(i.leads.map((n) => ({ inspection_id: id, org_id: orgIds[n].id, region: orgIds[n].region }))).execute();
    await trx.insertInto('inspection_members').values(i.roster.map((u) => ({
      inspection_id: id, user_id: users[u].id, region: users[u].region, added_by: users[u].id,
    }))).execute();
    return id;
  };
  const task = (inspectionId: string, author: string, status: TaskStatus, position: number, title: string, assignee: string | null, due: number | null, checklist: string[] = [], description = '') =>
    trx.insertInto('inspection_tasks').values({
      inspection_id: inspectionId, title, description, assignee_id: assignee ? users[assignee].id : null,
      due_on: due === null ? null : day(due), status, position, created_by: users[author].id,
      checklist: JSON.stringify(checklist.map((text, n) => ({ text, done: status === 'done' || n === 0 && status === 'doing' }))),
    }).execute();
  const finding = async (inspectionId: string, reporter: string, visibility: Visibility, description: string, place: string,
    category: string, severity: FindingSeverity, coords: [number, number] | null = null) => (await trx.insertInto('inspection_findings').values({
    inspection_id: inspectionId, owner_org_id: users[reporter].orgId, owner_region: users[reporter].region, visibility,
    reporter_id: users[reporter].id, description, place, category, severity,
    latitude: coords?.[0] ?? null, longitude: coords?.[1] ?? null,
  }).returning('id').executeTakeFirstOrThrow()).id;
  const item = async (inspectionId: string, author: string, visibility: Visibility, unitId: string, measure: string,
    deadline: number, status: RectificationStatus, findingIds: string[], progress = '', verifier: string | null = null) => {
    const { id } = await trx.insertInto('rectification_items').values({
      inspection_id: inspectionId, owner_org_id: users[author].orgId, owner_region: users[author].region, visibility,
      author_id: users[author].id, responsible_org_id: unitId, measure, deadline: day(deadline), status, progress,
      return_reason: status === 'returned' ? '整改材料不完整，请补充现场照片和验收记录' : '',
      verified_by: status === 'verified' ? users[verifier ?? author].id : null, verified_at: status === 'verified' ? new Date() : null,
    }).returning('id').executeTakeFirstOrThrow();
    if (findingIds.length) await trx.insertInto('rectification_item_findings').values(findingIds.map((f) => ({ item_id: id, finding_id: f }))).execute();
    return id;
  };

  // 乌江航道通航能力联合视察: 重庆 and 贵州.
  const wujiang = await inspection({
    workspace: 'wujiang', author: 'cq-coordinator', visibility: 'joint', kind: 'inspection', title: DEMO_INSPECTIONS.wujiang,
    topic: '围绕乌江航道通航能力提升、船闸联合调度和港口建设，重庆市政协与贵州省政协开展联合视察。',
    from: 15, to: 17, status: 'in_progress', leads: ['重庆市政协', '贵州省政协'], roster: ['cq-coordinator', 'cq-member', 'gz-member'],
  });
  await trx.insertInto('inspection_stops').values([
    { inspection_id: wujiang, day: day(15), time: '09:00', place: '武隆港', host_unit: '武隆区交通运输委员会' },
    { inspection_id: wujiang, day: day(15), time: '14:30', place: '彭水水电站通航建筑物（船闸）', host_unit: '彭水县人民政府' },
    { inspection_id: wujiang, day: day(16), time: '09:30', place: '沿河县乌江航道管理站', host_unit: '贵州省交通运输厅' },
    { inspection_id: wujiang, day: day(17), time: '09:00', place: '思南港', host_unit: '思南县交通运输局' },
  ]).execute();
  await task(wujiang, 'cq-coordinator', 'done', 1, '材料准备：乌江航道通航现状汇编', 'cq-member', 10, ['收集航道等级资料', '整理船闸运行数据']);
  await task(wujiang, 'cq-coordinator', 'doing', 1, '现场视察：武隆港至彭水船闸段', 'cq-coordinator', 15, ['落实车辆和船只', '通知区县政协', '准备视察手册']);
  await task(wujiang, 'cq-coordinator', 'todo', 1, '报告起草：联合视察报告初稿', 'cq-member', 24, [], '汇总两地视察发现，形成联合视察报告初稿。');
  await task(wujiang, 'cq-coordinator', 'todo', 2, '贵州段行程对接', 'gz-member', 12);
  await task(wujiang, 'cq-coordinator', 'blocked', 1, '协调海事部门提供通航数据', 'cq-coordinator', 11, [], '等待海事部门答复数据口径。');
  const wShared = await finding(wujiang, 'cq-member', 'joint', DEMO_FINDINGS.wujiangShared, '武隆港', 'facility', 'major', [29.3257, 107.7602]);
  const wCq = await finding(wujiang, 'cq-coordinator', 'region', DEMO_FINDINGS.wujiangCq, '彭水船闸', 'management', 'general');
  await finding(wujiang, 'gz-member', 'region', DEMO_FINDINGS.wujiangGz, '思南港', 'safety', 'critical', [27.9377, 108.2498]);
  await item(wujiang, 'cq-coordinator', 'joint', cqTransport, '增设武隆港段航标并开展枯水期疏浚', 40, 'in_progress', [wShared], '已完成航标采购招标。');
  await item(wujiang, 'cq-coordinator', 'region', cqTransport, '建立船闸调度信息共享机制', 30, 'pending', [wCq]);
  await item(wujiang, 'cq-coordinator', 'joint', gzTransport, '贵州段航标与重庆段统一标准', 45, 'pending', [wShared]);

  // 三峡库区危岩地质灾害防治重点调研: 重庆 and 四川 in the joint platform.
  const sanxia = await inspection({
    workspace: 'chuanyu', author: 'cq-coordinator', visibility: 'joint', kind: 'research', title: DEMO_INSPECTIONS.sanxia,
    topic: '三峡库区危岩地质灾害防治，监测预警与治理资金保障。', from: -20, to: -17, status: 'reporting',
    leads: ['重庆市政协', '四川省政协'], roster: ['cq-coordinator', 'cq-member', 'sc-coordinator', 'sc-member'],
  });
  await trx.insertInto('inspection_stops').values([
    { inspection_id: sanxia, day: day(-20), time: '10:00', place: '巫山县城区后山危岩治理点', host_unit: '巫山县人民政府' },
    { inspection_id: sanxia, day: day(-19), time: '09:00', place: '奉节县地质灾害监测中心', host_unit: '奉节县规划和自然资源局' },
  ]).execute();
  await task(sanxia, 'cq-coordinator', 'done', 1, '调研提纲', 'cq-member', -25);
  await task(sanxia, 'sc-coordinator', 'doing', 1, '四川段资料汇总', 'sc-member', -10);
  await task(sanxia, 'cq-coordinator', 'todo', 1, '调研报告起草', 'cq-coordinator', 5);
  const sJoint = await finding(sanxia, 'cq-member', 'joint', DEMO_FINDINGS.sanxiaJoint, '巫山县', 'safety', 'critical');
  await finding(sanxia, 'cq-coordinator', 'region', DEMO_FINDINGS.sanxiaCq, '奉节县', 'management', 'major');
  await finding(sanxia, 'sc-member', 'region', DEMO_FINDINGS.sanxiaSc, '四川段', 'management', 'general');
  await item(sanxia, 'cq-coordinator', 'joint', cqPlanning, '加密危岩体监测点并接入预警平台', -2, 'rectified', [sJoint], '已新增监测点12处。');

  // The city safety inspection: 443 hazards, 88 rectification items in every state (Chongqing only).
  const safety = await inspection({
    workspace: 'cqOwn', author: 'cq-coordinator', visibility: 'region', kind: 'supervision', title: DEMO_INSPECTIONS.safety,
    topic: '1136名参与者开展城市安全风险隐患大排查，发现安全风险隐患443处，推动有关部门形成整改清单88项。',
    from: -60, to: -50, status: 'reporting', leads: ['重庆市政协'], roster: ['cq-coordinator', 'cq-member', 'cq-member2', 'cq-staff'],
  });
  const places = ['渝中区', '江北区', '沙坪坝区', '九龙坡区', '南岸区', '璧山区', '江津区', '永川区'];
  const kinds = ['燃气管道老化', '消防通道占用', '高层建筑外墙脱落风险', '老旧电梯故障', '地下车库积水隐患', '边坡位移'];
  const reporters = ['cq-coordinator', 'cq-member', 'cq-member2', 'cq-staff'];
  const severities: FindingSeverity[] = ['general', 'general', 'major', 'critical'];
  const rows = await trx.insertInto('inspection_findings').values(Array.from({ length: DEMO_INSPECTIONS.safetyFindings }, (_, n) => {
    const who = reporters[n % reporters.length];
    return {
      inspection_id: safety, owner_org_id: users[who].orgId, owner_region: 'chongqing', visibility: 'region' as const, reporter_id: users[who].id,
      description: `${places[n % places.length]}${kinds[n % kinds.length]}（第${n + 1}处）`, place: places[n % places.length],
      category: 'safety', severity: severities[n % severities.length],
    };
  })).returning('id').execute();
  const states: RectificationStatus[] = ['pending', 'in_progress', 'rectified', 'verified', 'returned'];
  const units = [cqEmergency, cqTransport, cqPlanning];
  for (let n = 0; n < DEMO_INSPECTIONS.safetyItems; n++) {
    const status = states[n % states.length];
    const linked = rows.slice(n * 5, n * 5 + 5).map((r) => r.id);
    await item(safety, 'cq-coordinator', 'region', units[n % units.length], `${places[n % places.length]}${kinds[n % kinds.length]}整改（第${n + 1}项）`,
      n % 7 === 0 ? -5 : 20 + n, status, linked, status === 'pending' ? '' : '已制定整改方案。');
  }
}
