import type { LoaderFunctionArgs } from '@remix-run/node';
import { exportDraft } from '../../server/services/draft-word';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { wordDownload } from '../lib/resource.server';

/**
 * GET /drafts/<id>/export.docx: the draft as a Word document, for whoever may read the draft
 * (anyone else gets the same 404 as the page). A resource route: no component.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  // Store edits this process still buffers (≤250 ms), so the file has what the author just typed.
  // Edits buffered in another process (REDIS_URL, several processes) may be missing for that long.
  await context.collab?.flush();
  return wordDownload(request, () => guard(() => exportDraft(context.db, user, id, callContext(context))), 'draft');
}
