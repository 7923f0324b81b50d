import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { findWorkspaceRef, listWorkspaceMembers, listWorkspacesByIds } from '../../db/queries/workspaces';
import { listNotices } from '../../db/queries/notices';
import { authorize, can, type Actor } from '../../shared/policy';
import { dbActor } from './actor';
import { NotFoundError } from './errors';
import { toRecordRef } from './notices';

/** 工作台: the actor's workspaces, each with the notices they can read, newest first. */
export async function getHome(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    const ids = Object.keys(actor.workspaces);
    const [workspaces, notices] = await Promise.all([listWorkspacesByIds(trx, ids), listNotices(trx, ids, 200)]);
    const readable = notices.filter((n) => can(actor, 'record.read', toRecordRef(n)).allowed);
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    return {
      workspaces: workspaces.map((w) => ({
        ...w,
        role: actor.workspaces[w.id],
        recentNotices: readable.filter((n) => n.workspaceId === w.id && n.createdAt.getTime() > weekAgo).length,
      })),
      latestNotices: readable.slice(0, 10),
    };
  });
}

/** One workspace as its member sees it: participants, members by region, readable notices. */
export async function getWorkspace(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const ref = await findWorkspaceRef(trx, id);
    if (!ref) throw new NotFoundError('workspace');
    authorize(actor, 'workspace.read', ref);
    const [[summary], members, notices] = await Promise.all([
      listWorkspacesByIds(trx, [id]), listWorkspaceMembers(trx, id), listNotices(trx, [id]),
    ]);
    return {
      workspace: { ...summary, regions: ref.regions },
      members,
      notices: notices.filter((n) => can(actor, 'record.read', toRecordRef(n)).allowed),
      canPost: can(actor, 'record.create', {
        workspaceId: id, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: 'org',
      }).allowed,
    };
  });
}
