import { sql } from 'kysely';
import type { Executor } from '../index';
import { workspaceRegions } from './workspaces';
import type { Region, Visibility } from '../../shared/domain/model';

const noticeColumns = [
  'n.id', 'n.workspace_id as workspaceId', 'n.owner_org_id as ownerOrgId', 'n.owner_region as ownerRegion',
  'n.visibility', 'n.title', 'n.body', 'n.author_id as authorId', 'n.created_at as createdAt', 'n.updated_at as updatedAt',
  'u.display_name as authorName', 'o.name as ownerOrgName', 'w.name as workspaceName',
] as const;

function noticeQuery(db: Executor) {
  return db.selectFrom('notices as n')
    .innerJoin('users as u', 'u.id', 'n.author_id')
    .innerJoin('orgs as o', 'o.id', 'n.owner_org_id')
    .innerJoin('workspaces as w', 'w.id', 'n.workspace_id')
    .select([...noticeColumns, workspaceRegions(sql.ref('n.workspace_id')).as('workspaceRegions')]);
}

export type NoticeRow = Awaited<ReturnType<typeof findNotice>> & {};

export function findNotice(db: Executor, id: string) {
  return noticeQuery(db).where('n.id', '=', id).executeTakeFirst();
}

/** Notices in the given workspaces, newest first; row-level security already drops what the actor may not read. */
export function listNotices(db: Executor, workspaceIds: string[], limit = 100) {
  if (workspaceIds.length === 0) return Promise.resolve([]);
  return noticeQuery(db).where('n.workspace_id', 'in', workspaceIds).orderBy('n.created_at', 'desc').limit(limit).execute();
}

export async function insertNotice(db: Executor, n: {
  workspaceId: string; ownerOrgId: string; ownerRegion: Region; visibility: Visibility; title: string; body: string; authorId: string;
}): Promise<string> {
  const { id } = await db.insertInto('notices').values({
    workspace_id: n.workspaceId, owner_org_id: n.ownerOrgId, owner_region: n.ownerRegion,
    visibility: n.visibility, title: n.title, body: n.body, author_id: n.authorId,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function updateNoticeRow(db: Executor, id: string, set: { title: string; body: string } | { visibility: Visibility }) {
  return db.updateTable('notices').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
}

export function deleteNoticeRow(db: Executor, id: string) {
  return db.deleteFrom('notices').where('id', '=', id).execute();
}
