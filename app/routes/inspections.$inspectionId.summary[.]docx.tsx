import type { LoaderFunctionArgs } from '@remix-run/node';
import { inspectionSummaryDocx } from '../../server/services/inspection-export';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { wordDownload } from '../lib/resource.server';
import { localeFrom } from '../lib/locale.server';

/**
 * GET /inspections/<id>/summary.docx: the inspection summary as Word, holding what the reader sees on
 * the page (anyone who may not read the inspection gets the page's 404). A resource route, like a
 * proposal's export.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  return wordDownload(request, () => guard(() => inspectionSummaryDocx(context.db, user, id, localeFrom(request), callContext(context))), 'inspection');
}
