import { sql } from 'kysely';
import { containsPattern } from './like';
import { workspaceRegions } from './workspaces';
import type { Executor } from '../index';
import type { DraftRef, CollaboratorRole } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import type { DraftKind } from '../../shared/validation/drafts';

/** The policy view of a draft: the record fields plus its collaborators and their roles. */
export async function findDraftRef(db: Executor, id: string): Promise<(DraftRef & { id: string; title: string }) | null> {
  const row = await db.selectFrom('drafts as d')
    .select([
      'd.id', 'd.title', 'd.workspace_id as workspaceId', 'd.owner_org_id as ownerOrgId',
      'd.owner_region as ownerRegion', 'd.visibility', 'd.author_id as authorId',
      frozenColumn,
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

/** Frozen for signing or submitted as a proposal: nobody edits it (shared/policy `draft.edit`). */
const frozenColumn = sql<boolean>`(d.signing_hash is not null or d.proposal_id is not null)`.as('frozen');

const draftColumns = [
  'd.id', 'd.title', 'd.kind', 'd.visibility', 'd.workspace_id as workspaceId', 'd.owner_org_id as ownerOrgId',
  'd.owner_region as ownerRegion', 'd.author_id as authorId', 'd.created_at as createdAt', 'd.updated_at as updatedAt',
  'w.name as workspaceName', 'a.display_name as authorName', 'o.name as ownerOrgName',
] as const;

/** Who a joint draft is shared between: the regions of its workspace. */
const regionsColumn = workspaceRegions(sql.ref('d.workspace_id')).as('workspaceRegions');

const collaboratorsJson = sql<Array<{ userId: string; role: CollaboratorRole }> | null>`(
  select json_agg(json_build_object('userId', c.user_id, 'role', c.role))
  from draft_collaborators c where c.draft_id = d.id)`.as('collaborators');

const toRoles = (rows: Array<{ userId: string; role: CollaboratorRole }> | null) =>
  Object.fromEntries((rows ?? []).map((c) => [c.userId, c.role])) as Record<string, CollaboratorRole>;


export interface DraftListFilter { workspaceIds: string[]; workspaceId?: string; q?: string; involving?: string }

/**
 * Drafts in the given workspaces (row-level security already hides what the actor may not read),
 * newest change first. `involving`: only drafts that user wrote or collaborates on.
 */
export async function listDrafts(db: Executor, f: DraftListFilter, limit = 200) {
  const ids = f.workspaceId ? f.workspaceIds.filter((w) => w === f.workspaceId) : f.workspaceIds;
  if (ids.length === 0) return [];
  let query = db.selectFrom('drafts as d')
    .innerJoin('workspaces as w', 'w.id', 'd.workspace_id')
    .innerJoin('users as a', 'a.id', 'd.author_id')
    .innerJoin('orgs as o', 'o.id', 'd.owner_org_id')
    .select([...draftColumns, regionsColumn, collaboratorsJson])
    .where('d.workspace_id', 'in', ids);
  if (f.q) query = query.where(sql<boolean>`d.title ilike ${containsPattern(f.q)}`);
  if (f.involving) {
    const userId = f.involving;
    query = query.where((eb) => eb.or([
      eb('d.author_id', '=', userId),
      eb.exists(eb.selectFrom('draft_collaborators as m').select('m.user_id')
        .whereRef('m.draft_id', '=', 'd.id').where('m.user_id', '=', userId)),
    ]));
  }
  const rows = await query.orderBy('d.updated_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, collaborators: toRoles(r.collaborators) }));
}

/** One draft with its workspace, author and owner org names, and its collaborators' roles. */
export async function findDraft(db: Executor, id: string) {
  const row = await db.selectFrom('drafts as d')
    .innerJoin('workspaces as w', 'w.id', 'd.workspace_id')
    .innerJoin('users as a', 'a.id', 'd.author_id')
    .innerJoin('orgs as o', 'o.id', 'd.owner_org_id')
    .select([...draftColumns, regionsColumn, collaboratorsJson, frozenColumn, 'd.proposal_id as proposalId'])
    .where('d.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, collaborators: toRoles(row.collaborators) } : null;
}

/** 协作者 with their names and committees, editors first. */
export function listDraftCollaborators(db: Executor, draftId: string) {
  return db.selectFrom('draft_collaborators as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.display_name as displayName', 'o.name as orgName', 'u.org_id as orgId', 'c.region', 'c.role', 'c.added_at as addedAt'])
    .where('c.draft_id', '=', draftId)
    .orderBy(sql`case c.role when 'editor' then 0 when 'commenter' then 1 else 2 end`)
    .orderBy('u.display_name')
    .execute();
}

export function insertDraft(db: Executor, d: {
  workspaceId: string; ownerOrgId: string; ownerRegion: string; visibility: Visibility; kind: DraftKind;
  title: string; authorId: string; plainText: string;
}) {
  return db.insertInto('drafts').values({
    workspace_id: d.workspaceId, owner_org_id: d.ownerOrgId, owner_region: d.ownerRegion, visibility: d.visibility,
    kind: d.kind, title: d.title, author_id: d.authorId, plain_text: d.plainText,
  }).returning('id').executeTakeFirstOrThrow();
}

/** The document a new draft starts from: a snapshot that folds in no logged update yet. */
export function insertDraftSnapshot(db: Executor, draftId: string, data: Uint8Array) {
  return db.insertInto('draft_snapshots')
    .values({ draft_id: draftId, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), last_update_id: 0 })
    .execute();
}

export function updateDraft(db: Executor, id: string, set: { title?: string; kind?: DraftKind; visibility?: Visibility }) {
  return db.updateTable('drafts').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
}

export function insertDraftCollaborator(db: Executor, draftId: string, user: { id: string; region: string }, role: CollaboratorRole, addedBy: string) {
  return db.insertInto('draft_collaborators')
    .values({ draft_id: draftId, user_id: user.id, region: user.region, role, added_by: addedBy })
    .execute();
}

export function updateDraftCollaborator(db: Executor, draftId: string, userId: string, role: CollaboratorRole) {
  return db.updateTable('draft_collaborators').set({ role })
    .where('draft_id', '=', draftId).where('user_id', '=', userId).executeTakeFirst();
}

export function deleteDraftCollaborators(db: Executor, draftId: string, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve();
  return db.deleteFrom('draft_collaborators')
    .where('draft_id', '=', draftId).where('user_id', 'in', userIds).execute().then(() => undefined);
}
