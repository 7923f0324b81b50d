/**
 * The permission boundary as a matrix: every role × actor region × visibility × owner org/region ×
 * membership × action. The expected outcome is written out below from docs/domain.md and issue 2
 * ("The permission boundary"), independently of shared/policy, and compared with `can`.
 */
import { describe, expect, it } from 'vitest';
import { can, isHandlingUnit, type Actor, type CollaboratorRole, type DraftRef, type RecordRef, type UserRef, type WorkspaceRef } from './index';
import type { Role } from '../domain/model';
import {
  ACTOR_REGIONS, actorOrgs, actorRegion, cases, describeCase, isHandler, makeActor, ORGS, ownerRegion, people, recordOf, ROLE_SETS,
  workspaces, WS, type Case, type Membership, type OrgKey,
} from './fixtures';

type Outcome = 'allow' | 403 | 404;

// ---- Expected outcomes, from the rules in docs/domain.md and issue 2 -------------------------------------

/**
 * Reading: a handling unit reads exactly what is assigned to it. Everyone else reads only inside a
 * workspace they belong to, and only joint records, region records of their own region, or org records
 * of their own org. Anything else does not exist for them (404).
 */
function expectRead(c: Case): Outcome {
  if (isHandler(c)) return c.assignedToActor ? 'allow' : 404;
  if (c.membership === 'none') return 404;
  if (c.visibility === 'joint') return 'allow';
  if (c.visibility === 'region') return ownerRegion(c) === actorRegion(c) ? 'allow' : 404;
  return c.ownerOrg === c.actorOrg ? 'allow' : 404;
}

/**
 * Changing a record, or its visibility (to joint: crossing the boundary; back: narrowing), is for those
 * who can read it AND are its author or a leader/coordinator of the owning region; readers otherwise get 403.
 */
function expectSteward(c: Case): Outcome {
  const read = expectRead(c);
  if (read !== 'allow') return read;
  if (ownerRegion(c) !== actorRegion(c)) return 403;
  const stewards = c.authoredByActor || c.roles.includes('leader') || c.roles.includes('coordinator');
  return stewards ? 'allow' : 403;
}

/**
 * Posting a record: only inside a workspace one belongs to (else 404); handling units never post; the
 * record is owned by one's own org; posting is for staff, coordinators, leaders or the workspace's coordinator.
 */
function expectCreate(c: Case): Outcome {
  if (c.membership === 'none') return 404;
  if (isHandler(c)) return 403;
  if (c.ownerOrg !== c.actorOrg) return 403;
  const poster = c.roles.some((r) => r === 'staff' || r === 'coordinator' || r === 'leader') || c.membership === 'coordinator';
  return poster ? 'allow' : 403;
}

/**
 * Drafts: read like any record; writing needs the editor role on the draft (its author always has it),
 * commenting editor or commenter; managing (title, visibility, collaborators) is the steward's. Anyone
 * but a handling unit starts drafts, in a workspace they belong to, owned by their own org.
 */
function expectDraft(c: Case, role: CollaboratorRole | null, action: 'edit' | 'comment'): Outcome {
  const read = expectRead(c);
  if (read !== 'allow') return read;
  const effective = c.authoredByActor ? 'editor' : role;
  if (action === 'edit') return effective === 'editor' ? 'allow' : 403;
  return effective === 'editor' || effective === 'commenter' ? 'allow' : 403;
}
function expectDraftCreate(c: Case): Outcome {
  if (c.membership === 'none') return 404;
  if (isHandler(c)) return 403;
  return c.ownerOrg === c.actorOrg ? 'allow' : 403;
}

// ---- The matrix (its cases in fixtures.ts) ------------------------------------------------------------

const outcome = (d: ReturnType<typeof can>): Outcome => (d.allowed ? 'allow' : d.status);

/** Runs every case through one action and returns the disagreements, readable in a failure. */
function mismatches(roles: Role[], region: string, check: (c: Case, actor: Actor) => [Outcome, Outcome]) {
  const out: string[] = [];
  let n = 0;
  for (const c of cases(roles, region)) {
    n++;
    const [expected, actual] = check(c, makeActor(c.roles, c.actorOrg, c.membership));
    if (expected !== actual) out.push(`${describeCase(c)}: expected ${expected}, got ${actual}`);
  }
  expect(n).toBeGreaterThan(50);
  return out;
}

describe.each(ROLE_SETS.flatMap((roles) => ACTOR_REGIONS.map((region) => [roles.join('+'), region, roles] as const)))(
  'records: %s in %s',
  (_name, region, roles) => {
    it('record.read', () => {
      expect(mismatches(roles, region, (c, a) => [expectRead(c), outcome(can(a, 'record.read', recordOf(c)))])).toEqual([]);
    });
    it('record.update and record.delete', () => {
      expect(mismatches(roles, region, (c, a) => [expectSteward(c), outcome(can(a, 'record.update', recordOf(c)))])).toEqual([]);
      expect(mismatches(roles, region, (c, a) => [expectSteward(c), outcome(can(a, 'record.delete', recordOf(c)))])).toEqual([]);
    });
    it('record.setVisibility: widening to joint and narrowing back', () => {
      const widen = (c: Case, a: Actor): [Outcome, Outcome] =>
        [expectSteward(c), outcome(can(a, 'record.setVisibility', { ...recordOf(c), to: 'joint' }))];
      const narrow = (c: Case, a: Actor): [Outcome, Outcome] =>
        [expectSteward(c), outcome(can(a, 'record.setVisibility', { ...recordOf(c), to: 'region' }))];
      expect(mismatches(roles, region, widen)).toEqual([]);
      expect(mismatches(roles, region, narrow)).toEqual([]);
    });
    it('record.create', () => {
      expect(mismatches(roles, region, (c, a) => {
        const { authorId: _, ...target } = recordOf(c);
        return [expectCreate(c), outcome(can(a, 'record.create', target))];
      })).toEqual([]);
    });
    it('event.respond: an invitee who may read the event; event.invite: a steward, of someone who may read it', () => {
      for (const invited of [false, true]) {
        expect(mismatches(roles, region, (c, a) => {
          const read = expectRead(c);
          return [read !== 'allow' ? read : invited ? 'allow' : 403, outcome(can(a, 'event.respond', { ...recordOf(c), invited }))];
        })).toEqual([]);
      }
      for (const [who, invitee] of Object.entries({
        sameOrgMember: { id: 'u1', region, orgId: ORGS[actorOrgs('member', region)[0]].id, workspaceIds: [WS] },
        otherRegionMember: { id: 'u2', region: region === 'sichuan' ? 'chongqing' : 'sichuan', orgId: 'org-x', workspaceIds: [WS] },
        outsider: { id: 'u3', region, orgId: ORGS[actorOrgs('member', region)[0]].id, workspaceIds: [] as string[] },
      })) {
        expect(mismatches(roles, region, (c, a) => {
          let expected = expectSteward(c);
          if (expected === 'allow') {
            const r = recordOf(c);
            if (!invitee.workspaceIds.includes(WS)) expected = 403;
            else if (r.visibility === 'joint') expected = 'allow';
            else if (invitee.region !== r.ownerRegion) expected = 403;
            else if (r.visibility === 'org' && invitee.orgId !== r.ownerOrgId) expected = 403;
          }
          return [expected, outcome(can(a, 'event.invite', { event: { ...recordOf(c), organiserOrgIds: [recordOf(c).ownerOrgId] }, user: invitee }))];
        }).map((m) => `${who}: ${m}`)).toEqual([]);
      }
    });
    it('event.update: a steward, or a leader/coordinator of a co-organising committee who may read the event', () => {
      for (const coorganised of [false, true]) {
        expect(mismatches(roles, region, (c, a) => {
          const r = recordOf(c);
          const organiserOrgIds = coorganised ? [r.ownerOrgId, ORGS[c.actorOrg].id] : [r.ownerOrgId];
          let expected = expectSteward(c);
          if (expected === 403 && coorganised && !isHandler(c) && c.roles.some((x) => x === 'leader' || x === 'coordinator')) expected = 'allow';
          return [expected, outcome(can(a, 'event.update', { ...r, organiserOrgIds }))];
        }).map((m) => `${coorganised ? 'co-organiser' : 'not organising'}: ${m}`)).toEqual([]);
      }
    });
    it('draft.read / edit / comment / manage / create / start, for each role the actor may hold on the draft', () => {
      for (const role of [null, 'viewer', 'commenter', 'editor'] as const) {
        const draftOf = (c: Case): DraftRef => ({ ...recordOf(c), collaborators: role ? { actor: role, 'someone-else': 'editor' } : { 'someone-else': 'editor' } });
        const as = `as ${role ?? 'no collaborator'}: `;
        expect(mismatches(roles, region, (c, a) => [expectRead(c), outcome(can(a, 'draft.read', draftOf(c)))]).map((m) => as + m)).toEqual([]);
        expect(mismatches(roles, region, (c, a) => [expectDraft(c, role, 'edit'), outcome(can(a, 'draft.edit', draftOf(c)))]).map((m) => as + m)).toEqual([]);
        expect(mismatches(roles, region, (c, a) => [expectDraft(c, role, 'comment'), outcome(can(a, 'draft.comment', draftOf(c)))]).map((m) => as + m)).toEqual([]);
        expect(mismatches(roles, region, (c, a) => [expectSteward(c), outcome(can(a, 'draft.manage', draftOf(c)))]).map((m) => as + m)).toEqual([]);
      }
      expect(mismatches(roles, region, (c, a) => {
        const { authorId: _, ...target } = recordOf(c);
        return [expectDraftCreate(c), outcome(can(a, 'draft.create', target))];
      })).toEqual([]);
      expect(outcome(can(makeActor(roles, actorOrgs(roles[0], region)[0], 'member'), 'draft.start', {}))).toBe(roles.includes('handler') ? 403 : 'allow');
      expect(isHandlingUnit({ roles })).toBe(roles.includes('handler'));
    });
  },
);

// ---- Workspaces, users, committees and the audit log across regions ---------------------------------

const regionOfWs = (w: WorkspaceRef, region: string) => w.ownerRegion === region || w.regions.includes(region);

describe.each(ROLE_SETS.flatMap((roles) => ACTOR_REGIONS.flatMap((region) =>
  (['none', 'member', 'coordinator'] as Membership[]).map((m) => [roles.join('+'), region, m, roles] as const))))(
  'workspaces, users, orgs, audit: %s in %s, workspace %s',
  (_name, region, membership, roles) => {
    const admin = roles.includes('admin');
    const org: OrgKey = actorOrgs(roles.includes('handler') ? 'handler' : roles[0], region)[0];
    const actorIn = (w: WorkspaceRef): Actor =>
      ({ ...makeActor(roles, org, 'none'), workspaces: membership === 'none' ? {} : { [w.id]: membership } });
    const self: UserRef = { id: 'actor', region, orgId: ORGS[org].id };

    /** A workspace is seen by its members, and by admins of a region that owns or joins it. */
    const expectWsRead = (w: WorkspaceRef): Outcome =>
      membership !== 'none' || (admin && regionOfWs(w, region)) ? 'allow' : 404;

    it('workspace.read / manage / create', () => {
      for (const w of Object.values(workspaces)) {
        const a = actorIn(w);
        expect(outcome(can(a, 'workspace.read', w)), `read ${w.id}`).toBe(expectWsRead(w));
        const manage = expectWsRead(w) !== 'allow' ? expectWsRead(w) : admin && regionOfWs(w, region) ? 'allow' : 403;
        expect(outcome(can(a, 'workspace.manage', w)), `manage ${w.id}`).toBe(manage);
      }
      for (const owner of ['sichuan', 'chongqing']) {
        const a = makeActor(roles, org, 'none');
        expect(outcome(can(a, 'workspace.create', { ownerRegion: owner })), `create in ${owner}`)
          .toBe(admin && owner === region ? 'allow' : 403);
      }
    });

    it('workspace.addMember / removeMember: own region people only, by its coordinators or admins', () => {
      for (const w of Object.values(workspaces)) {
        for (const [who, user] of Object.entries(people)) {
          const a = actorIn(w);
          let expected: Outcome = expectWsRead(w);
          if (expected === 'allow') {
            if (user.region !== region || !regionOfWs(w, region)) expected = 403;
            else expected = membership === 'coordinator' || admin ? 'allow' : 403;
          }
          expect(outcome(can(a, 'workspace.addMember', { workspace: w, user })), `add ${who} to ${w.id}`).toBe(expected);
          expect(outcome(can(a, 'workspace.removeMember', { workspace: w, user })), `remove ${who} from ${w.id}`).toBe(expected);
          const coord = expectWsRead(w) !== 'allow' ? expectWsRead(w) : admin && user.region === region ? 'allow' : 403;
          expect(outcome(can(a, 'workspace.setCoordinator', { workspace: w, user })), `coordinator ${who} in ${w.id}`).toBe(coord);
        }
      }
    });

    it('users, committees and the audit log: an admin acts for their own region only', () => {
      const a = makeActor(roles, org, membership);
      for (const [who, user] of Object.entries(people)) {
        const own = user.region === region;
        expect(outcome(can(a, 'user.read', user)), `read ${who}`).toBe('allow'); // names are public
        expect(outcome(can(a, 'user.manage', user)), `manage ${who}`).toBe(!own ? 404 : admin ? 'allow' : 403);
        const personal = own && roles.some((r) => ['admin', 'staff', 'coordinator', 'leader'].includes(r));
        expect(outcome(can(a, 'user.readPersonal', user)), `personal fields of ${who}`).toBe(personal ? 'allow' : 403);
      }
      expect(outcome(can(a, 'user.readPersonal', self)), 'own personal fields').toBe('allow');
      expect(outcome(can(a, 'admin.enter', {})), 'the admin area').toBe(admin ? 'allow' : 403);
      // Roles: as user.manage, except that an admin keeps their own admin role.
      for (const [who, user] of Object.entries(people)) {
        const manage = user.region !== region ? 404 : admin ? 'allow' : 403;
        expect(outcome(can(a, 'user.setRoles', { ...user, roles: ['member'], to: ['staff'] })), `roles of ${who}`).toBe(manage);
      }
      // Not an admin: may not manage users at all; an admin: may not drop their own admin role.
      expect(outcome(can(a, 'user.setRoles', { ...self, roles, to: ['staff'] })), 'own roles without admin').toBe(403);
      expect(outcome(can(a, 'user.setRoles', { ...self, roles, to: [...roles] })), 'own roles unchanged').toBe(admin ? 'allow' : 403);
      for (const r of ['sichuan', 'chongqing', 'guizhou']) {
        const expected: Outcome = admin && r === region ? 'allow' : 403;
        expect(outcome(can(a, 'user.list', { region: r })), `list users of ${r}`).toBe(expected);
        expect(outcome(can(a, 'org.manage', { region: r })), `manage orgs of ${r}`).toBe(expected);
        expect(outcome(can(a, 'audit.read', { region: r })), `audit of ${r}`).toBe(expected);
      }
    });
  },
);


// Inspections ---------------------------------------------------------------------------------

/**
 * Joint inspections: read like any record (a handling unit only where an item is assigned to it).
 * Planning (itinerary, tasks, items) is for coordinators and leaders (or the workspace's coordinator)
 * of a region taking part; the roster takes only one's own region's people who may read the inspection;
 * a card moves by a planner or its assignee; findings are recorded by people on the roster or planners
 * and shared by their stewards; a rectification item is reported on by its responsible unit and
 * verified by a coordinator or leader of its owning region who is not that unit.
 */
function expectPlan(c: Case, regions: readonly string[]): Outcome {
  const read = expectRead(c);
  if (read !== 'allow') return read;
  if (isHandler(c)) return 403;
  if (!regions.includes(actorRegion(c))) return 403;
  const planner = c.roles.includes('coordinator') || c.roles.includes('leader') || c.membership === 'coordinator';
  return planner ? 'allow' : 403;
}

describe.each(ROLE_SETS.flatMap((roles) => ACTOR_REGIONS.map((region) => [roles.join('+'), region, roles] as const)))(
  'inspections: %s in %s',
  (_name, region, roles) => {
    const regionSets = [['chongqing', 'sichuan'], ['chongqing', 'guizhou'], ['sichuan']];
    it('inspection.read / manage / plan / create', () => {
      expect(mismatches(roles, region, (c, a) => [expectRead(c), outcome(can(a, 'inspection.read', { ...recordOf(c), regions: ['chongqing', 'sichuan'] }))])).toEqual([]);
      expect(mismatches(roles, region, (c, a) => [expectSteward(c), outcome(can(a, 'inspection.manage', { ...recordOf(c), regions: ['chongqing', 'sichuan'] }))])).toEqual([]);
      for (const regions of regionSets) {
        expect(mismatches(roles, region, (c, a) => [expectPlan(c, regions), outcome(can(a, 'inspection.plan', { ...recordOf(c), regions }))])
          .map((m) => `${regions}: ${m}`)).toEqual([]);
      }
      expect(mismatches(roles, region, (c, a) => {
        const { authorId: _, ...target } = recordOf(c);
        let expected = expectCreate(c);
        if (expected === 'allow' && !(c.roles.includes('coordinator') || c.roles.includes('leader') || c.membership === 'coordinator')) expected = 403;
        return [expected, outcome(can(a, 'inspection.create', target))];
      })).toEqual([]);
    });
    it('inspection.addMember: a planner, own region people who may read it', () => {
      const regions = ['chongqing', 'sichuan', 'guizhou'];
      for (const [who, p] of Object.entries(people)) {
        for (const workspaceIds of [[WS], []]) {
          const user = { ...p, workspaceIds };
          expect(mismatches(roles, region, (c, a) => {
            let expected = expectPlan(c, regions);
            if (expected === 'allow') {
              if (user.region !== actorRegion(c)) expected = 403;
              else if (!workspaceIds.includes(WS)) expected = 403;
              else if (c.visibility === 'region' && user.region !== ownerRegion(c)) expected = 403;
              else if (c.visibility === 'org' && user.orgId !== ORGS[c.ownerOrg].id) expected = 403;
            }
            return [expected, outcome(can(a, 'inspection.addMember', { inspection: { ...recordOf(c), regions }, user }))];
          }).map((m) => `${who} ${workspaceIds.length ? 'member' : 'outsider'}: ${m}`)).toEqual([]);
        }
      }
    });
    it('task.move and finding.create', () => {
      const regions = ['chongqing', 'sichuan'];
      for (const assigneeId of ['actor', 'someone-else', null]) {
        expect(mismatches(roles, region, (c, a) => {
          const plan = expectPlan(c, regions);
          const read = expectRead(c);
          const expected: Outcome = plan === 'allow' ? 'allow' : read !== 'allow' ? read : !isHandler(c) && assigneeId === 'actor' ? 'allow' : 403;
          return [expected, outcome(can(a, 'task.move', { ...recordOf(c), regions, assigneeId }))];
        }).map((m) => `assignee ${assigneeId}: ${m}`)).toEqual([]);
      }
      for (const onRoster of [false, true]) {
        expect(mismatches(roles, region, (c, a) => {
          const read = expectRead(c);
          const expected: Outcome = read !== 'allow' ? read : isHandler(c) ? 403 : onRoster || expectPlan(c, regions) === 'allow' ? 'allow' : 403;
          return [expected, outcome(can(a, 'finding.create', { ...recordOf(c), regions, onRoster }))];
        }).map((m) => `roster ${onRoster}: ${m}`)).toEqual([]);
      }
    });
    it('finding.read / share', () => {
      expect(mismatches(roles, region, (c, a) => [expectRead(c), outcome(can(a, 'finding.read', recordOf(c)))])).toEqual([]);
      expect(mismatches(roles, region, (c, a) => [expectSteward(c), outcome(can(a, 'finding.share', { ...recordOf(c), to: 'joint' }))])).toEqual([]);
    });
    it('rectification.read / report / verify: the unit reports, never verifies its own item', () => {
      for (const own of [false, true]) {
        const itemOf = (c: Case) => ({ ...recordOf(c), responsibleOrgId: own ? ORGS[c.actorOrg].id : 'org-other-unit' });
        const read = (c: Case): Outcome => (own ? 'allow' : expectRead(c));
        expect(mismatches(roles, region, (c, a) => [read(c), outcome(can(a, 'rectification.read', itemOf(c)))]).map((m) => `own ${own}: ${m}`)).toEqual([]);
        expect(mismatches(roles, region, (c, a) => {
          const r = read(c);
          return [r !== 'allow' ? r : own ? 'allow' : 403, outcome(can(a, 'rectification.report', itemOf(c)))];
        }).map((m) => `own ${own}: ${m}`)).toEqual([]);
        expect(mismatches(roles, region, (c, a) => {
          const r = read(c);
          let expected: Outcome = r;
          if (r === 'allow') {
            const verifier = !isHandler(c) && ownerRegion(c) === actorRegion(c)
              && (c.roles.includes('coordinator') || c.roles.includes('leader') || c.membership === 'coordinator');
            expected = own ? 403 : verifier ? 'allow' : 403;
          }
          return [expected, outcome(can(a, 'rectification.verify', itemOf(c)))];
        }).map((m) => `own ${own}: ${m}`)).toEqual([]);
      }
    });
  },
);

describe('event.coorganise: a committee organises an event with its owner only if it may read it', () => {
  const actor = makeActor(['coordinator'], 'cq', 'coordinator');
  const event = (visibility: RecordRef['visibility']): RecordRef => ({ workspaceId: WS, ownerOrgId: ORGS.cq.id, ownerRegion: 'chongqing', visibility, authorId: 'actor' });
  it.each([
    ['joint', 'sc', 'allow'], ['joint', 'bishan', 'allow'], ['joint', 'cq', 'allow'],
    ['region', 'sc', 403], ['region', 'bishan', 'allow'], ['region', 'cq', 'allow'],
    ['org', 'bishan', 403], ['org', 'sc', 403], ['org', 'cq', 'allow'],
  ] as const)('a %s event of 重庆市政协 with %s: %s', (visibility, org, expected) => {
    expect(outcome(can(actor, 'event.coorganise', { event: event(visibility), org: ORGS[org] }))).toBe(expected);
  });
});
