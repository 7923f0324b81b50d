import { describe, expect, it } from 'vitest';
import { can, type Actor, type DraftRef, type ProposalRef } from './index';
import { ORGS, WS, makeActor } from './fixtures';
import { PROPOSAL_ACTIONS, PROPOSAL_TRANSITIONS } from '../domain/proposal';

/**
 * Who may make each step of a proposal's handling (shared/domain/proposal.ts names the party, the
 * policy decides who is that party): every action for every kind of person, by role, region and
 * assignment, on a joint proposal received in Chongqing and on one Chongqing keeps to itself.
 */
const OTHER_UNIT = 'org-other-unit';
const joint: ProposalRef = {
  ownerOrgId: ORGS.cq.id, ownerRegion: 'chongqing', workspaceId: WS, visibility: 'joint', regions: ['chongqing', 'sichuan'],
  authorId: 'lead', sponsorIds: ['lead', 'co'], assignedOrgIds: [ORGS.cqUnit.id, ORGS.scUnit.id], leadUnitOrgId: ORGS.cqUnit.id,
};
const cqOnly: ProposalRef = { ...joint, visibility: 'region', regions: ['chongqing'], sponsorIds: ['lead'], workspaceId: null,
  assignedOrgIds: [ORGS.cqUnit.id], leadUnitOrgId: ORGS.cqUnit.id };

const people: Record<string, Actor> = {
  leadSponsor: makeActor(['member'], 'cq', 'member', 'lead'),
  coSponsor: makeActor(['member'], 'sc', 'member', 'co'),
  cqMemberInWorkspace: makeActor(['member'], 'cq', 'member', 'm1'),
  cqMemberElsewhere: makeActor(['member'], 'bishan', 'none', 'm2'),
  cqStaff: makeActor(['staff'], 'cq', 'none', 's1'),
  scStaff: makeActor(['staff'], 'sc', 'none', 's2'),
  cqLeader: makeActor(['leader', 'member'], 'cq', 'none', 'l1'),
  scLeader: makeActor(['leader', 'member'], 'sc', 'none', 'l2'),
  cqCoordinator: makeActor(['coordinator'], 'cq', 'coordinator', 'c1'),
  leadUnit: makeActor(['handler'], 'cqUnit', 'none', 'h1'),
  coUnit: makeActor(['handler'], 'scUnit', 'none', 'h2'),
  otherUnit: { ...makeActor(['handler'], 'cqUnit', 'none', 'h3'), orgId: OTHER_UNIT },
  gzMember: makeActor(['member'], 'gz', 'none', 'g1'),
};
const allowed = (action: Parameters<typeof can>[1], ref: ProposalRef, extra: object = {}) =>
  Object.entries(people).filter(([, a]) => can(a, action, { ...ref, ...extra } as never).allowed).map(([name]) => name).sort();

describe('proposal.read', () => {
  it('a joint proposal: sponsors, both regions\' staff and leaders, its workspace, its units; not another unit or Guizhou', () => {
    expect(allowed('proposal.read', joint)).toEqual([
      'coSponsor', 'coUnit', 'cqCoordinator', 'cqLeader', 'cqMemberInWorkspace', 'cqStaff', 'leadSponsor', 'leadUnit', 'scLeader', 'scStaff',
    ]);
  });
  it('a Chongqing proposal outside any workspace: its sponsor, Chongqing\'s committee side and its unit only', () => {
    expect(allowed('proposal.read', cqOnly)).toEqual(['cqCoordinator', 'cqLeader', 'cqStaff', 'leadSponsor', 'leadUnit']);
  });
  it('a unit whose assignment was returned no longer reads it; an unknown reader is told 404, not 403', () => {
    expect(can(people.leadUnit, 'proposal.read', { ...joint, assignedOrgIds: [] }).allowed).toBe(false);
    expect(can(people.gzMember, 'proposal.read', joint)).toMatchObject({ allowed: false, status: 404 });
  });
});

describe('proposal.transition: each step by its party only', () => {
  const byParty = { sponsor: ['leadSponsor'], committeeStaff: ['cqStaff'], leadUnit: ['leadUnit'] } as const;
  for (const action of PROPOSAL_ACTIONS) {
    it(`${action} (${PROPOSAL_TRANSITIONS[action].by})`, () => {
      const expected = [...byParty[PROPOSAL_TRANSITIONS[action].by]];
      expect(allowed('proposal.transition', joint, { action })).toEqual(expected);
      expect(allowed('proposal.transition', cqOnly, { action })).toEqual(expected);
      // Those who may read but not act are refused with 403; those who may not read, with 404.
      expect(can(people.scStaff, 'proposal.transition', { ...joint, action })).toMatchObject({ allowed: false, status: 403 });
      expect(can(people.otherUnit, 'proposal.transition', { ...joint, action })).toMatchObject({ allowed: false, status: 404 });
    });
  }
});

describe('beside the steps', () => {
  it('key selection by the receiving committee\'s leaders; supervision by leaders and staff of every region concerned', () => {
    expect(allowed('proposal.select', joint)).toEqual(['cqLeader']);
    expect(allowed('proposal.supervise', joint)).toEqual(['cqLeader', 'cqStaff', 'scLeader', 'scStaff']);
    expect(allowed('proposal.supervise', cqOnly)).toEqual(['cqLeader', 'cqStaff']);
  });
  it('units respond (opinions, quality); notes by the committee side of a region concerned and by units', () => {
    expect(allowed('proposal.unitRespond', joint)).toEqual(['coUnit', 'leadUnit']);
    expect(allowed('proposal.note', joint)).toEqual(['coUnit', 'cqCoordinator', 'cqLeader', 'cqStaff', 'leadUnit', 'scLeader', 'scStaff']);
  });
});

describe('co-sponsoring a draft (联名)', () => {
  const draft = (visibility: DraftRef['visibility'], frozen = false): DraftRef => ({
    workspaceId: WS, ownerOrgId: ORGS.cq.id, ownerRegion: 'chongqing', visibility, authorId: 'lead', collaborators: { co: 'editor' }, frozen,
  });
  const invitee = (region: string, orgId: string, roles: Actor['roles'], workspaceIds = [WS]) => ({ id: 'x', region, orgId, roles, workspaceIds });

  it('the lead sponsor invites members who may read the draft: the other region\'s only when it is joint', () => {
    expect(can(people.leadSponsor, 'draft.inviteSponsor', { draft: draft('joint'), user: invitee('sichuan', ORGS.sc.id, ['member']) }).allowed).toBe(true);
    expect(can(people.leadSponsor, 'draft.inviteSponsor', { draft: draft('region'), user: invitee('sichuan', ORGS.sc.id, ['member']) }))
      .toMatchObject({ allowed: false, reason: 'policy.inviteNeedsJoint' });
    expect(can(people.leadSponsor, 'draft.inviteSponsor', { draft: draft('joint'), user: invitee('chongqing', ORGS.cqUnit.id, ['handler']) }))
      .toMatchObject({ allowed: false, reason: 'policy.sponsorIsMember' });
    expect(can(people.leadSponsor, 'draft.inviteSponsor', { draft: draft('joint'), user: invitee('chongqing', ORGS.cq.id, ['staff']) }))
      .toMatchObject({ allowed: false, reason: 'policy.sponsorIsMember' });
    expect(can(people.leadSponsor, 'draft.inviteSponsor', { draft: draft('joint'), user: invitee('guizhou', ORGS.gz.id, ['member'], []) }))
      .toMatchObject({ allowed: false, reason: 'policy.inviteeNotInWorkspace' });
    // A co-sponsor (an editor of the draft) does not invite, freeze or submit.
    expect(can(people.coSponsor, 'draft.inviteSponsor', { draft: draft('joint'), user: invitee('chongqing', ORGS.cq.id, ['member']) }).allowed).toBe(false);
    expect(can(people.coSponsor, 'draft.submit', draft('joint'))).toMatchObject({ allowed: false, reason: 'policy.leadSponsorOnly' });
  });

  it('a frozen text: nobody edits or manages it, its sponsors sign it', () => {
    expect(can(people.coSponsor, 'draft.edit', draft('joint'))).toMatchObject({ allowed: true });
    expect(can(people.coSponsor, 'draft.edit', draft('joint', true))).toMatchObject({ allowed: false, reason: 'policy.draftFrozen' });
    expect(can(people.leadSponsor, 'draft.edit', draft('joint', true))).toMatchObject({ allowed: false, reason: 'policy.draftFrozen' });
    expect(can(people.leadSponsor, 'draft.manage', draft('joint', true))).toMatchObject({ allowed: false, reason: 'policy.draftFrozen' });
    expect(can(people.coSponsor, 'draft.sign', { ...draft('joint', true), sponsor: true }).allowed).toBe(true);
    expect(can(people.coSponsor, 'draft.sign', { ...draft('joint', true), sponsor: false })).toMatchObject({ allowed: false, reason: 'policy.notSponsor' });
    expect(can(people.gzMember, 'draft.sign', { ...draft('joint', true), sponsor: true })).toMatchObject({ allowed: false, status: 404 });
  });
});
