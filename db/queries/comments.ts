import type { Executor } from '../index';
import type { CommentAnchor } from '../../shared/validation/comments';

/**
 * 评论 on drafts (draft_comments). A row with thread_id null starts a thread and carries the anchor
 * and the quoted text; replies point at it. Row-level security shows the rows exactly when their
 * draft is readable, so every query here is already bounded by the acting user.
 */

/** Every comment of a draft with its author (and who resolved a thread), oldest first. */
export function listDraftComments(db: Executor, draftId: string) {
  return db.selectFrom('draft_comments as c')
    .innerJoin('users as u', 'u.id', 'c.author_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .leftJoin('users as r', 'r.id', 'c.resolved_by')
    .select([
      'c.id', 'c.thread_id as threadId', 'c.author_id as authorId', 'u.display_name as authorName', 'o.name as authorOrg',
      'u.region as authorRegion', 'c.body', 'c.anchor', 'c.quote', 'c.resolved_at as resolvedAt',
      'r.display_name as resolvedByName', 'c.created_at as createdAt',
    ])
    .where('c.draft_id', '=', draftId)
    .orderBy('c.created_at').orderBy('c.id')
    .execute();
}

/** One comment of one draft (a comment id from another draft is simply not found). */
export function findDraftComment(db: Executor, draftId: string, id: string) {
  return db.selectFrom('draft_comments')
    .select(['id', 'thread_id as threadId', 'author_id as authorId', 'resolved_at as resolvedAt'])
    .where('draft_id', '=', draftId).where('id', '=', id)
    .executeTakeFirst();
}

export async function insertDraftComment(db: Executor, c: {
  draftId: string; threadId: string | null; authorId: string; body: string; anchor?: CommentAnchor; quote?: string;
}): Promise<string> {
  const row = await db.insertInto('draft_comments').values({
    draft_id: c.draftId, thread_id: c.threadId, author_id: c.authorId, body: c.body,
    anchor: c.anchor ? JSON.stringify(c.anchor) : null, quote: c.quote ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Resolves (by a user) or reopens (null) a thread. */
export function setThreadResolved(db: Executor, threadId: string, by: string | null) {
  return db.updateTable('draft_comments')
    .set({ resolved_at: by ? new Date() : null, resolved_by: by, updated_at: new Date() })
    .where('id', '=', threadId)
    .execute();
}

/** Deletes a comment; a thread's replies go with it (ON DELETE CASCADE). */
export function deleteDraftComment(db: Executor, id: string) {
  return db.deleteFrom('draft_comments').where('id', '=', id).execute();
}

/** Everyone who wrote in a thread (its author and those who replied). */
export async function threadParticipants(db: Executor, threadId: string): Promise<string[]> {
  const rows = await db.selectFrom('draft_comments').select('author_id').distinct()
    .where((eb) => eb.or([eb('id', '=', threadId), eb('thread_id', '=', threadId)]))
    .execute();
  return rows.map((r) => r.author_id);
}

/** Display names (names are visible to everyone), for rendering mentions. */
export async function userNames(db: Executor, ids: readonly string[]): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...ids]).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.display_name]));
}
