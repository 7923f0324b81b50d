import type { LoaderFunctionArgs } from '@remix-run/node';
import { contentDisposition, DOCX_CONTENT_TYPE, exportFileName, exportProposal } from '../../server/services/draft-word';
import { UnavailableError } from '../../server/services/errors';
import { translate } from '../../shared/i18n';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

/**
 * GET /proposals/<id>/export.docx: the proposal in the official layout, for whoever may read it
 * (anyone else gets the same 404 as the page). A resource route, like a draft's export.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.proposalId);
  const { title, bytes } = await guard(() => exportProposal(context.db, user, id, callContext(context))).catch((err) => {
    if (err instanceof UnavailableError) {
      throw new Response(translate(localeFrom(request), err.messageKey), { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    throw err;
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': DOCX_CONTENT_TYPE,
      'Content-Disposition': contentDisposition(exportFileName(title), 'proposal'),
      'Content-Length': String(bytes.length),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
