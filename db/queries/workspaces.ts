import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../index';
import type { WorkspaceRef } from '../../shared/policy';

/** The policy view of a workspace: owner region and participating regions. */
export async function findWorkspaceRef(db: Executor, id: string): Promise<(WorkspaceRef & { name: string; description: string }) | null> {
  const row = await db.selectFrom('workspaces as w')
    .select((eb) => [
      'w.id', 'w.name', 'w.description', 'w.owner_region as ownerRegion',
      eb.fn.coalesce(
        eb.selectFrom('workspace_orgs as o').whereRef('o.workspace_id', '=', 'w.id')
          .select(sql<string[]>`array_agg(distinct o.region order by o.region)`.as('r')),
        sql<string[]>`'{}'::text[]`,
      ).as('regions'),
    ])
    .where('w.id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

export function listWorkspacesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('workspaces as w')
    .select((eb) => [
      'w.id', 'w.name', 'w.description', 'w.owner_region as ownerRegion',
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
    .select(['u.id', 'u.username', 'u.display_name as displayName', 'u.status', 'o.name as orgName', 'm.region', 'm.role', 'u.roles'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.region').orderBy('m.role desc').orderBy('u.display_name')
    .execute();
}
