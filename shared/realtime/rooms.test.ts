import { describe, expect, it } from 'vitest';
import { can, type Actor, type ProposalRef } from '../policy';
import { ORGS, ROLE_SETS, WS, makeActor, type Membership, type OrgKey } from '../policy/fixtures';
import { VISIBILITIES } from '../domain/model';
import { actorRooms, proposalAudienceRooms } from './rooms';

/**
 * A proposal's change reaches a socket exactly when its person may read the proposal: the rooms
 * (`proposalAudienceRooms` against `actorRooms`) say the same as the policy (`proposal.read`), for
 * every role set, committee or unit, workspace membership, and proposals of every visibility, with
 * or without a workspace, joint or not, sponsored or not, assigned or not.
 */
const ACTORS: Array<{ label: string; actor: Actor }> = [];
for (const roles of ROLE_SETS) {
  const orgs: OrgKey[] = roles.includes('handler') ? ['scUnit', 'cqUnit'] : ['sc', 'cd', 'cq', 'bishan', 'gz'];
  for (const org of orgs) {
    for (const membership of ['none', 'member', 'coordinator'] as Membership[]) {
      // A handling unit's person is never a sponsor (sponsors are members: policy.sponsorIsMember).
      for (const id of roles.includes('handler') ? ['someone'] : ['sponsor', 'someone']) ACTORS.push({ label: `${roles.join('+')} of ${org}, ${membership}, ${id}`, actor: makeActor(roles, org, membership, id) });
    }
  }
}

function* proposals(): Generator<{ label: string; ref: ProposalRef }> {
  for (const owner of ['cq', 'sc'] as const)
    for (const visibility of VISIBILITIES)
      for (const workspaceId of [WS, null])
        for (const regions of [[ORGS[owner].region], ['chongqing', 'sichuan']] as const)
          for (const assigned of [[], [ORGS.cqUnit.id], [ORGS.scUnit.id, ORGS.cqUnit.id]])
            for (const sponsorIds of [['sponsor'], ['lead']]) {
              yield {
                label: `${owner} ${visibility} ws=${workspaceId} regions=${regions.join('/')} units=${assigned.length} sponsors=${sponsorIds}`,
                ref: {
                  ownerOrgId: ORGS[owner].id, ownerRegion: ORGS[owner].region, workspaceId, visibility, regions, authorId: sponsorIds[0],
                  sponsorIds, assignedOrgIds: assigned, leadUnitOrgId: assigned[0] ?? null,
                },
              };
            }
}

describe('proposal events reach exactly the proposal\'s readers', () => {
  it('rooms and policy agree for every person and proposal', () => {
    const disagreements: string[] = [];
    let readers = 0;
    for (const { label, ref } of proposals()) {
      const audience = new Set(proposalAudienceRooms(ref));
      for (const { label: who, actor } of ACTORS) {
        const hears = actorRooms(actor).some((r) => audience.has(r));
        const reads = can(actor, 'proposal.read', ref).allowed;
        if (reads) readers++;
        if (hears !== reads) disagreements.push(`${who} on ${label}: ${reads ? 'reads but does not hear' : 'hears but may not read'}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    // The sweep covered both answers.
    expect(readers).toBeGreaterThan(1000);
  });
});
