/**
 * The world the policy tests reason about: committees, units and people of each region (as in the demo data),
 * and the cases of the permission matrix (index.test.ts) drawn from it.
 */
import type { Actor, RecordRef, UserRef, WorkspaceRef } from './index';
import { ROLES, VISIBILITIES, type Role, type Visibility } from '../domain/model';


// The world: committees and handling units, each in one region (as in the demo data).
export const ORGS = {
  sc: { id: 'org-sc', region: 'sichuan' },          // 四川省政协
  cd: { id: 'org-cd', region: 'sichuan' },          // 成都市政协
  scUnit: { id: 'org-sc-unit', region: 'sichuan' }, // 四川省交通运输厅
  cq: { id: 'org-cq', region: 'chongqing' },        // 重庆市政协
  bishan: { id: 'org-bishan', region: 'chongqing' },// 璧山区政协
  cqUnit: { id: 'org-cq-unit', region: 'chongqing' },// 市发展改革委
  gz: { id: 'org-gz', region: 'guizhou' },          // 贵州省政协
} as const;
export type OrgKey = keyof typeof ORGS;
export const COMMITTEES: OrgKey[] = ['sc', 'cd', 'cq', 'bishan', 'gz'];
export const ACTOR_REGIONS = ['sichuan', 'chongqing'] as const;
export const WS = 'ws-1';

export type Membership = 'none' | 'member' | 'coordinator';

export function makeActor(roles: Role[], org: OrgKey, membership: Membership, id = 'actor'): Actor {
  return {
    id,
    region: ORGS[org].region,
    orgId: ORGS[org].id,
    roles,
    workspaces: membership === 'none' ? {} : { [WS]: membership },
  };
}

/** The orgs an actor of this role and region may belong to: handlers sit in units, everyone else in committees. */
export function actorOrgs(role: Role, region: string): OrgKey[] {
  if (role === 'handler') return region === 'sichuan' ? ['scUnit'] : ['cqUnit'];
  return region === 'sichuan' ? ['sc', 'cd'] : ['cq', 'bishan'];
}


export const workspaces: Record<string, WorkspaceRef> = {
  joint: { id: 'ws-joint', ownerRegion: 'chongqing', regions: ['chongqing', 'sichuan'] }, // 川渝两省市政协合作平台
  cqOnly: { id: 'ws-cq', ownerRegion: 'chongqing', regions: ['chongqing'] },              // 重庆市政协提案委员会工作区
  scOnly: { id: 'ws-sc', ownerRegion: 'sichuan', regions: ['sichuan'] },                  // 四川省政协提案委员会工作区
  cqGz: { id: 'ws-wujiang', ownerRegion: 'chongqing', regions: ['chongqing', 'guizhou'] },// 乌江航道联合视察
};
export const people: Record<string, UserRef> = {
  scPerson: { id: 'u-sc', region: 'sichuan', orgId: ORGS.sc.id },
  cqPerson: { id: 'u-cq', region: 'chongqing', orgId: ORGS.cq.id },
  gzPerson: { id: 'u-gz', region: 'guizhou', orgId: ORGS.gz.id },
};


// ---- The cases of the permission matrix (index.test.ts) ------------------------------------------------

/** One cell of the matrix: who acts, with what membership of the workspace, on whose record. */
export interface Case {
  roles: Role[];
  actorOrg: OrgKey;
  membership: Membership;
  visibility: Visibility;
  ownerOrg: OrgKey;
  authoredByActor: boolean;
  assignedToActor: boolean;
}

export const isHandler = (c: Case) => c.roles.includes('handler');
export const actorRegion = (c: Case) => ORGS[c.actorOrg].region;
export const ownerRegion = (c: Case) => ORGS[c.ownerOrg].region;

/** Every single role, plus the combinations the demo users have. */
export const ROLE_SETS: Role[][] = [
  ...ROLES.map((r) => [r]),
  ['admin', 'staff'], ['leader', 'member'], ['coordinator', 'staff'],
];

export function* cases(roles: Role[], region: string): Generator<Case> {
  for (const actorOrg of actorOrgs(roles.includes('handler') ? 'handler' : roles[0], region))
    for (const membership of ['none', 'member', 'coordinator'] as Membership[])
      for (const visibility of VISIBILITIES)
        for (const ownerOrg of COMMITTEES)
          for (const authoredByActor of ownerOrg === actorOrg ? [false, true] : [false])
            for (const assignedToActor of [false, true])
              yield { roles, actorOrg, membership, visibility, ownerOrg, authoredByActor, assignedToActor };
}

export function recordOf(c: Case): RecordRef {
  return {
    workspaceId: WS,
    ownerOrgId: ORGS[c.ownerOrg].id,
    ownerRegion: ORGS[c.ownerOrg].region,
    visibility: c.visibility,
    authorId: c.authoredByActor ? 'actor' : 'someone-else',
    assignedOrgIds: c.assignedToActor ? [ORGS[c.actorOrg].id, 'org-other-unit'] : ['org-other-unit'],
  };
}

export const describeCase = (c: Case) =>
  `${c.roles.join('+')}@${c.actorOrg} (${c.membership}) → ${c.visibility} record of ${c.ownerOrg}` +
  `${c.authoredByActor ? ', own' : ''}${c.assignedToActor ? ', assigned' : ''}`;
