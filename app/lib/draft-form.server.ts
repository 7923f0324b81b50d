import type { AppLoadContext } from '@remix-run/node';
import { listMyWorkspaces } from '../../server/services/workspaces';
import { authorize } from '../../shared/policy';
import { guard, requireUser } from './session.server';

/** What both ways of starting a draft (blank, or from Word) offer: the user's workspaces, one preselected. */
export async function newDraftChoices(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  const workspaces = await guard(async () => {
    authorize(user, 'draft.start', {});
    return listMyWorkspaces(context.db, user);
  });
  const wanted = new URL(request.url).searchParams.get('workspace');
  return {
    workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, regions: w.regions })),
    workspaceId: workspaces.some((w) => w.id === wanted) ? wanted : workspaces.length === 1 ? workspaces[0].id : null,
    ownerOrgName: user.orgName,
  };
}
