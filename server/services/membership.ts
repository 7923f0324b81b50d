import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  deleteMember, findMember, findUserRef, findWorkspaceRef, insertMember, updateMemberRole,
} from '../../db/queries/workspaces';
import { authorize, can, PolicyError, isHandlingUnit, type Actor, type WorkspaceRef } from '../../shared/policy';
import type { WorkspaceRole } from '../../shared/domain/model';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { accessChanged, workspaceChanged, type CallContext } from './call';
import { announceNotifications, notify } from './notifications';

/**
 * Workspace membership: each region's coordinators (and its admins) add and remove their own
 * region's people only. The session actor's memberships are loaded per request, so a removal
 * takes the person's access away on their next request.
 */

/** Whether the actor may manage people of their own region in this workspace (what the UI offers). */
export function membershipAbilities(actor: Actor, ref: WorkspaceRef) {
  const self = { id: actor.id, region: actor.region, orgId: actor.orgId };
  return {
    manageOwnRegion: can(actor, 'workspace.addMember', { workspace: ref, user: self }).allowed,
    setRole: can(actor, 'workspace.setCoordinator', { workspace: ref, user: self }).allowed,
  };
}

async function loadWorkspace(trx: Executor, actor: Actor, id: string) {
  const ref = await findWorkspaceRef(trx, id);
  if (!ref) throw new NotFoundError('workspace');
  authorize(actor, 'workspace.read', ref);
  return ref;
}

const auditTarget = (ref: { id: string }) => ({ type: 'workspace', id: ref.id });
const describe = (ref: { name: string }, user: { id: string; displayName: string }) =>
  ({ workspace: ref.name, userId: user.id, user: user.displayName });

export interface MemberAddInput { userId: string; role: WorkspaceRole }

export async function addMember(db: Kysely<DB>, actor: Actor, workspaceId: string, input: MemberAddInput, call: CallContext = {}) {
  let invited: string[] = [];
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadWorkspace(trx, actor, workspaceId);
    const user = await findUserRef(trx, input.userId);
    if (!user || user.status !== 'active') throw new InputError('userId', 'workspace.userUnavailable');
    const decision = can(actor, 'workspace.addMember', { workspace: ref, user });
    if (!decision.allowed) {
      // Someone who may manage their own region's people picked another region's: say so beside the field.
      if (decision.reason === 'policy.ownRegionPeopleOnly' && membershipAbilities(actor, ref).manageOwnRegion) {
        throw new InputError('userId', 'validation.userOutsideRegion');
      }
      throw new PolicyError(decision.status, decision.reason, 'workspace.addMember');
    }
    if (isHandlingUnit(user)) throw new InputError('userId', 'workspace.userUnavailable');
    if (input.role === 'coordinator') authorize(actor, 'workspace.setCoordinator', { workspace: ref, user });
    if (await findMember(trx, workspaceId, user.id)) throw new InputError('userId', 'validation.alreadyMember');
    await insertMember(trx, workspaceId, user, input.role);
    await audit(trx, {
      actor, region: user.region, ip: call.ip, action: 'member.add', target: auditTarget(ref),
      detail: { ...describe(ref, user), role: input.role },
    });
    invited = await notify(trx, { recipients: [user.id], kind: 'invitation', record: { kind: 'workspace', id: workspaceId, ref }, text: ref.name, actor });
  });
  await accessChanged(call, input.userId);
  workspaceChanged(call, workspaceId, 'members');
  await announceNotifications(db, call, invited);
  return result;
}

export async function removeMember(db: Kysely<DB>, actor: Actor, workspaceId: string, userId: string, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadWorkspace(trx, actor, workspaceId);
    const member = await findMember(trx, workspaceId, userId);
    const user = member && await findUserRef(trx, userId);
    if (!member || !user) throw new NotFoundError('member');
    authorize(actor, 'workspace.removeMember', { workspace: ref, user });
    await deleteMember(trx, workspaceId, userId);
    await audit(trx, {
      actor, region: user.region, ip: call.ip, action: 'member.remove', target: auditTarget(ref),
      detail: { ...describe(ref, user), role: member.role },
    });
  });
  await accessChanged(call, userId);
  workspaceChanged(call, workspaceId, 'members');
  return result;
}

/** Who coordinates: an admin of the person's region sets member|coordinator. */
export async function setMemberRole(db: Kysely<DB>, actor: Actor, workspaceId: string, userId: string, role: WorkspaceRole, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadWorkspace(trx, actor, workspaceId);
    const member = await findMember(trx, workspaceId, userId);
    const user = member && await findUserRef(trx, userId);
    if (!member || !user) throw new NotFoundError('member');
    authorize(actor, 'workspace.setCoordinator', { workspace: ref, user });
    if (member.role === role) return;
    await updateMemberRole(trx, workspaceId, userId, role);
    await audit(trx, {
      actor, region: user.region, ip: call.ip, action: 'member.role', target: auditTarget(ref),
      detail: { ...describe(ref, user), from: member.role, to: role },
    });
  });
  await accessChanged(call, userId);
  workspaceChanged(call, workspaceId, 'members');
  return result;
}
