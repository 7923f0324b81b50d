import type { Executor } from '../index';

/**
 * 版本 of drafts (draft_versions: a name, the author, the time and the whole document as
 * Y.encodeStateAsUpdateV2) and the authorship table the diffs are attributed from
 * (draft_client_ids). Row-level security shows both exactly when their draft is readable, so every
 * query here is already bounded by the acting user.
 */

/** The versions of a draft with their authors (name, committee, region), newest first; no data. */
export function listDraftVersions(db: Executor, draftId: string) {
  return db.selectFrom('draft_versions as v')
    .innerJoin('users as u', 'u.id', 'v.author_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select([
      'v.id', 'v.name', 'v.author_id as authorId', 'u.display_name as authorName', 'o.name as authorOrg',
      'u.region as authorRegion', 'v.created_at as createdAt',
    ])
    .where('v.draft_id', '=', draftId)
    .orderBy('v.created_at', 'desc').orderBy('v.id', 'desc')
    .execute();
}

/** One version of one draft, with its data (a version id of another draft is simply not found). */
export function findDraftVersion(db: Executor, draftId: string, id: string) {
  return db.selectFrom('draft_versions as v')
    .innerJoin('users as u', 'u.id', 'v.author_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select([
      'v.id', 'v.name', 'v.data', 'v.author_id as authorId', 'u.display_name as authorName', 'o.name as authorOrg',
      'u.region as authorRegion', 'v.created_at as createdAt',
    ])
    .where('v.draft_id', '=', draftId).where('v.id', '=', id)
    .executeTakeFirst();
}

export async function insertDraftVersion(db: Executor, v: { draftId: string; name: string; data: Uint8Array; authorId: string }) {
  return db.insertInto('draft_versions')
    .values({ draft_id: v.draftId, name: v.name, data: v.data, author_id: v.authorId })
    .returning(['id', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

/**
 * Who wrote under which Yjs client id in a draft, with the people's names, committees and regions
 * (names are visible across regions): the authority for attributing text in diffs and the
 * attribution view.
 */
export function listClientAuthors(db: Executor, draftId: string) {
  return db.selectFrom('draft_client_ids as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['c.client_id as clientId', 'c.user_id as userId', 'u.display_name as name', 'o.name as org', 'u.region'])
    .where('c.draft_id', '=', draftId)
    .execute();
}
