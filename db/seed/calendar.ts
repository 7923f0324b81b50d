import type { Transaction } from 'kysely';
import type { DB } from '../schema';
import type { Visibility } from '../../shared/domain/model';
import { addDays, beijingDay, beijingInstant, mondayOf, rruleFor, type EventKind, type Repeat } from '../../shared/domain/calendar';

type Users = Record<string, { id: string; region: string; orgId: string }>;

/** Titles of the demo events, for tests. */
export const DEMO_EVENTS = {
  bashu: '川渝八市政协联合协商会（巴蜀文化旅游走廊）',
  corridor: '西部陆海新通道提案现场办理会',
  lecture: '政协大讲堂：成渝地区双城经济圈建设',
  cqWeekly: '重庆市政协秘书长办公会议',
  scWeekly: '四川省政协秘书长办公会议',
  briefing: '川渝两省市政协联合情况通报会',
  wujiang: '乌江航道通航能力联合视察（现场）',
  cqPrivate: '重庆方联名提案内部碰头会',
  scPrivate: '四川方联名提案内部碰头会',
} as const;

/**
 * The year's joint consultations around the day the demo is seeded (so the calendar opens on them):
 * the 巴蜀文化旅游走廊 joint consultation of eight cities (organised by 四川省政协 and 重庆市政协 together), the 西部陆海新通道 on-site handling meeting, a
 * 政协大讲堂 lecture, a monthly joint briefing, the 乌江 inspection with 贵州, each region's weekly
 * secretaries-general meeting (one occurrence cancelled) and each region's private preparatory meeting.
 */
export async function seedDemoEvents(trx: Transaction<DB>, users: Users, workspaces: Record<'chuanyu' | 'bashu' | 'wujiang' | 'cqOwn' | 'scOwn', string>) {
  const monday = mondayOf(beijingDay(Date.now()));
  const event = async (e: {
    workspace: keyof typeof workspaces; author: string; visibility: Visibility; kind: EventKind; title: string;
    day: number; start?: string; end?: string; days?: number; place?: string; onlineUrl?: string; description?: string;
    repeat?: Repeat; invitees?: string[];
    /** Committees organising it with the author's (主办单位), by name. */
    coorganisers?: string[];
  }) => {
    const day = addDays(monday, e.day);
    const allDay = !e.start;
    const { id } = await trx.insertInto('events').values({
      workspace_id: workspaces[e.workspace], owner_org_id: users[e.author].orgId, owner_region: users[e.author].region,
      visibility: e.visibility, author_id: users[e.author].id, kind: e.kind, title: e.title, place: e.place ?? '',
      online_url: e.onlineUrl ?? '', description: e.description ?? '',
      starts_at: beijingInstant(day, e.start ?? '00:00'),
      ends_at: allDay ? beijingInstant(addDays(day, e.days ?? 1)) : beijingInstant(day, e.end!),
      all_day: allDay, rrule: rruleFor(e.repeat ?? 'none'),
    }).returning('id').executeTakeFirstOrThrow();
    const coorganisers = e.coorganisers?.length
      ? (await trx.selectFrom('orgs').select('id').where('name', 'in', e.coorganisers).execute()).map((o) => o.id) : [];
    await trx.insertInto('event_organisers').values([users[e.author].orgId, ...coorganisers].map((org_id) => ({ event_id: id, org_id }))).execute();
    if (e.invitees?.length) {
      await trx.insertInto('event_invitees').values(e.invitees.map((u) => ({ event_id: id, user_id: users[u].id }))).execute();
    }
    return { id, day };
  };

  await event({
    workspace: 'bashu', author: 'sc-coordinator', visibility: 'joint', kind: 'joint_consultation', title: DEMO_EVENTS.bashu,
    day: 2, start: '09:00', end: '12:00', place: '成都市政协机关三楼会议室',
    description: '川渝八市政协围绕巴蜀文化旅游走廊建设开展联合协商，各市政协作交流发言。',
    invitees: ['sc-member2', 'cq-coordinator', 'cq-member2'], coorganisers: ['重庆市政协'],
  });
  await event({
    workspace: 'chuanyu', author: 'cq-coordinator', visibility: 'joint', kind: 'onsite_meeting', title: DEMO_EVENTS.corridor,
    day: 8, start: '14:30', end: '17:00', place: '重庆市政协机关会议中心',
    description: '围绕《关于统筹推进西部陆海新通道高质量发展的建议》，六家承办单位现场答复。',
    invitees: ['cq-leader', 'cq-member', 'sc-leader', 'sc-member'],
  });
  await event({
    workspace: 'chuanyu', author: 'sc-coordinator', visibility: 'joint', kind: 'lecture', title: DEMO_EVENTS.lecture,
    day: 4, start: '15:00', end: '17:00', place: '线上', onlineUrl: 'https://meeting.example.org/dajiangtang',
    invitees: ['sc-member', 'cq-member'],
  });
  await event({
    workspace: 'chuanyu', author: 'sc-coordinator', visibility: 'joint', kind: 'briefing', title: DEMO_EVENTS.briefing,
    day: 3, start: '10:00', end: '11:30', place: '视频会议', repeat: 'monthly', invitees: ['sc-leader', 'cq-leader'],
  });
  await event({
    workspace: 'wujiang', author: 'cq-coordinator', visibility: 'joint', kind: 'inspection', title: DEMO_EVENTS.wujiang,
    day: 15, days: 3, place: '乌江航道（重庆武隆—贵州思南段）', invitees: ['cq-member', 'gz-member'],
  });
  const cqWeekly = await event({
    workspace: 'cqOwn', author: 'cq-coordinator', visibility: 'region', kind: 'meeting', title: DEMO_EVENTS.cqWeekly,
    day: 0, start: '09:00', end: '10:30', place: '重庆市政协机关', repeat: 'weekly', invitees: ['cq-leader', 'cq-staff'],
  });
  // The meeting of the week after next does not take place (a holiday week, say).
  await trx.insertInto('event_exceptions').values({
    event_id: cqWeekly.id, occurrence_start: beijingInstant(addDays(cqWeekly.day, 14), '09:00'), cancelled: true, starts_at: null, ends_at: null,
  }).execute();
  await event({
    workspace: 'scOwn', author: 'sc-coordinator', visibility: 'region', kind: 'meeting', title: DEMO_EVENTS.scWeekly,
    day: 0, start: '09:00', end: '10:00', place: '四川省政协机关', repeat: 'weekly', invitees: ['sc-leader', 'sc-staff'],
  });
  await event({
    workspace: 'chuanyu', author: 'cq-coordinator', visibility: 'region', kind: 'meeting', title: DEMO_EVENTS.cqPrivate,
    day: 3, start: '16:00', end: '17:00', place: '重庆市政协提案委员会', invitees: ['cq-member', 'cq-leader'],
  });
  await event({
    workspace: 'chuanyu', author: 'sc-coordinator', visibility: 'region', kind: 'meeting', title: DEMO_EVENTS.scPrivate,
    day: 3, start: '16:00', end: '17:00', place: '四川省政协提案委员会', invitees: ['sc-member', 'sc-leader'],
  });
}
