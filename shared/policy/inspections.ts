/**
 * Who may do what in a joint inspection (联合视察): read and create it, plan it (roster, itinerary,
 * tasks), move a task, record and share findings, report and verify rectification items. Part of the
 * one policy (index.ts); row-level security states the read and write rules again.
 */
import type { Actor, Decision, ResourceOf, Rules } from './index';
import { allow, forbidden, has, inviteeMayRead, isHandlingUnit, readRecord } from './decisions';

type InspectionRuleAction = 'inspection.read' | 'inspection.create' | 'inspection.manage' | 'inspection.plan' | 'inspection.addMember'
  | 'task.move' | 'finding.create' | 'finding.read' | 'finding.share' | 'rectification.read' | 'rectification.report' | 'rectification.verify';

type RecordAction = 'record.create' | 'record.update' | 'record.setVisibility';
type RecordRule = <A extends RecordAction>(action: A, a: Actor, r: ResourceOf<A>) => Decision;

/** `record`: index.ts's record rules, which these build on (passed in: index.ts imports this file). */
export function inspectionRules(record: RecordRule): Pick<Rules, InspectionRuleAction> {
  const rules: Pick<Rules, InspectionRuleAction> = {
    'inspection.read': readRecord,
    'inspection.create': (a, r) => {
      const create = record('record.create', a, r);
      if (!create.allowed) return create;
      return has(a, 'coordinator', 'leader') || a.workspaces[r.workspaceId] === 'coordinator' ? allow : forbidden('policy.needsCoordinator');
    },
    'inspection.manage': (a, r) => record('record.update', a, r),
    'inspection.plan': (a, r) => {
      const read = readRecord(a, r);
      if (!read.allowed) return read;
      if (isHandlingUnit(a)) return forbidden('policy.handlerReadOnly');
      if (!r.regions.includes(a.region)) return forbidden('policy.regionNotParticipating');
      return has(a, 'coordinator', 'leader') || a.workspaces[r.workspaceId] === 'coordinator' ? allow : forbidden('policy.needsCoordinator');
    },
    'inspection.addMember': (a, { inspection, user }) => {
      const plan = rules['inspection.plan'](a, inspection);
      if (!plan.allowed) return plan;
      if (user.region !== a.region) return forbidden('policy.ownRegionPeopleOnly');
      return inviteeMayRead(inspection, user);
    },
    'task.move': (a, r) => {
      if (rules['inspection.plan'](a, r).allowed) return allow;
      const read = readRecord(a, r);
      if (!read.allowed) return read;
      return !isHandlingUnit(a) && r.assigneeId === a.id ? allow : forbidden('policy.notAssignee');
    },
    'finding.create': (a, r) => {
      const read = readRecord(a, r);
      if (!read.allowed) return read;
      if (isHandlingUnit(a)) return forbidden('policy.handlerReadOnly');
      return r.onRoster || rules['inspection.plan'](a, r).allowed ? allow : forbidden('policy.notOnRoster');
    },
    'finding.read': readRecord,
    'finding.share': (a, r) => record('record.setVisibility', a, r),
    'rectification.read': (a, r) => (r.responsibleOrgId === a.orgId ? allow : readRecord(a, r)),
    'rectification.report': (a, r) => {
      const read = rules['rectification.read'](a, r);
      if (!read.allowed) return read;
      return r.responsibleOrgId === a.orgId ? allow : forbidden('policy.notResponsibleUnit');
    },
    'rectification.verify': (a, r) => {
      const read = rules['rectification.read'](a, r);
      if (!read.allowed) return read;
      if (r.responsibleOrgId === a.orgId) return forbidden('policy.unitCannotVerifyOwn');
      if (isHandlingUnit(a) || r.ownerRegion !== a.region) return forbidden('policy.needsCoordinator');
      return has(a, 'coordinator', 'leader') || a.workspaces[r.workspaceId] === 'coordinator' ? allow : forbidden('policy.needsCoordinator');
    },
  };
  return rules;
}
