import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { listWorkspacesByIds, listRegionWorkspaces } from '../../db/queries/workspaces';
import { listNotices } from '../../db/queries/notices';
import { countRegionUsers } from '../../db/queries/users';
import { listRegionOrgs } from '../../db/queries/orgs';
import { listAuditEntries } from '../../db/queries/audit';
import { can, isHandlingUnit, type Actor } from '../../shared/policy';
import { dbActor } from './actor';
import { toRecordRef } from './notices';
import { listOpenAssignments } from '../../db/queries/proposals';

/** How many recent audit entries the administrator's home shows. */
const RECENT_AUDIT = 5;

/**
 * What an administrator looks after in their region, each part only as far as the policy lets them
 * see it (null otherwise): its people, committees and units, workspaces, and the latest audit entries.
 */
async function regionOverview(trx: Executor, actor: Actor) {
  const region = actor.region;
  const [users, orgs, workspaces, audit] = await Promise.all([
    can(actor, 'user.list', { region }).allowed ? countRegionUsers(trx, region) : null,
    can(actor, 'org.manage', { region }).allowed ? listRegionOrgs(trx, region) : null,
    can(actor, 'workspace.create', { ownerRegion: region }).allowed ? listRegionWorkspaces(trx, region) : null,
    can(actor, 'audit.read', { region }).allowed ? listAuditEntries(trx, region, {}, RECENT_AUDIT, 0) : null,
  ]);
  return {
    users,
    orgs: orgs && { committees: orgs.filter((o) => o.kind === 'committee').length, units: orgs.filter((o) => o.kind === 'unit').length },
    workspaces: workspaces && workspaces.length,
    audit: audit && { total: audit.total, recent: audit.rows.map(({ id, at, actorName, action, targetType, targetId, targetName }) => ({ id, at, actorName, action, targetType, targetId, targetName })) },
  };
}

/**
 * 工作台: what the actor has to do. Everyone: the notices they may read, newest first. Members of
 * workspaces: those workspaces. A handling unit takes part in no workspace and reads only what is
 * assigned to it: its open proposal assignments, soonest deadline first. An administrator: an overview
 * of their region.
 */
export async function getHome(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    const ids = Object.keys(actor.workspaces);
    const [workspaces, notices, overview, assignments] = await Promise.all([
      listWorkspacesByIds(trx, ids),
      listNotices(trx, ids, 200),
      can(actor, 'admin.enter', {}).allowed ? regionOverview(trx, actor) : null,
      isHandlingUnit(actor) ? listOpenAssignments(trx, actor.orgId) : [],
    ]);
    const readable = notices.filter((n) => can(actor, 'record.read', toRecordRef(n)).allowed);
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    return {
      /** The handling unit's home lists what is assigned to it instead of workspaces. */
      handlesAssignments: isHandlingUnit(actor),
      assignments,
      workspaces: workspaces.map((w) => ({
        ...w,
        role: actor.workspaces[w.id],
        recentNotices: readable.filter((n) => n.workspaceId === w.id && n.createdAt.getTime() > weekAgo).length,
      })),
      latestNotices: readable.slice(0, 10),
      overview,
    };
  });
}
