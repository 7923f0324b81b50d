import { sql, type Expression } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../index';
import type { WorkspaceRef } from '../../shared/policy';
import type { WorkspaceRole } from '../../shared/domain/model';

/**
 * The regions taking part in a workspace (those of its committees), sorted: what a joint record of
 * that workspace is shared between. A column for any query that has the workspace's id.
 */
export const workspaceRegions = (workspaceId: Expression<string>) => sql<string[]>`coalesce(
  (select array_agg(distinct wr.region order by wr.region) from workspace_orgs wr where wr.workspace_id = ${workspaceId}),
  '{}'::text[])`;

/** The policy view of a workspace: owner region and participating regions. */
export async function findWorkspaceRef(db: Executor, id: string): Promise<(WorkspaceRef & { name: string; description: string }) | null> {
  const row = await db.selectFrom('workspaces as w')
    .select([
      'w.id', 'w.name', 'w.description', 'w.owner_region as ownerRegion', workspaceRegions(sql.ref('w.id')).as('regions'),
    ])
    .where('w.id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

export function listWorkspacesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('workspaces as w')
    .select((eb) => [
      'w.id', 'w.name', 'w.description', 'w.owner_region as ownerRegion', workspaceRegions(sql.ref('w.id')).as('regions'),
      jsonArrayFrom(eb.selectFrom('workspace_orgs as wo').innerJoin('orgs as o', 'o.id', 'wo.org_id')
        .whereRef('wo.workspace_id', '=', 'w.id').select(['o.id', 'o.name', 'o.region']).orderBy('o.name')).as('orgs'),
      eb.selectFrom('workspace_members as m').whereRef('m.workspace_id', '=', 'w.id')
        .select((e) => e.fn.countAll<number>().as('n')).as('memberCount'),
    ])
    .where('w.id', 'in', ids)
    .orderBy('w.name')
    .execute();
}

export function listWorkspaceMembers(db: Executor, workspaceId: string) {
  return db.selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.username', 'u.display_name as displayName', 'u.status', 'u.org_id as orgId', 'o.name as orgName', 'm.region', 'm.role', 'u.roles'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.region').orderBy('m.role', 'desc').orderBy('u.display_name')
    .execute();
}

/** Workspaces a region owns or takes part in: what that region's administrators manage. */
export function listRegionWorkspaces(db: Executor, region: string) {
  return db.selectFrom('workspaces as w')
    .select((eb) => [
      'w.id', 'w.name', 'w.description', 'w.owner_region as ownerRegion', 'w.created_at as createdAt',
      jsonArrayFrom(eb.selectFrom('workspace_orgs as wo').innerJoin('orgs as o', 'o.id', 'wo.org_id')
        .whereRef('wo.workspace_id', '=', 'w.id').select(['o.id', 'o.name', 'o.region']).orderBy('o.name')).as('orgs'),
      eb.selectFrom('workspace_members as m').whereRef('m.workspace_id', '=', 'w.id')
        .select((e) => e.fn.countAll<number>().as('n')).as('memberCount'),
    ])
    .where((eb) => eb.or([
      eb('w.owner_region', '=', region),
      eb.exists(eb.selectFrom('workspace_orgs as p').select('p.org_id')
        .whereRef('p.workspace_id', '=', 'w.id').where('p.region', '=', region)),
    ]))
    .orderBy('w.name')
    .execute();
}

export function insertWorkspace(db: Executor, w: { name: string; description: string; ownerRegion: string }) {
  return db.insertInto('workspaces').values({ name: w.name, description: w.description, owner_region: w.ownerRegion })
    .returning('id').executeTakeFirstOrThrow();
}

export function updateWorkspace(db: Executor, id: string, w: { name: string; description: string }) {
  return db.updateTable('workspaces').set({ name: w.name, description: w.description }).where('id', '=', id).execute();
}

/** A user as the membership rules see them (region, org, whether active). */
export function findUserRef(db: Executor, id: string) {
  return db.selectFrom('users').select(['id', 'region', 'org_id as orgId', 'display_name as displayName', 'status', 'roles'])
    .where('id', '=', id).executeTakeFirst();
}

export function findWorkspaceOrg(db: Executor, workspaceId: string, orgId: string) {
  return db.selectFrom('workspace_orgs as wo').innerJoin('orgs as o', 'o.id', 'wo.org_id')
    .select(['o.id', 'o.name', 'wo.region']).where('wo.workspace_id', '=', workspaceId).where('wo.org_id', '=', orgId)
    .executeTakeFirst();
}

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name', 'region', 'kind']).where('id', '=', id).executeTakeFirst();
}

export function findMember(db: Executor, workspaceId: string, userId: string) {
  return db.selectFrom('workspace_members').select(['user_id as userId', 'region', 'role'])
    .where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
}

/**
 * People of one region who could join: active, not yet members, and not handling units
 * (a handler reads only what is assigned to it, so membership would give it nothing).
 */
export function listMemberCandidates(db: Executor, workspaceId: string, region: string) {
  return db.selectFrom('users as u')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.display_name as displayName', 'u.username', 'o.name as orgName'])
    .where('u.region', '=', region)
    .where('u.status', '=', 'active')
    .where(sql<boolean>`not ('handler' = any(u.roles))`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('workspace_members as m').select('m.user_id')
      .whereRef('m.user_id', '=', 'u.id').where('m.workspace_id', '=', workspaceId))))
    .orderBy('o.name').orderBy('u.display_name')
    .execute();
}

/** Committees of one region that do not yet take part in the workspace. */
export function listOrgCandidates(db: Executor, workspaceId: string, region: string) {
  return db.selectFrom('orgs as o')
    .select(['o.id', 'o.name', 'o.region'])
    .where('o.region', '=', region)
    .where('o.kind', '=', 'committee')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('workspace_orgs as wo').select('wo.org_id')
      .whereRef('wo.org_id', '=', 'o.id').where('wo.workspace_id', '=', workspaceId))))
    .orderBy('o.name')
    .execute();
}

export function insertWorkspaceOrg(db: Executor, workspaceId: string, org: { id: string; region: string }) {
  return db.insertInto('workspace_orgs').values({ workspace_id: workspaceId, org_id: org.id, region: org.region }).execute();
}

export function deleteWorkspaceOrg(db: Executor, workspaceId: string, orgId: string) {
  return db.deleteFrom('workspace_orgs').where('workspace_id', '=', workspaceId).where('org_id', '=', orgId).executeTakeFirst();
}

export function insertMember(db: Executor, workspaceId: string, user: { id: string; region: string }, role: WorkspaceRole) {
  return db.insertInto('workspace_members').values({ workspace_id: workspaceId, user_id: user.id, region: user.region, role }).execute();
}

export function deleteMember(db: Executor, workspaceId: string, userId: string) {
  return db.deleteFrom('workspace_members').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
}

export function updateMemberRole(db: Executor, workspaceId: string, userId: string, role: WorkspaceRole) {
  return db.updateTable('workspace_members').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
}
