import type { Executor } from '../index';
import type { Org } from '../schema';
import type { Region } from '../../shared/domain/model';

const orgColumns = ['id', 'name', 'kind', 'level', 'parent_id as parentId', 'region'] as const;

export type OrgRow = Pick<Org, 'id' | 'name' | 'kind' | 'level' | 'region'> & { parentId: string | null };

export function findOrg(db: Executor, id: string): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').select(orgColumns).where('id', '=', id).executeTakeFirst();
}

/** Committees before units, higher levels first, then by name. */
export function listRegionOrgs(db: Executor, region: Region): Promise<OrgRow[]> {
  return db.selectFrom('orgs').select(orgColumns)
    .where('region', '=', region)
    .orderBy('kind')
    .orderBy((eb) => eb.case().when('level', '=', 'province').then(0).when('level', '=', 'city').then(1)
      .when('level', '=', 'district').then(2).else(3).end())
    .orderBy('name')
    .execute();
}

export async function orgNameExists(db: Executor, region: Region, name: string, exceptId?: string) {
  let q = db.selectFrom('orgs').select('id').where('region', '=', region).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export async function insertOrg(db: Executor, o: Omit<OrgRow, 'id'>) {
  const row = await db.insertInto('orgs')
    .values({ name: o.name, kind: o.kind, level: o.level, parent_id: o.parentId, region: o.region })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function renameOrgRow(db: Executor, id: string, name: string) {
  await db.updateTable('orgs').set({ name }).where('id', '=', id).execute();
}

/** The provincial committee (省级政协) of a region: it receives the region's proposals. */
export function findProvinceCommittee(db: Executor, region: Region) {
  return db.selectFrom('orgs').select(['id', 'name']).where('region', '=', region)
    .where('kind', '=', 'committee').where('level', '=', 'province').executeTakeFirst();
}
