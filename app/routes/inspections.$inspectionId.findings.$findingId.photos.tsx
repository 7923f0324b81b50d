import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { addFindingPhoto } from '../../server/services/inspection-photos';
import { toUpload } from '../../server/services/upload';
import { callContext, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, submitForm } from '../lib/input.server';
import { jsonResponse } from '../lib/resource.server';

/**
 * POST /inspections/<id>/findings/<finding>/photos (multipart, field `photo`): one site photo. The server's
 * body cap (server/security.ts) has refused a request over PHOTO_UPLOAD_MAX_BYTES before it gets here.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  const findingId = requireId(params.findingId);
  await requireReadable(context, user, 'inspection', id);
  let file: File | null = null;
  try {
    const form = await request.formData();
    const value = form.get('photo');
    file = value instanceof File ? value : null;
  } catch {
    file = null;
  }
  if (!file) return jsonResponse(badRequest({ photo: 'inspection.photo.missing' }, 'photo'));
  const upload = await toUpload(file);
  return jsonResponse(await submitForm('photo', z.object({}), {}, () => addFindingPhoto(context.db, user, id, findingId, upload, callContext(context)),
    'inspection.finding.photoAdded'));
}
