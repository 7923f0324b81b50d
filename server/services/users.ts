import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  findContact, findPasswordHash, findUser, insertUser, listRegionUsers, setUserPassword, setUserStatus, updateUserRow, upsertContact,
  usernameExists, type ContactFields, type UserListFilter, type UserRow,
} from '../../db/queries/users';
import { findOrg, listRegionOrgs } from '../../db/queries/orgs';
import { authorize, can, type Actor, type UserRef } from '../../shared/policy';
import type { Role } from '../../shared/domain/model';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { revokeUserSessions } from '../auth/sessions';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { accessChanged, rateLimit, type CallContext } from './call';

/** 用户管理: an admin administers the users of their own region only (docs/domain.md). */

type Acting = Actor & { displayName?: string };

export interface UserInput extends ContactFields { displayName: string; orgId: string; roles: Role[] }
export interface NewUserInput extends UserInput { username: string; password: string }

const userRef = (u: { id: string; region: string; orgId: string }): UserRef => ({ id: u.id, region: u.region, orgId: u.orgId });

/** Only the last four characters of an ID number leave the server on a profile page. */
export function maskIdNumber(v: string | null): string | null {
  if (!v) return v;
  return v.length <= 4 ? '*'.repeat(v.length) : '*'.repeat(v.length - 4) + v.slice(-4);
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/** The user an admin may manage, or 404 (unknown, or in another region) / 403 (not an admin). */
async function loadManaged(trx: Executor, actor: Actor, id: string): Promise<UserRow> {
  const user = await findUser(trx, id);
  if (!user) throw new NotFoundError('user');
  authorize(actor, 'user.manage', userRef(user));
  return user;
}

/** An org chosen for a user must be in the admin's own region. */
async function requireOwnOrg(trx: Executor, actor: Actor, orgId: string) {
  const org = await findOrg(trx, orgId);
  if (!org || org.region !== actor.region) throw new InputError('orgId', 'validation.orgOutsideRegion');
  return org;
}

export async function listUsers(db: Kysely<DB>, actor: Actor, filter: UserListFilter) {
  return withActor(db, dbActor(actor), async (trx) => {
    authorize(actor, 'user.list', { region: actor.region });
    const [users, orgs] = await Promise.all([listRegionUsers(trx, actor.region, filter), listRegionOrgs(trx, actor.region)]);
    return { users, orgs: orgs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })) };
  });
}

/** The choices of the user forms: the committees and units of the admin's region. */
export async function getUserFormOptions(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    authorize(actor, 'user.list', { region: actor.region });
    const orgs = await listRegionOrgs(trx, actor.region);
    return { orgs: orgs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })) };
  });
}

/** A user with their personal fields, for the admin of the same region. */
export async function getManagedUser(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const user = await loadManaged(trx, actor, id);
    authorize(actor, 'user.readPersonal', userRef(user));
    const [contact, orgs] = await Promise.all([findContact(trx, id), listRegionOrgs(trx, actor.region)]);
    return {
      user,
      contact: contact ?? { phone: null, email: null, address: null, idNumber: null },
      orgs: orgs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
      isSelf: user.id === actor.id,
    };
  });
}

export async function createUser(db: Kysely<DB>, actor: Acting, input: NewUserInput, call: CallContext = {}) {
  // Hash outside the transaction: argon2id is deliberately slow.
  const passwordHash = await hashPassword(input.password);
  return withActor(db, dbActor(actor), async (trx) => {
    authorize(actor, 'user.list', { region: actor.region });
    const org = await requireOwnOrg(trx, actor, input.orgId);
    authorize(actor, 'user.manage', { id: '', region: org.region, orgId: org.id });
    if (await usernameExists(trx, input.username)) throw new InputError('username', 'validation.usernameTaken');
    let id: string;
    try {
      id = await insertUser(trx, {
        username: input.username, displayName: input.displayName, orgId: org.id, region: org.region,
        roles: input.roles, passwordHash,
      });
    } catch (err) {
      // Two admins racing for one username: the unique index decides.
      if (isUniqueViolation(err)) throw new InputError('username', 'validation.usernameTaken');
      throw err;
    }
    await upsertContact(trx, id, org.region, input);
    await audit(trx, {
      actor, region: org.region, ip: call.ip, action: 'user.create', target: { type: 'user', id },
      detail: { username: input.username, displayName: input.displayName, org: org.name, roles: input.roles },
    });
    return id;
  });
}

export async function updateUser(db: Kysely<DB>, actor: Acting, id: string, input: UserInput, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const user = await loadManaged(trx, actor, id);
    const org = await requireOwnOrg(trx, actor, input.orgId);
    if (!can(actor, 'user.setRoles', { ...user, to: input.roles }).allowed) throw new InputError('roles', 'admin.user.cannotDropOwnAdmin');
    await updateUserRow(trx, id, { displayName: input.displayName, orgId: org.id, roles: input.roles });
    await upsertContact(trx, id, user.region, input);
    const target = { type: 'user', id };
    const sameRoles = [...user.roles].sort().join() === [...input.roles].sort().join();
    if (!sameRoles) {
      await audit(trx, { actor, region: user.region, ip: call.ip, action: 'user.roles', target, detail: { from: user.roles, to: input.roles } });
    }
    if (user.orgId !== org.id) {
      // Moving someone between committees changes what `org`-visible records they read.
      await audit(trx, { actor, region: user.region, ip: call.ip, action: 'user.org', target, detail: { from: user.orgName, to: org.name } });
    }
  });
  await accessChanged(call, id);
  return result;
}

/** Disabling ends every session of the user in the same transaction, so no request slips through. */
export async function setStatus(db: Kysely<DB>, actor: Acting, id: string, status: 'active' | 'disabled', call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const user = await loadManaged(trx, actor, id);
    if (status === 'disabled' && user.id === actor.id) throw new InputError('_form', 'validation.cannotDisableSelf');
    if (user.status === status) return;
    await setUserStatus(trx, id, status);
    if (status === 'disabled') await revokeUserSessions(trx, id);
    await audit(trx, {
      actor, region: user.region, ip: call.ip, action: status === 'disabled' ? 'user.disable' : 'user.enable',
      target: { type: 'user', id }, detail: { username: user.username },
    });
  });
  await accessChanged(call, id, status === 'disabled');
  return result;
}

/** A new password ends every session of the user (their own included, if they reset it themselves). */
export async function resetPassword(db: Kysely<DB>, actor: Acting, id: string, password: string, call: CallContext = {}) {
  const passwordHash = await hashPassword(password);
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const user = await loadManaged(trx, actor, id);
    await setUserPassword(trx, id, passwordHash);
    await revokeUserSessions(trx, id);
    await audit(trx, { actor, region: user.region, ip: call.ip, action: 'user.password', target: { type: 'user', id }, detail: { username: user.username } });
  });
  await accessChanged(call, id, true);
  return result;
}

/**
 * 个人主页: name, committee, region and roles of anyone; personal fields only where the policy
 * allows (same region, and self or admin/staff/coordinator/leader). RLS hides other regions' rows too.
 */
export async function getProfile(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const user = await findUser(trx, id);
    if (!user) throw new NotFoundError('user');
    const ref = userRef(user);
    authorize(actor, 'user.read', ref);
    let personal: ContactFields | null = null;
    if (can(actor, 'user.readPersonal', ref).allowed) {
      const c = await findContact(trx, id);
      personal = c ? { ...c, idNumber: maskIdNumber(c.idNumber) } : { phone: null, email: null, address: null, idNumber: null };
    }
    return {
      user: {
        id: user.id, username: user.username, displayName: user.displayName, orgName: user.orgName,
        region: user.region, roles: user.roles, status: user.status,
      },
      personal,
      canManage: can(actor, 'user.manage', ref).allowed,
      isSelf: user.id === actor.id,
    };
  });
}

// ---- One's own account ----

/** Phone, email and address of the actor themselves (the ID number is kept as it is). */
export async function updateOwnContact(db: Kysely<DB>, actor: Acting, input: Omit<ContactFields, 'idNumber'>, call: CallContext = {}) {
  await withActor(db, dbActor(actor), async (trx) => {
    const current = await findContact(trx, actor.id);
    await upsertContact(trx, actor.id, actor.region, { ...input, idNumber: current?.idNumber ?? null });
    await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'user.contact', target: { type: 'user', id: actor.id }, detail: {} });
  });
}

/**
 * A new password for the actor, after their current one: every other session of theirs ends (a
 * device they lost, say); the one they are using goes on. Wrong guesses count against a rate limit.
 */
export async function changeOwnPassword(
  db: Kysely<DB>, actor: Acting & { sessionId: string }, input: { current: string; password: string }, call: CallContext = {},
) {
  await rateLimit(call, 'passwordCheck', actor.id, 'current');
  const stored = await withActor(db, dbActor(actor), (trx) => findPasswordHash(trx, actor.id));
  if (!stored || !(await verifyPassword(stored, input.current))) throw new InputError('current', 'profile.wrongPassword');
  if (input.current === input.password) throw new InputError('password', 'profile.samePassword');
  const passwordHash = await hashPassword(input.password);
  await withActor(db, dbActor(actor), async (trx) => {
    await setUserPassword(trx, actor.id, passwordHash);
    await revokeUserSessions(trx, actor.id, actor.sessionId);
    await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'user.password', target: { type: 'user', id: actor.id }, detail: { self: true } });
  });
  // Sockets and documents of the sessions that just ended close; this session's stay (each is rechecked by its token).
  await accessChanged(call, actor.id);
}
