import type { Transaction } from 'kysely';
import type { DB } from '../schema';
import { defaultDeadline, proposalNumber, PROPOSAL_TOPICS, type ReplyCategory, type Satisfaction } from '../../shared/domain/proposal';
import { addDays, beijingInstant } from '../../shared/domain/calendar';
import { replyLetterPdf } from './reply-letter';

/**
 * Demo proposals (提案办理, docs/proposals.md): Chongqing's 2024 year, whose dashboard reads the work
 * report's own figures, and the named proposals of docs/domain.md. Bulk rows go in as a few
 * multi-row inserts (this runs on the first start of the embedded database).
 */

export const DEMO_PROPOSALS = {
  /** 渝政协2024第0001号, the "No. 1 proposal": key, closed, with its on-site handling meeting of six units. */
  corridor: '关于统筹推进西部陆海新通道高质量发展的建议',
  /** 渝政协2026第0001号: joint, key, answered by 国家发展改革委 (state replied: the sponsor evaluates next). */
  hydrogen: '关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案',
  /** 渝政协2026第0002号: joint, just submitted (staff review it next). */
  jointSubmitted: '关于共建川渝毗邻地区产业合作园区的提案',
  /** 渝政协2025第0001号: assigned to 市发展改革委, being handled, past its deadline. */
  cqOverdue: '关于加快推进中心城区城市更新的提案',
  /** 川政协2024第0001号–0003号: Sichuan's own (region visibility). */
  scHandling: '关于完善四川省高速公路服务区新能源汽车充电设施的提案',
  scSubmitted: '关于加强川西林盘保护利用的提案',
  scClosed: '关于推动天府粮仓建设的提案',
} as const;

/** The 答复函 attached to the hydrogen proposal's reply (a PDF: db/seed/reply-letter.ts). */
export const DEMO_REPLY_LETTER = '国家发展改革委答复函（氢走廊提案）.pdf';

/** The figures the seeded year must show (docs/proposals.md explains the arithmetic). */
export const DEMO_YEAR = {
  year: 2024,
  received: 1551,
  filed: 1364,
  /** One evaluation per assignment: 1364 lead units + 266 co-units. */
  evaluations: 1630,
  /** 满意 + 基本满意: 1600 / 1630 = 98.1595…% → 98.16%. */
  positive: 1600,
} as const;

/** The six units of the 西部陆海新通道 on-site handling meeting (现场办理会), the lead unit first. */
export const CORRIDOR_UNITS = ['市发展改革委', '市交通运输委', '市商务委', '市政府口岸物流办', '重庆海关', '市经济信息委'] as const;
/** More Chongqing units the year's proposals are assigned to. */
const OTHER_CQ_UNITS = ['市文化旅游委', '市生态环境局', '市教委', '市卫生健康委'] as const;

type UserMap = Record<string, { id: string; region: string; orgId: string }>;

const SUBJECTS = [
  '成渝地区双城经济圈建设', '长江上游生态屏障建设', '川渝电网一体化', '数字经济与实体经济融合', '农村集体经济发展',
  '职业教育产教融合', '中心城区停车难问题治理', '养老服务体系建设', '基层医疗卫生服务能力', '科技成果转化',
  '民营企业融资', '乡村振兴人才队伍', '巴蜀文化旅游走廊', '智能网联新能源汽车产业', '嘉陵江流域综合治理',
  '城市地下管网改造', '青年人才安居', '托育服务供给', '中小学课后服务', '山地城市交通治理',
  '三峡库区消落带治理', '危岩地质灾害防治', '涉企行政执法规范', '社区嵌入式服务设施', '非物质文化遗产保护',
]; // 25
const VERBS = ['加快', '进一步推进', '完善', '支持', '加强', '优化', '健全', '推动']; // 8 × 25 = 200 titles
const NOT_FILED_REASONS = ['内容属于个人诉求，转为委员来信办理', '建议事项已有明确政策，转社情民意信息', '一事多案，并入同题提案办理'];

const at = (day: string, time = '10:00') => beijingInstant(day, time);

export async function seedDemoProposals(trx: Transaction<DB>, users: UserMap, ws: { chuanyu: string }) {
  const orgId = async (name: string) =>
    (await trx.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const cq = await orgId('重庆市政协');
  const sc = await orgId('四川省政协');
  const ndrc = await orgId('国家发展改革委');
  const scTransport = await orgId('四川省交通运输厅');
  // Units the demo needs that the base seed does not create.
  const existing = new Set((await trx.selectFrom('orgs').select('name').execute()).map((o) => o.name));
  const missing = [...CORRIDOR_UNITS, ...OTHER_CQ_UNITS].filter((n) => !existing.has(n));
  if (missing.length > 0) {
    await trx.insertInto('orgs').values(missing.map((name) => ({ name, region: 'chongqing', kind: 'unit' as const, level: null }))).execute();
  }
  const units = await trx.selectFrom('orgs').select(['id', 'name']).where('name', 'in', [...CORRIDOR_UNITS, ...OTHER_CQ_UNITS]).execute();
  const unitId = Object.fromEntries(units.map((u) => [u.name, u.id]));
  const unitCycle = [...CORRIDOR_UNITS, ...OTHER_CQ_UNITS].map((n) => unitId[n]);

  // ---- Chongqing 2024: 1551 received, 1364 filed, every filed one replied on time and closed ----
  const authors = ['cq-member', 'cq-member2', 'cq-leader'];
  const notFiled = (i: number) => i % 8 === 0 && i / 8 <= DEMO_YEAR.received - DEMO_YEAR.filed; // 187 of them: 8, 16, … 1496
  const yearRows = Array.from({ length: DEMO_YEAR.received }, (_, k) => {
    const i = k + 1;
    const submitted = addDays('2024-01-10', k % 60);
    const filed = !notFiled(i);
    const filedDay = addDays(submitted, 14);
    const assignedDay = addDays(filedDay, 3);
    const deadline = defaultDeadline(assignedDay);
    const repliedDay = addDays(assignedDay, 30 + (k % 50));
    const category: ReplyCategory = k % 10 < 6 ? 'A' : k % 10 < 9 ? 'B' : 'C';
    const author = users[authors[k % authors.length]];
    return {
      owner_org_id: cq, owner_region: 'chongqing', workspace_id: null, visibility: 'region' as const, regions: ['chongqing'],
      author_id: author.id, year: DEMO_YEAR.year, sequence: i, number: proposalNumber('渝政协', DEMO_YEAR.year, i),
      title: i === 1 ? DEMO_PROPOSALS.corridor : `关于${VERBS[Math.floor(k / SUBJECTS.length) % VERBS.length]}${SUBJECTS[k % SUBJECTS.length]}的提案`,
      category: i === 1 ? 'economy' : PROPOSAL_TOPICS[k % PROPOSAL_TOPICS.length],
      body: i === 1
        ? '西部陆海新通道是国家战略性通道。建议统筹通道运营组织、口岸功能、物流枢纽和开放平台建设，推动通道高质量发展。'
        : '建议有关部门加强统筹协调，完善政策措施，推动相关工作落地见效。',
      state: filed ? 'closed' as const : 'not_filed' as const,
      not_filed_reason: filed ? null : NOT_FILED_REASONS[k % NOT_FILED_REASONS.length],
      is_key: i === 1 || i % 137 === 2,
      key_leader_id: i === 1 || i % 137 === 2 ? users['cq-leader'].id : null,
      deadline: filed ? deadline : null,
      reply_category: filed ? category : null,
      submitted_at: at(submitted, '09:30'),
      filed_at: filed ? at(filedDay) : null,
      replied_at: filed ? at(repliedDay, '16:00') : null,
      closed_at: filed ? at(addDays(repliedDay, 20)) : null,
      updated_at: filed ? at(addDays(repliedDay, 20)) : at(filedDay),
    };
  });
  const inserted: Array<{ id: string; sequence: number; author_id: string; state: string }> = [];
  for (let s = 0; s < yearRows.length; s += 800) {
    inserted.push(...await trx.insertInto('proposals').values(yearRows.slice(s, s + 800))
      .returning(['id', 'sequence', 'author_id', 'state']).execute());
  }
  inserted.sort((a, b) => a.sequence - b.sequence);
  await trx.insertInto('proposal_sponsors').values(inserted.map((p) => ({
    proposal_id: p.id, user_id: p.author_id, region: 'chongqing', role: 'lead' as const, signed_at: yearRows[p.sequence - 1].submitted_at,
  }))).execute();

  // Assignments: every filed proposal has its lead unit; the corridor proposal five co-units; 261 more
  // proposals one co-unit each: 1364 + 5 + 261 = 1630 assignments, each evaluated by the sponsor.
  const filedRows = inserted.filter((p) => p.state === 'closed');
  const assignments: Array<{ proposal_id: string; unit_org_id: string; role: 'lead' | 'co'; sequence: number; author: string }> = [];
  filedRows.forEach((p, k) => {
    const lead = p.sequence === 1 ? unitId[CORRIDOR_UNITS[0]] : unitCycle[k % unitCycle.length];
    assignments.push({ proposal_id: p.id, unit_org_id: lead, role: 'lead', sequence: p.sequence, author: p.author_id });
    if (p.sequence === 1) {
      for (const name of CORRIDOR_UNITS.slice(1)) assignments.push({ proposal_id: p.id, unit_org_id: unitId[name], role: 'co', sequence: 1, author: p.author_id });
    } else if (k <= 261) {
      assignments.push({ proposal_id: p.id, unit_org_id: unitCycle[(k + 3) % unitCycle.length], role: 'co', sequence: p.sequence, author: p.author_id });
    }
  });
  if (assignments.length !== DEMO_YEAR.evaluations) throw new Error(`seed: ${assignments.length} assignments, expected ${DEMO_YEAR.evaluations}`);
  const assignmentRows: Array<{ id: string; proposal_id: string; unit_org_id: string; role: string }> = [];
  for (let s = 0; s < assignments.length; s += 1000) {
    assignmentRows.push(...await trx.insertInto('proposal_assignments').values(assignments.slice(s, s + 1000).map((a, j) => {
      const row = yearRows[a.sequence - 1];
      return {
        proposal_id: a.proposal_id, unit_org_id: a.unit_org_id, unit_region: 'chongqing', role: a.role, deadline: row.deadline!,
        status: 'replied' as const, quality: (s + j) % 20 === 0 ? 'fair' as const : 'good' as const,
        assigned_at: row.filed_at!, replied_at: row.replied_at,
      };
    })).returning(['id', 'proposal_id', 'unit_org_id', 'role']).execute());
  }
  // Ratings: 30 不满意 (every 54th), some 基本满意, the rest 满意: 1600 of 1630 satisfied or basically.
  const rating = (j: number): Satisfaction => (j % 54 === 53 ? 'dissatisfied' : j % 9 === 4 ? 'basically' : 'satisfied');
  const authorOf = new Map(assignments.map((a) => [a.proposal_id, a.author]));
  const seqOf = new Map(inserted.map((p) => [p.id, p.sequence]));
  await trx.insertInto('proposal_evaluations').values(assignmentRows.map((a, j) => ({
    proposal_id: a.proposal_id, assignment_id: a.id, unit_org_id: a.unit_org_id, rating: rating(j),
    author_id: authorOf.get(a.proposal_id)!, comment: '', created_at: yearRows[seqOf.get(a.proposal_id)! - 1].closed_at!,
  }))).execute();
  const unitAuthor = users['cq-staff'].id;
  const leads = assignmentRows.filter((a) => a.role === 'lead');
  for (let s = 0; s < leads.length; s += 1000) {
    await trx.insertInto('proposal_replies').values(leads.slice(s, s + 1000).map((a) => {
      const row = yearRows[seqOf.get(a.proposal_id)! - 1];
      return {
        proposal_id: a.proposal_id, assignment_id: a.id, unit_org_id: a.unit_org_id, kind: 'reply' as const,
        category: row.reply_category, author_id: unitAuthor, created_at: row.replied_at!,
        body: row.sequence === 1
          ? '经市发展改革委会同五家会办单位研究，已将通道运营组织、口岸功能提升和物流枢纽建设纳入年度重点任务，逐项落实。'
          : '经认真研究，已将建议纳入相关工作计划，并明确责任处室推进落实。',
      };
    })).execute();
  }
  const corridorId = inserted[0].id;
  await trx.insertInto('supervision_records').values({
    proposal_id: corridorId, kind: 'onsite', day: '2024-05-16', region: 'chongqing', author_id: users['cq-leader'].id,
    participants: `市政协领导、提案者代表；承办单位：${CORRIDOR_UNITS.join('、')}`,
    outcome: '六家承办单位逐项汇报办理进展，明确通道运营组织、口岸通关便利化和物流枢纽建设的责任分工与完成时限。',
  }).execute();
  await trx.insertInto('proposal_timeline').values([
    { proposal_id: corridorId, action: 'submit', to_state: 'submitted', actor_id: users['cq-leader'].id, at: yearRows[0].submitted_at },
    { proposal_id: corridorId, action: 'file', from_state: 'under_review', to_state: 'filed', actor_id: users['cq-staff'].id, at: yearRows[0].filed_at! },
    { proposal_id: corridorId, action: 'select', actor_id: users['cq-leader'].id, note: '列为一号提案', at: yearRows[0].filed_at! },
    { proposal_id: corridorId, action: 'reply', from_state: 'handling', to_state: 'replied', unit_org_id: unitId[CORRIDOR_UNITS[0]], actor_id: unitAuthor, at: yearRows[0].replied_at! },
    { proposal_id: corridorId, action: 'close', from_state: 'evaluated', to_state: 'closed', actor_id: users['cq-staff'].id, at: yearRows[0].closed_at! },
  ]).execute();

  // ---- The named proposals of the other years ----
  const one = async (p: {
    owner: string; region: 'chongqing' | 'sichuan'; prefix: string; year: number; sequence: number; title: string; author: string;
    cosponsors?: string[]; joint?: boolean; state: 'submitted' | 'handling' | 'replied' | 'closed'; isKey?: boolean;
    submitted: string;
    unit?: { orgId: string; region: string; assigned: string; deadline: string; replied?: string; category?: ReplyCategory; reply?: string;
      letter?: { name: string; bytes: Buffer } };
  }) => {
    const sponsors = [p.author, ...(p.cosponsors ?? [])];
    const regions = [...new Set([p.region, ...sponsors.map((u) => users[u].region)])].sort() as Array<'chongqing' | 'sichuan'>;
    const { id } = await trx.insertInto('proposals').values({
      owner_org_id: p.owner, owner_region: p.region, workspace_id: p.joint ? ws.chuanyu : null, visibility: p.joint ? 'joint' : 'region',
      regions, author_id: users[p.author].id, year: p.year, sequence: p.sequence, number: proposalNumber(p.prefix, p.year, p.sequence),
      title: p.title, category: 'economy', body: `${p.title}。（演示数据）`, state: p.state, is_key: p.isKey ?? false,
      key_leader_id: p.isKey ? users[p.region === 'chongqing' ? 'cq-leader' : 'sc-leader'].id : null,
      deadline: p.unit?.deadline ?? null, reply_category: p.unit?.category ?? null, submitted_at: at(p.submitted),
      filed_at: p.unit ? at(addDays(p.unit.assigned, -3)) : null, replied_at: p.unit?.replied ? at(p.unit.replied, '16:00') : null,
      closed_at: p.state === 'closed' && p.unit?.replied ? at(addDays(p.unit.replied, 15)) : null,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('proposal_sponsors').values(sponsors.map((u, k) => ({
      proposal_id: id, user_id: users[u].id, region: users[u].region, role: k === 0 ? 'lead' as const : 'co' as const, signed_at: at(p.submitted, '09:00'),
    }))).execute();
    const staff = users[p.region === 'chongqing' ? 'cq-staff' : 'sc-staff'].id;
    const timeline: Array<{ proposal_id: string; action: string; from_state?: string; to_state?: string; unit_org_id?: string; note?: string; actor_id: string; at: Date }> = [
      { proposal_id: id, action: 'submit', to_state: 'submitted', actor_id: users[p.author].id, at: at(p.submitted) },
    ];
    if (p.unit) {
      const a = await trx.insertInto('proposal_assignments').values({
        proposal_id: id, unit_org_id: p.unit.orgId, unit_region: p.unit.region, role: 'lead', deadline: p.unit.deadline,
        status: p.unit.replied ? 'replied' : 'handling', assigned_at: at(p.unit.assigned), replied_at: p.unit.replied ? at(p.unit.replied, '16:00') : null,
      }).returning('id').executeTakeFirstOrThrow();
      timeline.push(
        { proposal_id: id, action: 'file', from_state: 'under_review', to_state: 'filed', actor_id: staff, at: at(addDays(p.unit.assigned, -3)) },
        { proposal_id: id, action: 'assign', from_state: 'filed', to_state: 'assigned', unit_org_id: p.unit.orgId, note: 'lead', actor_id: staff, at: at(p.unit.assigned) },
      );
      if (p.unit.replied && p.unit.reply) {
        const reply = await trx.insertInto('proposal_replies').values({
          proposal_id: id, assignment_id: a.id, unit_org_id: p.unit.orgId, kind: 'reply', category: p.unit.category ?? 'A',
          body: p.unit.reply, author_id: users[p.unit.orgId === ndrc ? 'unit-ndrc' : 'unit-cqfgw'].id, created_at: at(p.unit.replied, '16:00'),
        }).returning('id').executeTakeFirstOrThrow();
        if (p.unit.letter) {
          await trx.insertInto('proposal_reply_files').values({ reply_id: reply.id, name: p.unit.letter.name, content_type: 'application/pdf',
            size: p.unit.letter.bytes.length, bytes: p.unit.letter.bytes, created_at: at(p.unit.replied, '16:00') }).execute();
        }
        timeline.push({ proposal_id: id, action: 'reply', from_state: 'handling', to_state: 'replied', unit_org_id: p.unit.orgId,
          actor_id: users[p.unit.orgId === ndrc ? 'unit-ndrc' : 'unit-cqfgw'].id, at: at(p.unit.replied, '16:00') });
      }
    }
    await trx.insertInto('proposal_timeline').values(timeline).execute();
    return id;
  };

  await one({
    owner: cq, region: 'chongqing', prefix: '渝政协', year: 2026, sequence: 1, title: DEMO_PROPOSALS.hydrogen,
    author: 'cq-member', cosponsors: ['sc-member'], joint: true, isKey: true, state: 'replied', submitted: '2026-01-20',
    unit: {
      orgId: ndrc, region: 'national', assigned: '2026-02-10', deadline: defaultDeadline('2026-02-10'), replied: '2026-04-28', category: 'A',
      reply: '国家发展改革委会同科技部等部门研究认为，成渝地区氢能产业基础较好，将在申报重大项目等相关事项上给予支持，并指导两地做好燃料电池汽车示范应用城市群申报准备。',
      letter: { name: DEMO_REPLY_LETTER, bytes: replyLetterPdf('国家发展改革委答复函', [
        '李明委员、刘洋委员：',
        `您们提出的《${DEMO_PROPOSALS.hydrogen}》（渝政协2026第0001号）收悉。经商科技部等部门，现答复如下：`,
        '成渝地区氢能产业基础较好，我委将在申报重大项目等相关事项上给予支持，并指导两地做好燃料电池汽车示范应用城市群申报准备。',
        '感谢您们对发展改革工作的关心和支持。',
        '国家发展改革委',
        '2026年4月28日',
      ]) },
    },
  });
  await one({
    owner: cq, region: 'chongqing', prefix: '渝政协', year: 2026, sequence: 2, title: DEMO_PROPOSALS.jointSubmitted,
    author: 'cq-member', cosponsors: ['sc-member'], joint: true, state: 'submitted', submitted: '2026-11-27',
  });
  await one({
    owner: cq, region: 'chongqing', prefix: '渝政协', year: 2025, sequence: 1, title: DEMO_PROPOSALS.cqOverdue,
    author: 'cq-member2', state: 'handling', submitted: '2025-01-18',
    unit: { orgId: unitId['市发展改革委'], region: 'chongqing', assigned: '2025-02-10', deadline: defaultDeadline('2025-02-10') },
  });
  await one({
    owner: sc, region: 'sichuan', prefix: '川政协', year: 2024, sequence: 1, title: DEMO_PROPOSALS.scHandling,
    author: 'sc-member', state: 'handling', submitted: '2024-01-22',
    unit: { orgId: scTransport, region: 'sichuan', assigned: '2024-02-20', deadline: defaultDeadline('2024-02-20') },
  });
  await one({ owner: sc, region: 'sichuan', prefix: '川政协', year: 2024, sequence: 2, title: DEMO_PROPOSALS.scSubmitted,
    author: 'sc-member2', state: 'submitted', submitted: '2024-01-23' });
  await one({
    owner: sc, region: 'sichuan', prefix: '川政协', year: 2024, sequence: 3, title: DEMO_PROPOSALS.scClosed,
    author: 'sc-member', state: 'closed', submitted: '2024-01-24',
    unit: { orgId: scTransport, region: 'sichuan', assigned: '2024-02-20', deadline: defaultDeadline('2024-02-20'), replied: '2024-04-10', category: 'B' },
  });

  await trx.insertInto('proposal_counters').values([
    { owner_org_id: cq, year: 2024, last: DEMO_YEAR.received },
    { owner_org_id: cq, year: 2025, last: 1 },
    { owner_org_id: cq, year: 2026, last: 2 },
    { owner_org_id: sc, year: 2024, last: 3 },
  ]).execute();
}
