import type { Kysely } from 'kysely';
import type { DB } from '../../db';
import type { Actor } from '../../shared/policy';
import type { Visibility, WorkspaceRole } from '../../shared/domain/model';
import { asOwner, openSeededDatabase } from '../support/db';

/** Titles and names from db/seed (the demo data), as the tests refer to them. */
export const SEED = {
  notices: {
    jointHydrogen: '关于联合开展成渝氢走廊提案调研的通知',
    jointPlan: '川渝两省市政协合作平台2025年联合协商计划',
    cqRegion: '重庆方联名提案征集安排（重庆内部）',
    scRegion: '四川方联名提案签署安排（四川内部）',
    cqOrg: '重庆市政协机关材料报送安排（机关内部）',
    cqOwnRegion: '2025年度重点提案遴选工作安排',
    scOwnRegion: '四川省政协提案委员会年度工作要点',
    wujiangJoint: '乌江航道通航能力联合视察行程安排',
  },
  workspaces: {
    chuanyu: '川渝两省市政协合作平台',
    chengyu: '成渝两市政协合作平台',
    bashu: '川渝八市政协联合协商·巴蜀文化旅游走廊',
    wujiang: '乌江航道通航能力联合视察',
    cqOwn: '重庆市政协提案委员会工作区',
    scOwn: '四川省政协提案委员会工作区',
  },
} as const;

export async function noticeId(db: Kysely<DB>, title: string): Promise<string> {
  return (await asOwner(db, (trx) => trx.selectFrom('notices').select('id').where('title', '=', title).executeTakeFirstOrThrow())).id;
}

export async function workspaceId(db: Kysely<DB>, name: string): Promise<string> {
  return (await asOwner(db, (trx) => trx.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirstOrThrow())).id;
}

/** A demo user as the policy sees them: roles and workspace memberships. */
export async function actorOf(db: Kysely<DB>, username: string): Promise<Actor & { displayName: string }> {
  return asOwner(db, async (trx) => {
    const u = await trx.selectFrom('users').select(['id', 'region', 'org_id', 'roles', 'display_name'])
      .where('username', '=', username).executeTakeFirstOrThrow();
    const ms = await trx.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', u.id).execute();
    return {
      id: u.id, region: u.region, orgId: u.org_id, roles: u.roles, displayName: u.display_name,
      workspaces: Object.fromEntries(ms.map((m) => [m.workspace_id, m.role as WorkspaceRole])),
    };
  });
}

/** The demo database for a service test: the named users as the policy sees them, the demo drafts' ids by title. */
export async function openDemo(usernames: readonly string[]) {
  const t = await openSeededDatabase();
  const as: Record<string, Actor & { displayName: string }> = {};
  for (const u of usernames) as[u] = await actorOf(t.db, u);
  const drafts = await asOwner(t.db, (trx) => trx.selectFrom('drafts').select(['id', 'title']).execute());
  return { t, as, drafts: Object.fromEntries(drafts.map((d) => [d.title, d.id])) };
}

/** A notice written straight into the database (as the owner), authored by a demo user in their own org. */
export async function insertNotice(db: Kysely<DB>, o: { workspace: string; author: string; visibility: Visibility; title: string }) {
  const [wsId, author] = await Promise.all([workspaceId(db, o.workspace), actorOf(db, o.author)]);
  return (await asOwner(db, (trx) => trx.insertInto('notices').values({
    workspace_id: wsId, owner_org_id: author.orgId, owner_region: author.region, visibility: o.visibility,
    title: o.title, body: `${o.title}（测试数据）`, author_id: author.id,
  }).returning('id').executeTakeFirstOrThrow())).id;
}
