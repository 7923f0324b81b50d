import { contentDisposition, DOCX_CONTENT_TYPE, exportFileName } from '../../server/services/draft-word';
import { UnavailableError } from '../../server/services/errors';
import { translate } from '../../shared/i18n';
import { localeFrom } from './locale.server';

/**
 * A resource route (no page) answers `fetch` calls: `data(...)` from submitForm would reach the
 * client as a 200 whatever its status, so these routes turn it into a JSON response that keeps it
 * (400 with the field's message key, 429, 409 …).
 */
export function jsonResponse(result: { data: unknown; init: ResponseInit | null }): Response {
  return Response.json(result.data, { ...result.init, headers: { 'Cache-Control': 'no-store', ...(result.init?.headers as Record<string, string> | undefined) } });
}

/**
 * A generated Word file as a download (a draft, a proposal): over the conversion's time limit, a
 * sentence the person can read where the download would be (503); the content depends on who asks.
 */
export async function wordDownload(request: Request, make: () => Promise<{ title: string; bytes: Buffer }>, fallbackName: string) {
  const { title, bytes } = await make().catch((err) => {
    if (err instanceof UnavailableError) {
      throw new Response(translate(localeFrom(request), err.messageKey), { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    throw err;
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': DOCX_CONTENT_TYPE,
      'Content-Disposition': contentDisposition(exportFileName(title), fallbackName),
      'Content-Length': String(bytes.length),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
