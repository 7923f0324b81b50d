import type { Transaction } from 'kysely';
import { actAs, type DbActor } from '../../db';
import type { DB } from '../../db/schema';
import { listUserMemberships } from '../../db/queries/sessions';
import { findUser } from '../../db/queries/users';
import type { WorkspaceRole } from '../../shared/domain/model';
import type { Actor } from '../../shared/policy';

/** The row-level security identity of a policy actor. */
export const dbActor = (a: Actor): DbActor => ({ id: a.id, region: a.region, orgId: a.orgId });

/**
 * A job acting for a stored user (a reminder sent as an event's author, a deadline alert as a
 * proposal's sponsor): their policy actor, and the transaction switched to act as them. Null when
 * the user is gone or disabled (then nothing is sent in their name).
 */
export async function actAsUser(trx: Transaction<DB>, userId: string): Promise<Actor | null> {
  const user = await findUser(trx, userId);
  if (!user || user.status !== 'active') return null;
  const actor: Actor = { id: user.id, region: user.region, orgId: user.orgId, roles: user.roles, workspaces: {} };
  await actAs(trx, actor);
  const memberships = await listUserMemberships(trx, user.id);
  actor.workspaces = Object.fromEntries(memberships.map((m) => [m.workspace_id, m.role as WorkspaceRole]));
  return actor;
}
