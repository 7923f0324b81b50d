import type { Executor } from '../index';
import { containsPattern } from './like';
import type { Region, Role } from '../../shared/domain/model';

const userColumns = [
  'u.id', 'u.username', 'u.display_name as displayName', 'u.org_id as orgId', 'u.region', 'u.roles', 'u.status',
  'u.created_at as createdAt', 'o.name as orgName',
] as const;

function userQuery(db: Executor) {
  return db.selectFrom('users as u').innerJoin('orgs as o', 'o.id', 'u.org_id').select(userColumns);
}

export type UserRow = Awaited<ReturnType<typeof findUser>> & {};

/** Names, committees and roles are readable everywhere (row-level security allows it). */
export function findUser(db: Executor, id: string) {
  return userQuery(db).where('u.id', '=', id).executeTakeFirst();
}

export interface UserListFilter { q?: string; orgId?: string; role?: Role }

/** One region's users, by committee then name. */
export function listRegionUsers(db: Executor, region: Region, f: UserListFilter, limit = 1000) {
  let q = userQuery(db).where('u.region', '=', region);
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) => eb.or([eb('u.display_name', 'ilike', like), eb('u.username', 'ilike', like)]));
  }
  if (f.orgId) q = q.where('u.org_id', '=', f.orgId);
  if (f.role) q = q.where((eb) => eb(eb.val(f.role), '=', eb.fn.any('u.roles')));
  return q.orderBy('o.name').orderBy('u.display_name').limit(limit).execute();
}

/** How many users a region has, active and disabled. */
export async function countRegionUsers(db: Executor, region: Region) {
  const rows = await db.selectFrom('users').select((eb) => ['status', eb.fn.countAll<string>().as('n')])
    .where('region', '=', region).groupBy('status').execute();
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { active: count('active'), disabled: count('disabled') };
}

export async function usernameExists(db: Executor, username: string) {
  return !!(await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst());
}

/** Personal fields: row-level security returns nothing for another region's user. */
export function findContact(db: Executor, userId: string) {
  return db.selectFrom('user_contacts')
    .select(['phone', 'email', 'address', 'id_number as idNumber'])
    .where('user_id', '=', userId).executeTakeFirst();
}

export interface ContactFields { phone: string | null; email: string | null; address: string | null; idNumber: string | null }

export async function upsertContact(db: Executor, userId: string, region: Region, c: ContactFields) {
  const values = { phone: c.phone, email: c.email, address: c.address, id_number: c.idNumber };
  await db.insertInto('user_contacts').values({ user_id: userId, region, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
}

export async function insertUser(db: Executor, u: {
  username: string; displayName: string; orgId: string; region: Region; roles: Role[]; passwordHash: string;
}) {
  const row = await db.insertInto('users').values({
    username: u.username, display_name: u.displayName, org_id: u.orgId, region: u.region, roles: u.roles,
    password_hash: u.passwordHash,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUserRow(db: Executor, id: string, u: { displayName: string; orgId: string; roles: Role[] }) {
  await db.updateTable('users')
    .set({ display_name: u.displayName, org_id: u.orgId, roles: u.roles, updated_at: new Date() })
    .where('id', '=', id).execute();
}

export async function setUserStatus(db: Executor, id: string, status: 'active' | 'disabled') {
  await db.updateTable('users').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function setUserPassword(db: Executor, id: string, passwordHash: string) {
  const now = new Date();
  await db.updateTable('users').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
    .where('id', '=', id).execute();
}

/** The stored password hash of a user (to check their current password before a change). */
export async function findPasswordHash(db: Executor, id: string) {
  return (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst())?.password_hash ?? null;
}
