/**
 * The permission boundary as a matrix: every role × actor region × visibility × owner org/region ×
 * membership × action. The expected outcome is written out below from docs/domain.md and issue 2
 * ("The permission boundary"), independently of shared/policy, and compared with `can`.
 */
import { describe, expect, it } from 'vitest';
import {
  authorize, can, PolicyError, isHandlingUnit, type Actor, type CollaboratorRole, type DraftRef, type RecordRef, type UserRef, type WorkspaceRef,
} from './index';
import { ROLES, VISIBILITIES, type Role, type Visibility } from '../domain/model';

type Outcome = 'allow' | 403 | 404;

// The world: committees and handling units, each in one region (as in the demo data).
const ORGS = {
  sc: { id: 'org-sc', region: 'sichuan' },          // 四川省政协
  cd: { id: 'org-cd', region: 'sichuan' },          // 成都市政协
  scUnit: { id: 'org-sc-unit', region: 'sichuan' }, // 四川省交通运输厅
  cq: { id: 'org-cq', region: 'chongqing' },        // 重庆市政协
  bishan: { id: 'org-bishan', region: 'chongqing' },// 璧山区政协
  cqUnit: { id: 'org-cq-unit', region: 'chongqing' },// 市发展改革委
  gz: { id: 'org-gz', region: 'guizhou' },          // 贵州省政协
} as const;
type OrgKey = keyof typeof ORGS;
const COMMITTEES: OrgKey[] = ['sc', 'cd', 'cq', 'bishan', 'gz'];
const ACTOR_REGIONS = ['sichuan', 'chongqing'] as const;
const WS = 'ws-1';

type Membership = 'none' | 'member' | 'coordinator';

function makeActor(roles: Role[], org: OrgKey, membership: Membership, id = 'actor'): Actor {
  return {
    id,
    region: ORGS[org].region,
    orgId: ORGS[org].id,
    roles,
    workspaces: membership === 'none' ? {} : { [WS]: membership },
  };
}

/** The orgs an actor of this role and region may belong to: handlers sit in units, everyone else in committees. */
function actorOrgs(role: Role, region: string): OrgKey[] {
  if (role === 'handler') return region === 'sichuan' ? ['scUnit'] : ['cqUnit'];
  return region === 'sichuan' ? ['sc', 'cd'] : ['cq', 'bishan'];
}

// ---- Expected outcomes, from the rules in docs/domain.md and issue 2 -------------------------------------

interface Case {
  roles: Role[];
  actorOrg: OrgKey;
  membership: Membership;
  visibility: Visibility;
  ownerOrg: OrgKey;
  authoredByActor: boolean;
  assignedToActor: boolean;
}

const isHandler = (c: Case) => c.roles.includes('handler');
const actorRegion = (c: Case) => ORGS[c.actorOrg].region;
const ownerRegion = (c: Case) => ORGS[c.ownerOrg].region;

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

// ---- The matrix -------------------------------------------------------------------------------------

/** Every single role, plus the combinations the demo users have. */
const ROLE_SETS: Role[][] = [
  ...ROLES.map((r) => [r]),
  ['admin', 'staff'], ['leader', 'member'], ['coordinator', 'staff'],
];

function* cases(roles: Role[], region: string): Generator<Case> {
  for (const actorOrg of actorOrgs(roles.includes('handler') ? 'handler' : roles[0], region))
    for (const membership of ['none', 'member', 'coordinator'] as Membership[])
      for (const visibility of VISIBILITIES)
        for (const ownerOrg of COMMITTEES)
          for (const authoredByActor of ownerOrg === actorOrg ? [false, true] : [false])
            for (const assignedToActor of [false, true])
              yield { roles, actorOrg, membership, visibility, ownerOrg, authoredByActor, assignedToActor };
}

function recordOf(c: Case): RecordRef {
  return {
    workspaceId: WS,
    ownerOrgId: ORGS[c.ownerOrg].id,
    ownerRegion: ORGS[c.ownerOrg].region,
    visibility: c.visibility,
    authorId: c.authoredByActor ? 'actor' : 'someone-else',
    assignedOrgIds: c.assignedToActor ? [ORGS[c.actorOrg].id, 'org-other-unit'] : ['org-other-unit'],
  };
}

const outcome = (d: ReturnType<typeof can>): Outcome => (d.allowed ? 'allow' : d.status);
const describeCase = (c: Case) =>
  `${c.roles.join('+')}@${c.actorOrg} (${c.membership}) → ${c.visibility} record of ${c.ownerOrg}` +
  `${c.authoredByActor ? ', own' : ''}${c.assignedToActor ? ', assigned' : ''}`;

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
          return [expected, outcome(can(a, 'event.invite', { event: recordOf(c), user: invitee }))];
        }).map((m) => `${who}: ${m}`)).toEqual([]);
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

const workspaces: Record<string, WorkspaceRef> = {
  joint: { id: 'ws-joint', ownerRegion: 'chongqing', regions: ['chongqing', 'sichuan'] }, // 川渝两省市政协合作平台
  cqOnly: { id: 'ws-cq', ownerRegion: 'chongqing', regions: ['chongqing'] },              // 重庆市政协提案委员会工作区
  scOnly: { id: 'ws-sc', ownerRegion: 'sichuan', regions: ['sichuan'] },                  // 四川省政协提案委员会工作区
  cqGz: { id: 'ws-wujiang', ownerRegion: 'chongqing', regions: ['chongqing', 'guizhou'] },// 乌江航道联合视察
};
const people: Record<string, UserRef> = {
  scPerson: { id: 'u-sc', region: 'sichuan', orgId: ORGS.sc.id },
  cqPerson: { id: 'u-cq', region: 'chongqing', orgId: ORGS.cq.id },
  gzPerson: { id: 'u-gz', region: 'guizhou', orgId: ORGS.gz.id },
};
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

// ---- The rules named in the issue, as plain scenarios ------------------------------------------------

describe('scenarios from the permission boundary', () => {
  const scMember = makeActor(['member'], 'sc', 'member');
  const cqMember = makeActor(['member'], 'cq', 'member');
  const cqMember2 = makeActor(['member'], 'bishan', 'member');
  const cqCoordinator = makeActor(['coordinator', 'staff'], 'cq', 'coordinator');
  const scAdmin = makeActor(['admin', 'staff'], 'sc', 'none');
  const cqAdmin = makeActor(['admin', 'staff'], 'cq', 'none');
  const ndrc = makeActor(['handler'], 'cqUnit', 'none');
  const cqRegionNotice: RecordRef = { workspaceId: WS, ownerOrgId: ORGS.cq.id, ownerRegion: 'chongqing', visibility: 'region', authorId: 'someone' };

  it('a Sichuan member cannot read a Chongqing region notice, even in a shared workspace (404)', () => {
    expect(can(scMember, 'record.read', cqRegionNotice)).toMatchObject({ allowed: false, status: 404 });
    expect(can(cqMember, 'record.read', cqRegionNotice)).toEqual({ allowed: true });
  });

  it('making it joint lets Sichuan read; narrowing back takes that away at once', () => {
    expect(can(cqCoordinator, 'record.setVisibility', { ...cqRegionNotice, to: 'joint' }).allowed).toBe(true);
    const joint = { ...cqRegionNotice, visibility: 'joint' as const };
    expect(can(scMember, 'record.read', joint).allowed).toBe(true);
    // Sichuan can read the joint record but may not narrow or widen Chongqing's record: 403, not 404.
    expect(can(scMember, 'record.setVisibility', { ...joint, to: 'region' })).toMatchObject({ allowed: false, status: 403 });
    expect(can(makeActor(['leader'], 'sc', 'member'), 'record.setVisibility', { ...joint, to: 'region' }))
      .toMatchObject({ allowed: false, status: 403 });
    expect(can(cqCoordinator, 'record.setVisibility', { ...joint, to: 'region' }).allowed).toBe(true);
    expect(can(scMember, 'record.read', cqRegionNotice).allowed).toBe(false);
  });

  it('a plain member cannot widen a region colleague\'s record; its author can', () => {
    expect(can(cqMember, 'record.setVisibility', { ...cqRegionNotice, to: 'joint' })).toMatchObject({ allowed: false, status: 403 });
    expect(can(cqMember, 'record.setVisibility', { ...cqRegionNotice, authorId: 'actor', to: 'joint' }).allowed).toBe(true);
  });

  it('org visibility: same committee only, not the rest of the region', () => {
    const orgNotice = { ...cqRegionNotice, visibility: 'org' as const };
    expect(can(cqMember, 'record.read', orgNotice).allowed).toBe(true);
    expect(can(cqMember2, 'record.read', orgNotice)).toMatchObject({ allowed: false, status: 404 });
  });

  it('non-members of the workspace get 404 even for joint records', () => {
    const outsider = makeActor(['member'], 'cq', 'none');
    expect(can(outsider, 'record.read', { ...cqRegionNotice, visibility: 'joint' })).toMatchObject({ allowed: false, status: 404 });
  });

  it('a handling unit reads only what is assigned to it, and never changes it', () => {
    const assigned = { ...cqRegionNotice, assignedOrgIds: [ORGS.cqUnit.id] };
    expect(can(ndrc, 'record.read', assigned).allowed).toBe(true);
    expect(can(ndrc, 'record.read', { ...cqRegionNotice, visibility: 'joint' })).toMatchObject({ allowed: false, status: 404 });
    expect(can(ndrc, 'record.update', assigned)).toMatchObject({ allowed: false, status: 403 });
  });

  it('an admin cannot manage, nor see the personal fields of, the other region\'s users', () => {
    const cqUser: UserRef = { id: 'u-cq', region: 'chongqing', orgId: ORGS.cq.id };
    expect(can(cqAdmin, 'user.manage', cqUser).allowed).toBe(true);
    expect(can(scAdmin, 'user.manage', cqUser)).toMatchObject({ allowed: false, status: 404 });
    expect(can(scAdmin, 'user.readPersonal', cqUser)).toMatchObject({ allowed: false, status: 403 });
    expect(can(scAdmin, 'user.list', { region: 'chongqing' })).toMatchObject({ allowed: false, status: 403 });
  });

  it('a coordinator adds and removes only their own region\'s people', () => {
    const w = workspaces.joint;
    const scCoordinator = { ...makeActor(['coordinator', 'staff'], 'sc', 'none'), workspaces: { [w.id]: 'coordinator' as const } };
    expect(can(scCoordinator, 'workspace.addMember', { workspace: w, user: people.scPerson }).allowed).toBe(true);
    expect(can(scCoordinator, 'workspace.addMember', { workspace: w, user: people.cqPerson })).toMatchObject({ allowed: false, status: 403 });
    expect(can(scCoordinator, 'workspace.removeMember', { workspace: w, user: people.cqPerson })).toMatchObject({ allowed: false, status: 403 });
    // A plain member of the workspace adds nobody.
    const scPlain = { ...scMember, workspaces: { [w.id]: 'member' as const } };
    expect(can(scPlain, 'workspace.addMember', { workspace: w, user: people.scPerson })).toMatchObject({ allowed: false, status: 403 });
  });

  it('signed out: nothing, as 404', () => {
    expect(can(null, 'record.read', { ...cqRegionNotice, visibility: 'joint' })).toMatchObject({ allowed: false, status: 404 });
    expect(can(null, 'user.read', people.scPerson)).toMatchObject({ allowed: false, status: 404 });
  });

  it('authorize throws a PolicyError carrying the status and the action', () => {
    expect(() => authorize(cqMember, 'record.read', cqRegionNotice)).not.toThrow();
    try {
      authorize(scMember, 'record.read', cqRegionNotice);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      expect(err).toMatchObject({ status: 404, action: 'record.read' });
    }
    expect(() => authorize(scMember, 'user.list', { region: 'sichuan' })).toThrow(PolicyError);
  });
});
