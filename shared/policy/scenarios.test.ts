/** The rules named in the issue, as plain scenarios (the matrix in index.test.ts covers every case). */
import { describe, expect, it } from 'vitest';
import { authorize, can, PolicyError, type RecordRef, type UserRef } from './index';
import { makeActor, ORGS, people, workspaces, WS } from './fixtures';

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

