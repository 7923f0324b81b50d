import { sql } from 'kysely';
import type { Executor } from '../index';
import type { DraftRef, CollaboratorRole } from '../../shared/policy';

/** The policy view of a draft: the record fields plus its collaborators and their roles. */
export async function findDraftRef(db: Executor, id: string): Promise<(DraftRef & { id: string; title: string }) | null> {
  const row = await db.selectFrom('drafts as d')
    .select([
      'd.id', 'd.title', 'd.workspace_id as workspaceId', 'd.owner_org_id as ownerOrgId',
      'd.owner_region as ownerRegion', 'd.visibility', 'd.author_id as authorId',
      sql<Array<{ userId: string; role: CollaboratorRole }> | null>`(
        select json_agg(json_build_object('userId', c.user_id, 'role', c.role))
        from draft_collaborators c where c.draft_id = d.id)`.as('collaborators'),
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...row,
    collaborators: Object.fromEntries((row.collaborators ?? []).map((c) => [c.userId, c.role])),
  };
}
