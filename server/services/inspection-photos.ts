import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { countPhotos, findPhoto, insertPhoto } from '../../db/queries/inspections';
import { authorize, type Actor } from '../../shared/policy';
import { PHOTO_MAX_PER_FINDING, photoProblem, sniffImage } from '../../shared/domain/inspection';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { rateLimit, type CallContext } from './call';
import { loadFinding, loadInspection } from './inspections';
import type { Upload } from './upload';

/**
 * Site photos of findings (docs/inspections.md): JPEG, PNG or WebP only, the type read from the bytes
 * (an extension or content type that says otherwise is refused), at most 10 MB, re-encoded by sharp
 * without any metadata (EXIF GPS and camera data gone, orientation applied), with a thumbnail. The
 * bytes live in the database beside their finding, under its row-level security.
 */

/** Checks and re-encodes one upload; throws InputError with a message for the person who sent it. */
export async function processPhoto(file: Upload) {
  const problem = photoProblem({ size: file.bytes.length, head: file.bytes, name: file.name, type: file.type });
  if (problem) throw new InputError('photo', problem);
  const type = sniffImage(file.bytes)!;
  try {
    // sharp works in libuv's thread pool, off the event loop; metadata is dropped unless asked for.
    const source = sharp(file.bytes, { limitInputPixels: 50_000_000, failOn: 'error' }).rotate();
    const encode = (s: ReturnType<typeof sharp>) => (type === 'image/png' ? s.png() : type === 'image/webp' ? s.webp({ quality: 85 }) : s.jpeg({ quality: 85, mozjpeg: true }));
    const { data, info } = await encode(source.clone()).toBuffer({ resolveWithObject: true });
    const thumb = await encode(source.clone().resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true })).toBuffer();
    return { contentType: type, bytes: data, thumb, width: info.width, height: info.height };
  } catch {
    throw new InputError('photo', 'inspection.photo.unreadable');
  }
}

/** Adds a photo to a finding: its reporter or a coordinator/leader of its region (record.update on the finding). */
export async function addFindingPhoto(db: Kysely<DB>, actor: Actor, inspectionId: string, findingId: string, file: Upload, call: CallContext = {}) {
  await rateLimit(call, 'photoUpload', actor.id, 'photo');
  // Authorize before the costly work, then again in the writing transaction.
  await withActor(db, dbActor(actor), async (trx) => {
    const { ref } = await loadFinding(trx, actor, inspectionId, findingId);
    authorize(actor, 'record.update', ref);
  });
  const photo = await processPhoto(file);
  const { id, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const { row, ref } = await loadFinding(trx, actor, inspectionId, findingId);
    authorize(actor, 'record.update', ref);
    if ((await countPhotos(trx, findingId)) >= PHOTO_MAX_PER_FINDING) throw new InputError('photo', 'inspection.photo.tooMany');
    const id = await insertPhoto(trx, findingId, photo);
    await audit(trx, { actor, region: ref.ownerRegion, action: 'inspection.photo', target: { type: 'finding', id: findingId }, detail: { title: row.title, photo: id }, ip: call.ip });
    return { id, ref: { workspaceId: row.workspaceId, ownerOrgId: row.ownerOrgId, ownerRegion: row.ownerRegion, visibility: row.visibility, authorId: row.authorId } };
  });
  await call.realtime?.recordChanged('inspection', inspectionId, ref, 'updated');
  return id;
}

/** A photo (or its thumbnail) for whoever may read its finding; anyone else gets a 404. */
export async function getFindingPhoto(db: Kysely<DB>, actor: Actor, inspectionId: string, photoId: string, thumb: boolean) {
  return withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, inspectionId);
    const photo = await findPhoto(trx, photoId, thumb);
    if (!photo || photo.inspectionId !== inspectionId) throw new NotFoundError('photo');
    authorize(actor, 'finding.read', { workspaceId: row.workspaceId, ownerOrgId: photo.ownerOrgId, ownerRegion: photo.ownerRegion, visibility: photo.visibility, authorId: photo.authorId });
    return { contentType: photo.contentType, bytes: photo.bytes };
  });
}
