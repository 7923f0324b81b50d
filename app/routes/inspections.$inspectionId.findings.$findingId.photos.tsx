import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { addFindingPhoto } from '../../server/services/inspection-photos';
import { PHOTO_MAX_BYTES } from '../../shared/domain/inspection';
import { callContext, requireId, requireUser } from '../lib/session.server';
import { badRequest, submitForm } from '../lib/input.server';
import { jsonResponse } from '../lib/resource.server';

/** POST /inspections/<id>/findings/<finding>/photos (multipart, field `photo`): one site photo. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  const findingId = requireId(params.findingId);
  // Refuse what is plainly too big before reading it.
  const length = Number(request.headers.get('Content-Length') ?? 0);
  if (length > PHOTO_MAX_BYTES + 64 * 1024) return jsonResponse(badRequest({ photo: 'inspection.photo.tooBig' }, 'photo', 413));
  let file: File | null = null;
  try {
    const form = await request.formData();
    const value = form.get('photo');
    file = value instanceof File ? value : null;
  } catch {
    file = null;
  }
  if (!file) return jsonResponse(badRequest({ photo: 'inspection.photo.missing' }, 'photo'));
  const upload = { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, type: file.type };
  return jsonResponse(await submitForm('photo', z.object({}), {}, () => addFindingPhoto(context.db, user, id, findingId, upload, callContext(context)),
    'inspection.finding.photoAdded'));
}
