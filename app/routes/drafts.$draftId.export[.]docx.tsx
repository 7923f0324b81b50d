import type { LoaderFunctionArgs } from '@remix-run/node';
import { contentDisposition, DOCX_CONTENT_TYPE, exportDraft, exportFileName } from '../../server/services/draft-word';
import { UnavailableError } from '../../server/services/errors';
import { translate } from '../../shared/i18n';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

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
  const { title, bytes } = await guard(() => exportDraft(context.db, user, id, callContext(context))).catch((err) => {
    // Over the conversion's time limit: a sentence the person can read where the download would be.
    if (err instanceof UnavailableError) {
      throw new Response(translate(localeFrom(request), err.messageKey), { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    throw err;
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': DOCX_CONTENT_TYPE,
      'Content-Disposition': contentDisposition(exportFileName(title)),
      'Content-Length': String(bytes.length),
      // The content depends on who asks and changes with every edit.
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
