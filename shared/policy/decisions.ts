/** The small pieces every rule of the policy is made of (shared/policy/index.ts, proposals.ts, inspections.ts). */
import type { Actor, Decision, InviteeRef, RecordRef } from './index';
import type { Role } from '../domain/model';

export const allow: Decision = { allowed: true };
export const notFound = (reason: string): Decision => ({ allowed: false, status: 404, reason });
export const forbidden = (reason: string): Decision => ({ allowed: false, status: 403, reason });

export const has = (a: Actor, ...roles: Role[]) => roles.some((r) => a.roles.includes(r));
/**
 * Handling units (承办单位) answer proposals: they read only what is assigned to them, neither take
 * part in workspaces nor draft (so they are never added to one, nor invited to a draft).
 */
export const isHandlingUnit = (user: { roles: readonly Role[] }) => user.roles.includes('handler');

export function readRecord(a: Actor, r: RecordRef): Decision {
  if (isHandlingUnit(a)) {
    return r.assignedOrgIds?.includes(a.orgId) ? allow : notFound('policy.notAssigned');
  }
  if (!(r.workspaceId in a.workspaces)) return notFound('policy.notInWorkspace');
  if (r.visibility === 'joint') return allow;
  if (r.visibility === 'region' && r.ownerRegion === a.region) return allow;
  if (r.visibility === 'org' && r.ownerOrgId === a.orgId) return allow;
  return notFound('policy.outsideVisibility');
}

/** Someone invited to a record must be able to read it: in its workspace, inside its visibility. */
export function inviteeMayRead(r: RecordRef, user: InviteeRef): Decision {
  if (!user.workspaceIds.includes(r.workspaceId)) return forbidden('policy.inviteeNotInWorkspace');
  if (r.visibility === 'joint') return allow;
  if (user.region !== r.ownerRegion) return forbidden('policy.inviteNeedsJoint');
  if (r.visibility === 'org' && user.orgId !== r.ownerOrgId) return forbidden('policy.inviteNeedsWiderVisibility');
  return allow;
}
