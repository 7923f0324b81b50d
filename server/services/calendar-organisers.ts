import type { Executor } from '../../db';
import { findOrg } from '../../db/queries/orgs';
import { listWorkspaceCommittees } from '../../db/queries/inspections';
import { listWorkspaceMembers } from '../../db/queries/workspaces';
import { can, type Actor, type EventRef, type RecordRef } from '../../shared/policy';
import { InputError } from './errors';

/** An event's organising committees (主办单位, docs/calendar.md): who may be chosen, and who is told. */

/** A committee that may organise an event with its owner (the form offers them by visibility). */
export interface Committee { id: string; name: string; region: string; sameRegion: boolean; owner: boolean }

/**
 * The committees that may organise an event of this workspace owned by this org: the owner itself
 * and the committees of the workspace (as an inspection's leads), whatever the visibility; the form
 * and event.coorganise narrow them to those who may read the event.
 */
export async function organiserChoices(trx: Executor, actor: Actor, workspaceId: string, ownerOrgId: string): Promise<Committee[]> {
  const owner = await findOrg(trx, ownerOrgId);
  const others = (await listWorkspaceCommittees(trx, workspaceId)).filter((c) => c.id !== ownerOrgId);
  return [...(owner ? [owner] : []), ...others].map((c) => ({
    id: c.id, name: c.name, region: c.region, sameRegion: c.region === actor.region, owner: c.id === ownerOrgId,
  }));
}

/**
 * The organising committees an edit asks for, owner's included (it always organises), each one the
 * workspace's and able to read the event (event.coorganise); otherwise the form says so at `organisers`.
 */
export async function checkOrganisers(trx: Executor, actor: Actor, ref: RecordRef, orgIds: readonly string[]): Promise<Committee[]> {
  const choices = new Map((await organiserChoices(trx, actor, ref.workspaceId, ref.ownerOrgId)).map((c) => [c.id, c]));
  const chosen = [...new Set([ref.ownerOrgId, ...orgIds])].map((id) => choices.get(id));
  if (chosen.some((c) => !c || !can(actor, 'event.coorganise', { event: ref, org: c }).allowed)) {
    throw new InputError('organisers', 'calendar.organiserNotAllowed');
  }
  return chosen as Committee[];
}

/**
 * The people a newly named organising committee brings: its members in the event's workspace who may
 * now edit the event (its leaders and coordinators). They are told, or they would not know.
 */
export async function coOrganisersToTell(trx: Executor, event: EventRef, added: readonly Committee[]): Promise<string[]> {
  const orgs = new Set(added.filter((o) => o.id !== event.ownerOrgId).map((o) => o.id));
  if (orgs.size === 0) return [];
  return (await listWorkspaceMembers(trx, event.workspaceId))
    .filter((m) => m.status === 'active' && orgs.has(m.orgId) && can(
      { id: m.id, region: m.region, orgId: m.orgId, roles: m.roles, workspaces: { [event.workspaceId]: m.role } }, 'event.update', event,
    ).allowed)
    .map((m) => m.id);
}
