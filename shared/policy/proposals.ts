/**
 * Who may do what with a proposal (提案): read it, make each step of its lifecycle (the party of each
 * step is shared/domain/proposal.ts's), select it as a key proposal, supervise it, respond as a unit,
 * write internal notes. Part of the one policy (index.ts); SQL states the read rule again (decision 18).
 */
import type { Actor, Decision, ProposalRef, Rules } from './index';
import type { Role } from '../domain/model';
import { PROPOSAL_TRANSITIONS } from '../domain/proposal';
import { allow, forbidden, has, isHandlingUnit, notFound, readRecord } from './decisions';

const COMMITTEE_SIDE: Role[] = ['staff', 'leader', 'coordinator'];

/** The committee side of a region: reads every proposal its committee received. */
export const onCommitteeSide = (a: Actor) => !isHandlingUnit(a) && has(a, ...COMMITTEE_SIDE);
/** Staff and leaders: read the joint proposals that concern their region (cross-region supervision). */
export const supervisesJointProposals = (a: Actor) => !isHandlingUnit(a) && has(a, 'staff', 'leader');

export function readProposal(a: Actor, p: ProposalRef): Decision {
  if (isHandlingUnit(a)) return p.assignedOrgIds.includes(a.orgId) ? allow : notFound('policy.notAssigned');
  if (p.sponsorIds.includes(a.id)) return allow;
  if (p.ownerRegion === a.region && onCommitteeSide(a)) return allow;
  if (p.visibility === 'joint' && p.regions.includes(a.region) && supervisesJointProposals(a)) return allow;
  if (p.workspaceId !== null) return readRecord(a, { ...p, workspaceId: p.workspaceId });
  return notFound('policy.outsideVisibility');
}

/** Leaders and staff of a region the proposal concerns (cross-region supervision, 跨区域督办). */
const concernsRegionOf = (a: Actor, p: ProposalRef) => p.ownerRegion === a.region || p.regions.includes(a.region);

type ProposalRuleAction = 'proposal.read' | 'proposal.transition' | 'proposal.select' | 'proposal.supervise' | 'proposal.unitRespond' | 'proposal.note';

export const proposalRules: Pick<Rules, ProposalRuleAction> = {
  'proposal.read': readProposal,
  'proposal.transition': (a, p) => {
    const read = readProposal(a, p);
    if (!read.allowed) return read;
    switch (PROPOSAL_TRANSITIONS[p.action].by) {
      case 'sponsor': return p.authorId === a.id ? allow : forbidden('policy.leadSponsorOnly');
      case 'committeeStaff': return p.ownerRegion === a.region && has(a, 'staff') ? allow : forbidden('policy.receivingStaffOnly');
      case 'leadUnit': return isHandlingUnit(a) && p.leadUnitOrgId === a.orgId ? allow : forbidden('policy.leadUnitOnly');
    }
  },
  'proposal.select': (a, p) => {
    const read = readProposal(a, p);
    if (!read.allowed) return read;
    return has(a, 'leader') && p.ownerRegion === a.region ? allow : forbidden('policy.needsReceivingLeader');
  },
  'proposal.supervise': (a, p) => {
    const read = readProposal(a, p);
    if (!read.allowed) return read;
    return has(a, 'leader', 'staff') && concernsRegionOf(a, p) ? allow : forbidden('policy.needsLeader');
  },
  'proposal.unitRespond': (a, p) => {
    const read = readProposal(a, p);
    if (!read.allowed) return read;
    return isHandlingUnit(a) ? allow : forbidden('policy.unitsOnly');
  },
  'proposal.note': (a, p) => {
    const read = readProposal(a, p);
    if (!read.allowed) return read;
    return isHandlingUnit(a) || (has(a, ...COMMITTEE_SIDE) && concernsRegionOf(a, p)) ? allow : forbidden('policy.notesForStaff');
  },
};
