/**
 * The permission boundary (docs/domain.md, "The permission boundary"), as short rules over loaded data.
 * Every loader, action and service asks `can`/`authorize`; row-level security in PostgreSQL checks
 * the read boundary again, so a forgotten call here cannot leak the other region's private rows.
 */
import type { Region, Role, Visibility, WorkspaceRole } from '../domain/model';
import { isWidening } from '../domain/model';
import type { ProposalAction } from '../domain/proposal';
import { allow, forbidden, has, inviteeMayRead, isHandlingUnit, notFound, readRecord } from './decisions';
import { proposalRules } from './proposals';
export { onCommitteeSide, supervisesJointProposals } from './proposals';
import { inspectionRules } from './inspections';

export { isHandlingUnit } from './decisions';

export interface Actor {
  id: string;
  region: Region;
  orgId: string;
  roles: readonly Role[];
  /** The workspaces the actor belongs to, with their role in each. */
  workspaces: Readonly<Record<string, WorkspaceRole>>;
}

/** Any shared record: an owner org (hence region), a workspace and a visibility. */
export interface RecordRef {
  workspaceId: string;
  ownerOrgId: string;
  ownerRegion: Region;
  visibility: Visibility;
  authorId: string;
  /** Orgs (handling units) a record is assigned to; a handler reads only these. */
  assignedOrgIds?: readonly string[];
}
export interface UserRef { id: string; region: Region; orgId: string }

/** 协作者 roles on a draft: editors write, commenters comment, viewers read. */
export type CollaboratorRole = 'editor' | 'commenter' | 'viewer';
/** A draft is a record with named collaborators; its author is always an editor. */
export interface DraftRef extends RecordRef {
  collaborators: Readonly<Record<string, CollaboratorRole>>;
  /** Its text is frozen for signing, or it was submitted as a proposal: nobody edits it. */
  frozen?: boolean;
}
/** Someone invited to a draft: they must be able to read it (workspace member, visibility). */
export interface InviteeRef extends UserRef { workspaceIds: readonly string[] }
/**
 * A proposal (提案): received by a committee (owner org and region), sponsored by members, assigned to
 * handling units. `regions` are the regions concerned (sponsors' and units'); `workspaceId` is the
 * workspace its draft was written in, if any.
 */
export interface ProposalRef {
  ownerOrgId: string;
  ownerRegion: Region;
  workspaceId: string | null;
  visibility: Visibility;
  regions: readonly Region[];
  /** The lead sponsor (领衔人). */
  authorId: string;
  sponsorIds: readonly string[];
  /** Orgs of the units it is assigned to (not returned); the lead unit's first. */
  assignedOrgIds: readonly string[];
  leadUnitOrgId: string | null;
}
/**
 * An event (协商日程) with the committees that organise it together (主办单位); its owner org is one
 * of them.
 */
export interface EventRef extends RecordRef { organiserOrgIds: readonly string[] }
export interface WorkspaceRef { id: string; ownerRegion: Region; regions: readonly Region[] }
export interface OrgRef { id: string; region: Region }
// Inspections (联合视察)
/**
 * An inspection (联合视察): a shared record with the regions of its workspace (each may plan it) and
 * the orgs its rectification items are assigned to (as `assignedOrgIds`: a handling unit reads only those).
 */
export interface InspectionRef extends RecordRef { regions: readonly Region[] }
/** A rectification item: a record of the inspection's owner side, assigned to one responsible unit. */
export interface RectificationRef extends RecordRef { responsibleOrgId: string }

interface Resources {
  'record.read': RecordRef;
  'record.create': Omit<RecordRef, 'authorId'>;
  'record.update': RecordRef;
  'record.delete': RecordRef;
  /** Changing visibility; widening to `joint` crosses the boundary and is audited. */
  'record.setVisibility': RecordRef & { to: Visibility };
  'draft.read': DraftRef;
  'draft.create': Omit<RecordRef, 'authorId'>;
  'draft.edit': DraftRef;
  'draft.comment': DraftRef;
  /** Title, kind, visibility and collaborators. */
  'draft.manage': DraftRef;
  'draft.invite': { draft: DraftRef; user: InviteeRef };
  /**
   * Editing an event: its fields, invitees, organisers, occurrences, attendance and minutes. Its
   * stewards (record.update), or a leader/coordinator of a co-organising committee who may read it.
   * Deleting it and moving its boundary (visibility) stay with the owner's stewards (decision 20).
   */
  'event.update': EventRef;
  /** Inviting someone to an event (协商日程): as for a draft, they must be able to read it. */
  'event.invite': { event: EventRef; user: InviteeRef };
  /** A committee as a co-organiser (主办单位): it must be able to read the event, as an invitee must. */
  'event.coorganise': { event: RecordRef; org: OrgRef };
  /** Answering an invitation (参加/请假/待定): the invitee, while they may read the event. */
  'event.respond': RecordRef & { invited: boolean };
  /** Inviting a co-sponsor (联名人) to a draft: the lead sponsor, someone who may read it (of the other region only when joint). */
  'draft.inviteSponsor': { draft: DraftRef; user: InviteeRef & { roles: readonly Role[] } };
  /** Accepting or declining co-sponsorship, signing the frozen text: the invited sponsor. */
  'draft.sign': DraftRef & { sponsor: boolean };
  /** Freezing the text for signing, reopening it, submitting it as a proposal: the lead sponsor. */
  'draft.submit': DraftRef;
  'proposal.read': ProposalRef;
  /** A step of the lifecycle (shared/domain/proposal.ts names the party who makes it). */
  'proposal.transition': ProposalRef & { action: ProposalAction };
  /** 遴选: the receiving committee's leaders make it a key proposal, with its supervising leader. */
  'proposal.select': ProposalRef;
  /** 督办: supervision records, by the leaders and staff of every region concerned. */
  'proposal.supervise': ProposalRef;
  /** A co-unit's opinion to the lead unit, a unit's rating of the proposal (双向评价). */
  'proposal.unitRespond': ProposalRef;
  /** Internal notes: each side writes (and reads) its own. */
  'proposal.note': ProposalRef;
  /** Drafting at all: the drafts area, starting a draft (blank or from Word). */
  'draft.start': Record<string, never>;
  /** The administration area (each page's service authorizes its region again). */
  'admin.enter': Record<string, never>;
  'workspace.read': WorkspaceRef;
  'workspace.create': { ownerRegion: Region };
  'workspace.manage': WorkspaceRef;
  'workspace.addMember': { workspace: WorkspaceRef; user: UserRef };
  'workspace.removeMember': { workspace: WorkspaceRef; user: UserRef };
  'workspace.setCoordinator': { workspace: WorkspaceRef; user: UserRef };
  'user.list': { region: Region };
  'user.read': UserRef;
  'user.manage': UserRef;
  /** New roles for a user: an admin may not drop their own admin role (the region could be left without one). */
  'user.setRoles': UserRef & { roles: readonly Role[]; to: readonly Role[] };
  'user.readPersonal': UserRef;
  'org.manage': { region: Region };
  'audit.read': { region: Region };
  // Inspections (联合视察)
  'inspection.read': InspectionRef;
  /** Starting an inspection: a coordinator or leader (or a workspace coordinator), for their own org. */
  'inspection.create': Omit<RecordRef, 'authorId'>;
  /** Its fields, status and visibility: its author, or a leader/coordinator of the owning region. */
  'inspection.manage': InspectionRef;
  /** Itinerary, tasks and rectification items: a coordinator of any region taking part. */
  'inspection.plan': InspectionRef;
  /** Putting someone on the roster (or taking them off): a planner, for their own region's people only. */
  'inspection.addMember': { inspection: InspectionRef; user: InviteeRef };
  /** Moving a card or ticking its checklist: a planner, or the task's assignee. */
  'task.move': InspectionRef & { assigneeId: string | null };
  /** Recording a finding: someone on the roster, or a planner. */
  'finding.create': InspectionRef & { onRoster: boolean };
  'finding.read': RecordRef;
  /** Sharing a finding across the boundary (or narrowing it): its reporter, or a leader/coordinator of its region. */
  'finding.share': RecordRef & { to: Visibility };
  'rectification.read': RectificationRef;
  /** Progress (整改中, 已整改, evidence): the responsible unit only. */
  'rectification.report': RectificationRef;
  /** 已核验 or 退回: a coordinator or leader of the owning region, never of the responsible unit itself. */
  'rectification.verify': RectificationRef;
}
export type Action = keyof Resources;
export type ResourceOf<A extends Action> = Resources[A];

export type Decision =
  | { allowed: true }
  | { allowed: false; status: 403 | 404; reason: string };

/** Owner, or a leader/coordinator of the owning region who can read the record. */
function stewardsRecord(a: Actor, r: RecordRef): boolean {
  if (r.ownerRegion !== a.region) return false;
  return r.authorId === a.id || has(a, 'leader', 'coordinator');
}

function inWorkspaceRegion(a: Actor, w: WorkspaceRef) {
  return w.ownerRegion === a.region || w.regions.includes(a.region);
}

function draftRole(a: Actor, d: DraftRef): CollaboratorRole | null {
  return d.authorId === a.id ? 'editor' : d.collaborators[a.id] ?? null;
}

export type Rules = { [A in Action]: (a: Actor, r: Resources[A]) => Decision };

const rules: Rules = {
  'record.read': readRecord,
  'record.create': (a, r) => {
    if (!(r.workspaceId in a.workspaces)) return notFound('policy.notInWorkspace');
    if (isHandlingUnit(a)) return forbidden('policy.handlerReadOnly');
    if (r.ownerRegion !== a.region || r.ownerOrgId !== a.orgId) return forbidden('policy.ownOrgOnly');
    const canPost = has(a, 'staff', 'coordinator', 'leader') || a.workspaces[r.workspaceId] === 'coordinator';
    return canPost ? allow : forbidden('policy.needsStaff');
  },
  'record.update': (a, r) => {
    const read = readRecord(a, r);
    if (!read.allowed) return read;
    return stewardsRecord(a, r) ? allow : forbidden('policy.notOwner');
  },
  'record.delete': (a, r) => rules['record.update'](a, r),
  'record.setVisibility': (a, r) => {
    const read = readRecord(a, r);
    if (!read.allowed) return read;
    if (!stewardsRecord(a, r)) {
      return forbidden(isWidening(r.visibility, r.to) ? 'policy.crossingNeedsOwner' : 'policy.notOwner');
    }
    return allow;
  },
  'draft.read': readRecord,
  // Any member of the workspace may start a draft (members draft proposals); handlers may not.
  'draft.create': (a, r) => {
    if (!(r.workspaceId in a.workspaces)) return notFound('policy.notInWorkspace');
    if (isHandlingUnit(a)) return forbidden('policy.handlerReadOnly');
    return r.ownerRegion === a.region && r.ownerOrgId === a.orgId ? allow : forbidden('policy.ownOrgOnly');
  },
  'draft.edit': (a, d) => {
    const read = readRecord(a, d);
    if (!read.allowed) return read;
    if (d.frozen) return forbidden('policy.draftFrozen');
    return draftRole(a, d) === 'editor' ? allow : forbidden('policy.needsEditor');
  },
  'draft.comment': (a, d) => {
    const read = readRecord(a, d);
    if (!read.allowed) return read;
    const role = draftRole(a, d);
    return role === 'editor' || role === 'commenter' ? allow : forbidden('policy.needsCommenter');
  },
  'draft.manage': (a, d) => {
    const read = readRecord(a, d);
    if (!read.allowed) return read;
    if (d.frozen) return forbidden('policy.draftFrozen');
    return stewardsRecord(a, d) ? allow : forbidden('policy.notOwner');
  },
  'draft.invite': (a, { draft: d, user }) => {
    const manage = rules['draft.manage'](a, d);
    if (!manage.allowed) return manage;
    return inviteeMayRead(d, user);
  },
  'event.update': (a, e) => {
    const steward = rules['record.update'](a, e);
    if (steward.allowed) return steward;
    const read = readRecord(a, e);
    if (!read.allowed) return read;
    const coorganiser = !isHandlingUnit(a) && e.organiserOrgIds.includes(a.orgId) && has(a, 'leader', 'coordinator');
    return coorganiser ? allow : steward;
  },
  'event.coorganise': (_a, { event: e, org }) => {
    if (org.id === e.ownerOrgId) return allow;
    if (e.visibility === 'joint') return allow;
    if (e.visibility === 'region' && org.region === e.ownerRegion) return allow;
    return forbidden(e.visibility === 'region' ? 'policy.inviteNeedsJoint' : 'policy.inviteNeedsWiderVisibility');
  },
  'event.invite': (a, { event: e, user }) => {
    const manage = rules['event.update'](a, e);
    if (!manage.allowed) return manage;
    return inviteeMayRead(e, user);
  },
  'event.respond': (a, e) => {
    const read = readRecord(a, e);
    if (!read.allowed) return read;
    return e.invited ? allow : forbidden('policy.notInvited');
  },
  'draft.inviteSponsor': (a, { draft: d, user }) => {
    const submit = rules['draft.submit'](a, d);
    if (!submit.allowed) return submit;
    if (isHandlingUnit(user) || !user.roles.includes('member')) return forbidden('policy.sponsorIsMember');
    return inviteeMayRead(d, user);
  },
  'draft.sign': (a, d) => {
    const read = readRecord(a, d);
    if (!read.allowed) return read;
    return d.sponsor ? allow : forbidden('policy.notSponsor');
  },
  'draft.submit': (a, d) => {
    const read = readRecord(a, d);
    if (!read.allowed) return read;
    return d.authorId === a.id ? allow : forbidden('policy.leadSponsorOnly');
  },
  ...proposalRules,
  'draft.start': (a) => (isHandlingUnit(a) ? forbidden('policy.handlerReadOnly') : allow),
  'admin.enter': (a) => (has(a, 'admin') ? allow : forbidden('policy.needsAdmin')),
  'workspace.read': (a, w) => {
    if (w.id in a.workspaces) return allow;
    if (has(a, 'admin') && inWorkspaceRegion(a, w)) return allow;
    return notFound('policy.notInWorkspace');
  },
  'workspace.create': (a, r) =>
    has(a, 'admin') && r.ownerRegion === a.region ? allow : forbidden('policy.adminOwnRegion'),
  'workspace.manage': (a, w) => {
    const read = rules['workspace.read'](a, w);
    if (!read.allowed) return read;
    return has(a, 'admin') && inWorkspaceRegion(a, w) ? allow : forbidden('policy.adminOwnRegion');
  },
  'workspace.addMember': (a, { workspace: w, user }) => {
    const read = rules['workspace.read'](a, w);
    if (!read.allowed) return read;
    if (user.region !== a.region) return forbidden('policy.ownRegionPeopleOnly');
    if (!w.regions.includes(a.region) && w.ownerRegion !== a.region) return forbidden('policy.regionNotParticipating');
    const coordinates = a.workspaces[w.id] === 'coordinator' || has(a, 'admin');
    return coordinates ? allow : forbidden('policy.needsCoordinator');
  },
  'workspace.removeMember': (a, r) => rules['workspace.addMember'](a, r),
  'workspace.setCoordinator': (a, { workspace: w, user }) => {
    const read = rules['workspace.read'](a, w);
    if (!read.allowed) return read;
    return has(a, 'admin') && user.region === a.region ? allow : forbidden('policy.adminOwnRegion');
  },
  'user.list': (a, r) => (has(a, 'admin') && r.region === a.region ? allow : forbidden('policy.adminOwnRegion')),
  // Names and committees are visible across regions (co-drafters see each other); the rest is not.
  'user.read': () => allow,
  'user.manage': (a, u) => {
    if (u.region !== a.region) return notFound('policy.otherRegion');
    return has(a, 'admin') ? allow : forbidden('policy.adminOwnRegion');
  },
  'user.setRoles': (a, u) => {
    const manage = rules['user.manage'](a, u);
    if (!manage.allowed) return manage;
    return u.id === a.id && u.roles.includes('admin') && !u.to.includes('admin') ? forbidden('policy.keepOwnAdmin') : allow;
  },
  'user.readPersonal': (a, u) => {
    if (u.region !== a.region) return forbidden('policy.personalStaysInRegion');
    if (u.id === a.id || has(a, 'admin', 'staff', 'coordinator', 'leader')) return allow;
    return forbidden('policy.personalStaysInRegion');
  },
  'org.manage': (a, r) => (has(a, 'admin') && r.region === a.region ? allow : forbidden('policy.adminOwnRegion')),
  'audit.read': (a, r) => (has(a, 'admin') && r.region === a.region ? allow : forbidden('policy.adminOwnRegion')),
  ...inspectionRules((action, a, r) => rules[action](a, r)),
};

export function can<A extends Action>(actor: Actor | null, action: A, resource: Resources[A]): Decision {
  if (!actor) return { allowed: false, status: 404, reason: 'policy.signedOut' };
  return rules[action](actor, resource);
}

/** A refused action: 404 when the actor may not know the target exists, 403 otherwise. */
export class PolicyError extends Error {
  constructor(readonly status: 403 | 404, readonly reason: string, readonly action: Action) {
    super(`${action} refused: ${reason}`);
    this.name = 'PolicyError';
  }
}

export function authorize<A extends Action>(actor: Actor | null, action: A, resource: Resources[A]): void {
  const d = can(actor, action, resource);
  if (!d.allowed) throw new PolicyError(d.status, d.reason, action);
}
