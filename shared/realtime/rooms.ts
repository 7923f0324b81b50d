/**
 * Room names, and which rooms may hear about a record. Only the server joins sockets to rooms;
 * these functions mirror the read rule of shared/policy (readRecord) so that an event reaches
 * exactly the people who could open the record, and never a hint of it anyone else.
 */
import { isHandlingUnit, onCommitteeSide, supervisesJointProposals, type Actor, type ProposalRef, type RecordRef } from '../policy';
import type { Region } from '../domain/model';
import type { RecordKind } from './events';

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  /** Every member of a workspace: for workspace-level facts and joint records. */
  workspace: (workspaceId: string) => `workspace:${workspaceId}`,
  /** Members of a workspace from one region: for `region` records of that region. */
  workspaceRegion: (workspaceId: string, region: string) => `workspace:${workspaceId}:region:${region}`,
  /** Members of a workspace from one org: for `org` records of that org. */
  workspaceOrg: (workspaceId: string, orgId: string) => `workspace:${workspaceId}:org:${orgId}`,
  /** Handling units (承办单位) read only what is assigned to their org. */
  handlers: (orgId: string) => `handlers:${orgId}`,
  /** The committee side of a region (staff, leaders, coordinators): the proposals their committee received. */
  proposalCommittee: (region: Region) => `proposals:${region}:committee`,
  /** Staff and leaders of a region: the joint proposals concerning it (cross-region supervision). */
  proposalSupervisors: (region: Region) => `proposals:${region}:supervisors`,
  /** Sockets viewing one record (joined by `record:watch` after the policy allowed reading it). */
  record: (kind: RecordKind, id: string) => `record:${kind}:${id}`,
};

/** The rooms a socket of this actor belongs to from the start (its user and workspace rooms). */
export function actorRooms(actor: Actor): string[] {
  const out = [rooms.user(actor.id)];
  // A handler reads nothing through membership (policy readRecord), so it joins no workspace room.
  if (isHandlingUnit(actor)) return [...out, rooms.handlers(actor.orgId)];
  for (const workspaceId of Object.keys(actor.workspaces)) {
    out.push(rooms.workspace(workspaceId), rooms.workspaceRegion(workspaceId, actor.region), rooms.workspaceOrg(workspaceId, actor.orgId));
  }
  if (onCommitteeSide(actor)) out.push(rooms.proposalCommittee(actor.region));
  if (supervisesJointProposals(actor)) out.push(rooms.proposalSupervisors(actor.region));
  return out;
}

/** The rooms whose members may read a record with this visibility (policy readRecord, as rooms). */
export function audienceRooms(ref: RecordRef): string[] {
  const out: string[] = [];
  if (ref.visibility === 'joint') out.push(rooms.workspace(ref.workspaceId));
  else if (ref.visibility === 'region') out.push(rooms.workspaceRegion(ref.workspaceId, ref.ownerRegion));
  else out.push(rooms.workspaceOrg(ref.workspaceId, ref.ownerOrgId));
  for (const orgId of ref.assignedOrgIds ?? []) out.push(rooms.handlers(orgId));
  return out;
}

/**
 * The rooms whose members may read a proposal (policy readProposal, as rooms): its assigned units, its
 * sponsors, the receiving committee's side, the staff and leaders of the regions a joint proposal
 * concerns, and the readers of its workspace. The registry and the dashboard follow its changes here.
 */
export function proposalAudienceRooms(ref: ProposalRef): string[] {
  const out = [...ref.assignedOrgIds.map(rooms.handlers), ...ref.sponsorIds.map(rooms.user), rooms.proposalCommittee(ref.ownerRegion)];
  if (ref.visibility === 'joint') out.push(...ref.regions.map(rooms.proposalSupervisors));
  if (ref.workspaceId !== null) out.push(...audienceRooms({ ...ref, workspaceId: ref.workspaceId, assignedOrgIds: [] }));
  return out;
}

/** Rooms the server manages from the actor's identity and memberships (not record rooms, not the socket's own). */
export const isMembershipRoom = (room: string) =>
  room.startsWith('user:') || room.startsWith('workspace:') || room.startsWith('handlers:') || room.startsWith('proposals:');

export const isRecordRoom = (room: string) => room.startsWith('record:');

/** The workspace a membership room belongs to, if any. */
export function workspaceOfRoom(room: string): string | null {
  const m = /^workspace:([^:]+)/.exec(room);
  return m ? m[1] : null;
}
