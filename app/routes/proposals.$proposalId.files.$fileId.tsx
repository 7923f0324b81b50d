import type { LoaderFunctionArgs } from '@remix-run/node';
import { getReplyFile } from '../../server/services/proposals';
import { contentDisposition } from '../../server/services/draft-word';
import { guard, requireId, requireUser } from '../lib/session.server';

/**
 * GET /proposals/<id>/files/<file>: a file of a reply or opinion, as a download, for whoever may read
 * that reply (anyone else gets a 404). Never shown inline: the type is the one its extension names (and
 * every response says nosniff: server/security.ts).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.proposalId);
  const fileId = requireId(params.fileId);
  const file = await guard(() => getReplyFile(context.db, user, id, fileId));
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(file.bytes.length),
      'Content-Disposition': contentDisposition(file.name, 'file'),
      'Cache-Control': 'private, no-store',
    },
  });
}
