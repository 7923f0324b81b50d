import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  deleteWorkspaceOrg, findOrg, findWorkspaceOrg, findWorkspaceRef, insertWorkspace, insertWorkspaceOrg,
  listMemberCandidates, listOrgCandidates, listRegionWorkspaces, listWorkspaceMembers, listWorkspacesByIds,
  updateWorkspace,
} from '../../db/queries/workspaces';
import { listNotices } from '../../db/queries/notices';
import { authorize, can, PolicyError, type Actor, type WorkspaceRef } from '../../shared/policy';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { membershipAbilities } from './membership';
import { toRecordRef } from './notices';
import { workspaceChanged, type CallContext } from './call';

/** 协作空间: the workspaces the actor belongs to, with their role in each. */
export async function listMyWorkspaces(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    const rows = await listWorkspacesByIds(trx, Object.keys(actor.workspaces));
    return rows.map((w) => ({ ...w, role: actor.workspaces[w.id] }));
  });
}

/** Members with what the actor may do to each (remove, set role): the UI offers only these. */
async function membersFor(trx: Executor, actor: Actor, ref: WorkspaceRef) {
  const members = await listWorkspaceMembers(trx, ref.id);
  return members.map((m) => {
    const user = { id: m.id, region: m.region, orgId: m.orgId };
    return {
      ...m,
      canRemove: can(actor, 'workspace.removeMember', { workspace: ref, user }).allowed,
      canSetRole: can(actor, 'workspace.setCoordinator', { workspace: ref, user }).allowed,
    };
  });
}

/** One workspace as its member sees it: participants, members by region, readable notices. */
/** A workspace the actor may read, in their transaction (else NotFoundError, or the policy's refusal). */
async function loadReadableWorkspace(trx: Executor, actor: Actor, id: string): Promise<WorkspaceRef> {
  const ref = await findWorkspaceRef(trx, id);
  if (!ref) throw new NotFoundError('workspace');
  authorize(actor, 'workspace.read', ref);
  return ref;
}

/** A workspace's policy view, if the actor may read it. */
export function getWorkspaceRef(db: Kysely<DB>, actor: Actor, id: string): Promise<WorkspaceRef> {
  return withActor(db, dbActor(actor), (trx) => loadReadableWorkspace(trx, actor, id));
}

export async function getWorkspace(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadReadableWorkspace(trx, actor, id);
    const abilities = membershipAbilities(actor, ref);
    const [[summary], members, notices, candidates] = await Promise.all([
      listWorkspacesByIds(trx, [id]), membersFor(trx, actor, ref), listNotices(trx, [id]),
      abilities.manageOwnRegion ? listMemberCandidates(trx, id, actor.region) : Promise.resolve([]),
    ]);
    return {
      workspace: { ...summary, regions: ref.regions },
      members,
      notices: notices.filter((n) => can(actor, 'record.read', toRecordRef(n)).allowed),
      canPost: can(actor, 'record.create', {
        workspaceId: id, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: 'org',
      }).allowed,
      canManageMembers: abilities.manageOwnRegion,
      canAdminister: can(actor, 'workspace.manage', ref).allowed,
      candidates,
    };
  });
}

// ---- Administration (region admins): create, describe, participating committees ----

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === '23505';

/** Workspace names are unique across regions; a clash is a field error, never a 500. */
async function uniqueName<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw new InputError('name', 'validation.nameTaken');
    throw err;
  }
}

/** Refuses anyone but an admin, with 403 (the admin pages exist for every signed-in user to see). */
function requireRegionAdmin(actor: Actor) {
  authorize(actor, 'workspace.create', { ownerRegion: actor.region });
}

export async function listAdminWorkspaces(db: Kysely<DB>, actor: Actor) {
  requireRegionAdmin(actor);
  return withActor(db, dbActor(actor), (trx) => listRegionWorkspaces(trx, actor.region));
}

export interface WorkspaceInput { name: string; description: string }

export async function createWorkspace(db: Kysely<DB>, actor: Actor, input: WorkspaceInput, call: CallContext = {}) {
  authorize(actor, 'workspace.create', { ownerRegion: actor.region });
  return withActor(db, dbActor(actor), async (trx) => {
    const { id } = await uniqueName(() => insertWorkspace(trx, { ...input, ownerRegion: actor.region }));
    await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'workspace.create', target: { type: 'workspace', id }, detail: { name: input.name } });
    return id;
  });
}

async function loadManaged(trx: Executor, actor: Actor, id: string) {
  const ref = await findWorkspaceRef(trx, id);
  if (!ref) throw new NotFoundError('workspace');
  authorize(actor, 'workspace.manage', ref);
  return ref;
}

/** The admin view: what the actor's region may change is flagged row by row. */
export async function getWorkspaceAdmin(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadManaged(trx, actor, id);
    const [[summary], members, orgCandidates, memberCandidates] = await Promise.all([
      listWorkspacesByIds(trx, [id]), membersFor(trx, actor, ref),
      listOrgCandidates(trx, id, actor.region), listMemberCandidates(trx, id, actor.region),
    ]);
    return {
      workspace: { ...summary, ownerRegion: ref.ownerRegion, regions: ref.regions },
      orgs: summary.orgs.map((o) => ({ ...o, canRemove: o.region === actor.region })),
      members,
      orgCandidates,
      memberCandidates,
      canEditInfo: ref.ownerRegion === actor.region,
      canAddMembers: membershipAbilities(actor, ref).manageOwnRegion,
      actorRegion: actor.region,
    };
  });
}

/** Name and description belong to the owner region: participants cannot rename a shared platform. */
export async function updateWorkspaceInfo(db: Kysely<DB>, actor: Actor, id: string, input: WorkspaceInput, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadManaged(trx, actor, id);
    if (ref.ownerRegion !== actor.region) throw new PolicyError(403, 'policy.adminOwnRegion', 'workspace.manage');
    if (ref.name === input.name && ref.description === input.description) return;
    await uniqueName(() => updateWorkspace(trx, id, input));
    await audit(trx, {
      actor, region: actor.region, ip: call.ip, action: 'workspace.update', target: { type: 'workspace', id },
      detail: { from: { name: ref.name, description: ref.description }, to: input },
    });
  });
  workspaceChanged(call, id, 'updated');
  return result;
}

/** A region brings its own committees into a workspace (workspace_orgs rows carry the org's region). */
export async function addWorkspaceOrg(db: Kysely<DB>, actor: Actor, id: string, orgId: string, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadManaged(trx, actor, id);
    const org = await findOrg(trx, orgId);
    if (!org) throw new InputError('orgId', 'validation.invalid');
    if (org.region !== actor.region) throw new InputError('orgId', 'validation.orgOutsideRegion');
    if (org.kind !== 'committee') throw new InputError('orgId', 'workspaceAdmin.notCommittee');
    if (await findWorkspaceOrg(trx, id, orgId)) throw new InputError('orgId', 'workspaceAdmin.orgAlready');
    await insertWorkspaceOrg(trx, id, org);
    await audit(trx, {
      actor, region: actor.region, ip: call.ip, action: 'workspace.org.add', target: { type: 'workspace', id },
      detail: { workspace: ref.name, orgId, org: org.name },
    });
  });
  workspaceChanged(call, id, 'updated');
  return result;
}

export async function removeWorkspaceOrg(db: Kysely<DB>, actor: Actor, id: string, orgId: string, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const ref = await loadManaged(trx, actor, id);
    const row = await findWorkspaceOrg(trx, id, orgId);
    if (!row) throw new NotFoundError('workspace org');
    if (row.region !== actor.region) throw new PolicyError(403, 'policy.adminOwnRegion', 'workspace.manage');
    await deleteWorkspaceOrg(trx, id, orgId);
    await audit(trx, {
      actor, region: actor.region, ip: call.ip, action: 'workspace.org.remove', target: { type: 'workspace', id },
      detail: { workspace: ref.name, orgId, org: row.name },
    });
  });
  workspaceChanged(call, id, 'updated');
  return result;
}
