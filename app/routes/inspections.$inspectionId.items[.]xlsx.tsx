import type { LoaderFunctionArgs } from '@remix-run/node';
import { rectificationXlsx } from '../../server/services/inspection-export';
import { contentDisposition } from '../../server/services/draft-word';
import { guard, requireId, requireUser } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

/** GET /inspections/<id>/items.xlsx: the rectification list the reader may see, as a spreadsheet. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  const { bytes, fileName } = await guard(() => rectificationXlsx(context.db, user, id, localeFrom(request)));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': contentDisposition(fileName.replace(/[\\/:*?"<>|]+/g, ' ').trim(), 'rectification'),
      'Cache-Control': 'private, no-store',
    },
  });
}
