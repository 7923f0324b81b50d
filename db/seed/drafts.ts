import type { Transaction } from 'kysely';
import type { DB } from '../schema';
import { documentStateFromJSON } from '../../shared/editor/state';

/**
 * Demo drafts (草稿) for the joint platform: the hydrogen-corridor joint proposal co-drafted by
 * Chongqing and Sichuan members (docs/domain.md), and one private draft per region
 * in the same workspace, so the per-province boundary shows inside one shared platform.
 * Each document is seeded once here as a snapshot (last_update_id 0), before any client connects.
 */

type Node = { type: string; text?: string; attrs?: Record<string, unknown>; content?: Node[]; marks?: Array<{ type: string }> };

const text = (t: string): Node => ({ type: 'text', text: t });
const bold = (t: string): Node => ({ type: 'text', text: t, marks: [{ type: 'bold' }] });
const p = (...runs: Array<string | Node>): Node => ({ type: 'paragraph', content: runs.map((r) => (typeof r === 'string' ? text(r) : r)) });
const h = (level: 1 | 2 | 3, t: string): Node => ({ type: 'heading', attrs: { level }, content: [text(t)] });
const ol = (...items: Node[][]): Node => ({ type: 'orderedList', content: items.map((c) => ({ type: 'listItem', content: c })) });
const ul = (...items: string[]): Node => ({ type: 'bulletList', content: items.map((t) => ({ type: 'listItem', content: [p(t)] })) });
const table = (head: string[], rows: string[][]): Node => ({
  type: 'table',
  content: [
    { type: 'tableRow', content: head.map((c) => ({ type: 'tableHeader', content: [p(c)] })) },
    ...rows.map((r) => ({ type: 'tableRow', content: r.map((c) => ({ type: 'tableCell', content: [p(c)] })) })),
  ],
});
const doc = (...content: Node[]): Node => ({ type: 'doc', content });

/** Blocks separated by '\n', as the collaboration server extracts plain text. */
function plainText(n: Node): string {
  if (n.type === 'text') return n.text ?? '';
  const kids = n.content ?? [];
  if (kids.every((k) => k.type === 'text')) return kids.map(plainText).join('');
  return kids.map(plainText).filter(Boolean).join('\n');
}

export const DEMO_DRAFT_TITLES = {
  hydrogen: '关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案',
  chongqing: '关于延续征收国家重大水利工程建设基金的提案（重庆委员意见汇总）',
  sichuan: '四川省政协委员关于成渝地区双城经济圈建设的调研报告（初稿）',
} as const;

const hydrogen = doc(
  h(1, DEMO_DRAFT_TITLES.hydrogen),
  p(bold('起草说明：'), '本提案由住渝全国政协委员与四川省政协委员联名提出，已被遴选为2024年度全国政协重点提案。国家发展改革委、科技部等部委在办理回复中表示，在申报重大项目等相关事项上给予支持。本稿为两地委员根据办理回复意见修改完善的跟踪稿，请在各自负责的部分直接修改。'),
  h(2, '案由'),
  p('氢能是构建清洁低碳、安全高效能源体系的重要载体，燃料电池汽车是氢能在交通领域规模化应用的主要突破口。国家自2020年起开展燃料电池汽车示范应用，以城市群为单位，对关键核心技术产业化攻关和推广应用给予奖励，已先后批复京津冀、上海、广东、河南、河北五个示范城市群。'),
  p('成渝地区是我国西部汽车产业和装备制造业最集中的区域之一，四川水电资源丰富，重庆工业副产氢资源充足，两地已于2021年共同启动“成渝氢走廊”建设，沿成渝高速公路等干线布局加氢站、开通氢能物流和客运示范线路。但成渝地区尚未纳入国家燃料电池汽车示范应用城市群，在政策支持、资金奖励和标准衔接上与示范城市群存在明显差距，不利于发挥成渝地区双城经济圈的整体优势。'),
  p('为推动成渝地区双城经济圈建设走深走实，把成渝氢走廊打造为西部氢能产业高质量发展的示范带，建议国家支持成渝氢走廊区域纳入燃料电池汽车示范应用城市群。'),
  h(2, '现状与问题'),
  p('经两地委员联合调研，成渝氢走廊建设已具备一定基础，但与国家示范城市群相比，仍存在以下突出问题（下表为调研组汇总，具体数据请两地发展改革、经济信息部门核实后补充）：'),
  table(['方面', '现状', '主要问题'], [
    ['示范政策', '川渝分别出台氢能产业发展规划和支持政策，共同启动成渝氢走廊建设', '未纳入国家示范城市群，缺少中央财政奖励资金和统一的考核评价体系'],
    ['加氢站网络', '成都、重庆主城及沿线节点已建成一批加氢站，开通氢能物流示范线路', '站点密度低、跨省布局不衔接，建设审批和经营许可标准两地不统一'],
    ['车辆推广', '以公交、物流、环卫等商用车为主开展示范运营', '车辆规模小，运营里程和氢耗数据未实现两地共享，车辆购置和用氢成本偏高'],
    ['氢源保障', '四川可再生能源电解水制氢条件好，重庆工业副产氢资源丰富', '储运以高压长管拖车为主，运输半径受限，终端氢价缺乏竞争力'],
    ['产业链', '两地拥有燃料电池系统、整车和装备制造骨干企业', '电堆、膜电极、储氢瓶等关键零部件配套不足，协同攻关机制尚未建立'],
  ]),
  p('上述问题的根本原因在于：成渝氢走廊作为跨省域的整体，尚未在国家层面获得“示范应用城市群”的政策定位，两地各自推进，难以形成统一市场和规模效应。'),
  h(2, '建议'),
  ol(
    [p(bold('将成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群。'), '在示范期延续或扩围时，统筹考虑成渝地区双城经济圈的产业基础和区位优势，以成都、重庆为牵头城市，联合沿线城市组建成渝示范城市群，享受同等的中央财政奖励和考核政策。')],
    [p(bold('统筹布局跨省加氢基础设施。'), '支持沿成渝高速、成渝北线高速、渝遂高速等干线和物流枢纽统一规划加氢站，推动两地加氢站建设审批、安全监管和经营许可标准互认，探索油氢电综合能源站模式。')],
    [p(bold('支持可再生能源制氢和副产氢高效利用。'), '发挥四川水电、重庆工业副产氢资源优势，支持开展“水电+氢”示范，研究降低电解水制氢用电成本的支持政策，推进管道输氢等低成本储运技术试点。')],
    [p(bold('建立川渝联合的示范运营和数据平台。'), '统一车辆运营、氢耗和安全监测数据接入标准，实现示范数据两地共享，为示范考核和政策评估提供依据。')],
    [p(bold('加强关键技术协同攻关。'), '依托两地高校、科研院所和骨干企业，围绕电堆、膜电极、双极板、储氢瓶等关键零部件组建创新联合体，支持首台（套）装备推广应用。')],
  ),
  p('以上建议，请国家发展改革委、财政部、工业和信息化部、科技部、国家能源局等部门研究办理。'),
);

const chongqing = doc(
  h(1, DEMO_DRAFT_TITLES.chongqing),
  p(bold('说明：'), '本稿汇总重庆市政协委员对联名提案的意见，经提案委员会整理后再与湖北方会商，暂不对外共享。'),
  h(2, '案由'),
  p('国家重大水利工程建设基金是支持三峡后续工作、南水北调等重大水利工程建设和运行管理的重要资金来源。长江上游重要生态屏障建设、三峡库区地质灾害防治和移民安稳致富等任务仍然繁重，资金需求长期存在。'),
  h(2, '委员意见'),
  ul(
    '多数委员认为，应延续征收重大水利工程建设基金，并保持对三峡库区的支持力度不减。',
    '部分委员建议在提案中补充三峡库区危岩地质灾害防治重点调研的成果，说明监测预警体系建设的资金缺口。',
    '有委员提出，应将基金使用与长江航道危岩地灾应急救援办法的落实相衔接。',
  ),
  h(2, '建议（待会商）'),
  p('建议财政部会同水利部研究评估基金延续征收方案，明确对三峡后续工作的支持比例，并建立库区省市参与的资金使用绩效评价机制。'),
);

const sichuan = doc(
  h(1, DEMO_DRAFT_TITLES.sichuan),
  p(bold('说明：'), '本报告为四川省政协委员调研组内部初稿，修改完善后再提交川渝联合调研组讨论。'),
  h(2, '一、调研基本情况'),
  p('调研组围绕成渝地区双城经济圈建设，先后赴成都、德阳、内江、遂宁等地，就产业协作、交通互联、公共服务共建共享等开展调研，召开座谈会，听取市（州）政协、有关部门和企业意见。'),
  h(2, '二、取得的成效'),
  ul(
    '交通互联加快推进，成渝中线高铁等重大项目建设有序推进，毗邻地区通勤便利度提升。',
    '产业协作持续深化，汽车、电子信息、装备制造等产业链上下游配套合作不断加强。',
    '公共服务共建共享扩面提质，政务服务“川渝通办”事项持续增加，共建区域医疗中心取得进展。',
  ),
  h(2, '三、存在的问题'),
  p('一是跨区域协同机制仍以会商协调为主，统一的要素市场和利益共享机制有待建立；二是毗邻地区合作平台政策落地不均衡，部分园区同质化竞争；三是柑橘等特色农业产业链协作不足，品牌共建和市场开拓合力不够。'),
  h(2, '四、对策建议'),
  p('建议进一步完善川渝两省市政协合作平台机制，围绕重点提案开展跨区域督办；推动毗邻地区功能平台错位发展；联合开展柑橘产业发展调研，推动品牌共建和产销对接。'),
);

type DemoUsers = Record<string, { id: string; region: string; orgId: string }>;

/**
 * Inserts the demo drafts as the owner (no row-level security). Call inside the seed transaction after
 * the workspaces exist: `await seedDemoDrafts(trx, users)`.
 */
export async function seedDemoDrafts(trx: Transaction<DB>, users: DemoUsers): Promise<void> {
  const { id: chuanyu } = await trx.selectFrom('workspaces').select('id')
    .where('name', '=', '川渝两省市政协合作平台').executeTakeFirstOrThrow();
  const draft = async (
    title: string, kind: 'proposal' | 'research', author: string, visibility: 'region' | 'joint', json: Node,
    collaborators: Array<[string, 'editor' | 'commenter' | 'viewer']>, daysAgo: number,
  ) => {
    const a = users[author];
    const at = new Date(Date.now() - daysAgo * 24 * 3600 * 1000);
    const { id } = await trx.insertInto('drafts').values({
      workspace_id: chuanyu, owner_org_id: a.orgId, owner_region: a.region, visibility, kind, title,
      author_id: a.id, plain_text: plainText(json), created_at: new Date(at.getTime() - 7 * 24 * 3600 * 1000), updated_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    const { state, clientId } = documentStateFromJSON(json);
    await trx.insertInto('draft_snapshots').values({ draft_id: id, data: state, last_update_id: 0 }).execute();
    await trx.insertInto('draft_client_ids').values({ draft_id: id, client_id: clientId, user_id: a.id }).execute();
    if (collaborators.length > 0) {
      await trx.insertInto('draft_collaborators').values(collaborators.map(([u, role]) => ({
        draft_id: id, user_id: users[u].id, region: users[u].region, role, added_by: a.id,
      }))).execute();
    }
  };
  await draft(DEMO_DRAFT_TITLES.hydrogen, 'proposal', 'cq-member', 'joint', hydrogen,
    [['sc-member', 'editor'], ['cq-coordinator', 'commenter'], ['sc-coordinator', 'commenter']], 1);
  await draft(DEMO_DRAFT_TITLES.chongqing, 'proposal', 'cq-member', 'region', chongqing,
    [['cq-staff', 'editor'], ['cq-leader', 'commenter']], 3);
  await draft(DEMO_DRAFT_TITLES.sichuan, 'research', 'sc-member', 'region', sichuan,
    [['sc-staff', 'editor'], ['sc-leader', 'commenter']], 2);
}
