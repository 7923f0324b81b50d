import type { LoaderFunctionArgs } from '@remix-run/node';
import { exportProposal } from '../../server/services/draft-word';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { wordDownload } from '../lib/resource.server';

/**
 * GET /proposals/<id>/export.docx: the proposal in the official layout, for whoever may read it
 * (anyone else gets the same 404 as the page). A resource route, like a draft's export.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.proposalId);
  return wordDownload(request, () => guard(() => exportProposal(context.db, user, id, callContext(context))), 'proposal');
}
