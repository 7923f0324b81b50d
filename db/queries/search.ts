import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Executor } from '../index';
import { containsPattern } from './like';
import { workspaceRegions } from './workspaces';
import { proposalRefColumns } from './proposals';
import type { CollaboratorRole } from '../../shared/policy';

/**
 * Search queries: substring match with ILIKE (served by the trigram GIN indexes of migration 004),
 * ranked by a title hit, then trigram similarity of the title, then recency. Row-level security
 * applies to every query; the service filters each row with the policy as well. Each query returns
 * at most `cap + 1` rows so the caller can tell that there were more.
 */


export interface SearchTerms {
  /** The trimmed term, 1–100 characters. */
  q: string;
  /** Only records of these workspaces (undefined: no restriction beyond row-level security). */
  workspaceIds?: string[];
  /** Only records owned by (workspaces: owned by or joined by) this region. */
  region?: string;
  cap: number;
}

/** Characters of context kept before the first match in an excerpt, and the excerpt's length. */
const BEFORE = 40;
const LENGTH = 160;

/**
 * A window of a long text around the first match (character positions, as strpos counts them), where
 * it starts (1-based) and the text's full length, so the page can mark cut ends with an ellipsis.
 */
function excerptColumns(text: Expression<string>, q: string) {
  const from = sql<number>`greatest(1, strpos(lower(${text}), lower(${q}::text)) - ${sql.lit(BEFORE)})`;
  return [
    sql<string>`substr(${text}, ${from}, ${sql.lit(LENGTH)})`.as('excerpt'),
    from.as('excerptFrom'),
    sql<number>`char_length(${text})`.as('textLength'),
  ] as const;
}

/** 1 for a hit in the title, plus how alike title and term are (0..1). */
function rank(title: Expression<string>, q: string, pattern: string): RawBuilder<number> {
  return sql<number>`(case when ${title} ilike ${pattern} then 1 else 0 end) + similarity(${title}, ${q}::text)`;
}

export function searchNotices(db: Executor, t: SearchTerms) {
  if (t.workspaceIds?.length === 0) return Promise.resolve([]);
  const pattern = containsPattern(t.q);
  let query = db.selectFrom('notices as n')
    .innerJoin('workspaces as w', 'w.id', 'n.workspace_id')
    .innerJoin('orgs as o', 'o.id', 'n.owner_org_id')
    .select([
      'n.id', 'n.title', 'n.workspace_id as workspaceId', 'n.owner_org_id as ownerOrgId', 'n.owner_region as ownerRegion',
      'n.visibility', 'n.author_id as authorId', 'n.updated_at as updatedAt', 'w.name as workspaceName', 'o.name as ownerOrgName',
      workspaceRegions(sql.ref('n.workspace_id')).as('workspaceRegions'),
      ...excerptColumns(sql.ref('n.body'), t.q),
      rank(sql.ref('n.title'), t.q, pattern).as('rank'),
    ])
    .where(sql<boolean>`(n.title ilike ${pattern} or n.body ilike ${pattern})`);
  if (t.workspaceIds) query = query.where('n.workspace_id', 'in', t.workspaceIds);
  if (t.region) query = query.where('n.owner_region', '=', t.region);
  return query.orderBy(sql`rank`, 'desc').orderBy('n.updated_at', 'desc').orderBy('n.id').limit(t.cap + 1).execute();
}

export async function searchDrafts(db: Executor, t: SearchTerms) {
  if (t.workspaceIds?.length === 0) return [];
  const pattern = containsPattern(t.q);
  let query = db.selectFrom('drafts as d')
    .innerJoin('workspaces as w', 'w.id', 'd.workspace_id')
    .innerJoin('orgs as o', 'o.id', 'd.owner_org_id')
    .select([
      'd.id', 'd.title', 'd.kind', 'd.workspace_id as workspaceId', 'd.owner_org_id as ownerOrgId', 'd.owner_region as ownerRegion',
      'd.visibility', 'd.author_id as authorId', 'd.updated_at as updatedAt', 'w.name as workspaceName', 'o.name as ownerOrgName',
      workspaceRegions(sql.ref('d.workspace_id')).as('workspaceRegions'),
      sql<Array<{ userId: string; role: CollaboratorRole }> | null>`(
        select json_agg(json_build_object('userId', c.user_id, 'role', c.role))
        from draft_collaborators c where c.draft_id = d.id)`.as('collaborators'),
      ...excerptColumns(sql.ref('d.plain_text'), t.q),
      rank(sql.ref('d.title'), t.q, pattern).as('rank'),
    ])
    .where(sql<boolean>`(d.title ilike ${pattern} or d.plain_text ilike ${pattern})`);
  if (t.workspaceIds) query = query.where('d.workspace_id', 'in', t.workspaceIds);
  if (t.region) query = query.where('d.owner_region', '=', t.region);
  const rows = await query.orderBy(sql`rank`, 'desc').orderBy('d.updated_at', 'desc').orderBy('d.id').limit(t.cap + 1).execute();
  return rows.map((r) => ({
    ...r,
    collaborators: Object.fromEntries((r.collaborators ?? []).map((c) => [c.userId, c.role])) as Record<string, CollaboratorRole>,
  }));
}

export function searchWorkspaces(db: Executor, t: SearchTerms) {
  if (t.workspaceIds?.length === 0) return Promise.resolve([]);
  const pattern = containsPattern(t.q);
  let query = db.selectFrom('workspaces as w')
    .select([
      'w.id', 'w.name', 'w.owner_region as ownerRegion', 'w.created_at as createdAt', workspaceRegions(sql.ref('w.id')).as('regions'),
      ...excerptColumns(sql.ref('w.description'), t.q),
      rank(sql.ref('w.name'), t.q, pattern).as('rank'),
    ])
    .where(sql<boolean>`(w.name ilike ${pattern} or w.description ilike ${pattern})`);
  if (t.workspaceIds) query = query.where('w.id', 'in', t.workspaceIds);
  if (t.region) {
    const region = t.region;
    query = query.where((eb) => eb.or([
      eb('w.owner_region', '=', region),
      eb.exists(eb.selectFrom('workspace_orgs as p').select('p.org_id').whereRef('p.workspace_id', '=', 'w.id').where('p.region', '=', region)),
    ]));
  }
  return query.orderBy(sql`rank`, 'desc').orderBy('w.created_at', 'desc').orderBy('w.id').limit(t.cap + 1).execute();
}

/**
 * Active people of one region by name, username or committee. Public fields only: personal details
 * live in user_contacts, which this never reads. `workspaceIds`: members of these workspaces only.
 */
export function searchPeople(db: Executor, t: SearchTerms & { region: string }) {
  if (t.workspaceIds?.length === 0) return Promise.resolve([]);
  const pattern = containsPattern(t.q);
  let query = db.selectFrom('users as u')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select([
      'u.id', 'u.display_name as displayName', 'u.username', 'u.region', 'u.org_id as orgId', 'u.roles', 'o.name as orgName',
      sql<number>`(case when u.display_name ilike ${pattern} or u.username ilike ${pattern} then 1 else 0 end)
        + greatest(similarity(u.display_name, ${t.q}::text), similarity(u.username, ${t.q}::text))`.as('rank'),
    ])
    .where('u.region', '=', t.region)
    .where('u.status', '=', 'active')
    .where(sql<boolean>`(u.display_name ilike ${pattern} or u.username ilike ${pattern} or o.name ilike ${pattern})`);
  if (t.workspaceIds) {
    const ids = t.workspaceIds;
    query = query.where((eb) => eb.exists(eb.selectFrom('workspace_members as m').select('m.user_id')
      .whereRef('m.user_id', '=', 'u.id').where('m.workspace_id', 'in', ids)));
  }
  return query.orderBy(sql`rank`, 'desc').orderBy('u.display_name').orderBy('u.id').limit(t.cap + 1).execute();
}

/** The filter choices: the actor's workspaces by name, and every region. */
export function listWorkspaceNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('workspaces').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
}

export function listRegionCodes(db: Executor) {
  return db.selectFrom('regions').select('code').orderBy('code').execute().then((rows) => rows.map((r) => r.code));
}

/**
 * Proposals by number, title or text: row-level security decides what the reader may see (a unit:
 * only what is assigned to it); the sponsors and units come along for the policy's check.
 */
export function searchProposals(db: Executor, t: SearchTerms) {
  const pattern = containsPattern(t.q);
  let query = db.selectFrom('proposals as p')
    .innerJoin('orgs as o', 'o.id', 'p.owner_org_id')
    .select([
      'p.id', 'p.number', 'p.title', 'p.state', 'p.workspace_id as workspaceId', 'p.owner_org_id as ownerOrgId', 'p.owner_region as ownerRegion',
      'p.visibility', 'p.regions', 'p.author_id as authorId', 'p.updated_at as updatedAt', 'o.name as ownerOrgName',
      ...proposalRefColumns,
      ...excerptColumns(sql.ref('p.body'), t.q),
      rank(sql.ref('p.title'), t.q, pattern).as('rank'),
    ])
    .where(sql<boolean>`(p.title ilike ${pattern} or p.number ilike ${pattern} or p.body ilike ${pattern})`);
  if (t.workspaceIds) query = query.where('p.workspace_id', 'in', t.workspaceIds.length ? t.workspaceIds : ['00000000-0000-0000-0000-000000000000']);
  if (t.region) query = query.where('p.owner_region', '=', t.region);
  return query.orderBy(sql`rank`, 'desc').orderBy('p.updated_at', 'desc').orderBy('p.id').limit(t.cap + 1).execute();
}
