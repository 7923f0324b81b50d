import type { LoaderFunctionArgs } from '@remix-run/node';
import { getFindingPhoto } from '../../server/services/inspection-photos';
import { guard, requireId, requireUser } from '../lib/session.server';

/** GET /inspections/<id>/photos/<photo>[?thumb=1]: a finding's photo for whoever may read the finding (else 404). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  const photoId = requireId(params.photoId);
  const thumb = new URL(request.url).searchParams.get('thumb') === '1';
  const photo = await guard(() => getFindingPhoto(context.db, user, id, photoId, thumb));
  return new Response(new Uint8Array(photo.bytes), {
    headers: {
      'Content-Type': photo.contentType,
      'Content-Length': String(photo.bytes.length),
      'Cache-Control': 'private, max-age=3600',
      'Content-Disposition': 'inline',
    },
  });
}
