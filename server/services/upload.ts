import type { PhotoType } from '../../shared/domain/inspection';

/** A file sent with a form, read into memory (the server's body cap bounds it: server/security.ts). */
export interface Upload { bytes: Uint8Array; name: string; type: string }

/**
 * The file's bytes, and its name as people read it: without the path some browsers send (C:\fakepath\…)
 * and without control characters (PostgreSQL refuses a NUL in text).
 */
export async function toUpload(file: File): Promise<Upload> {
  const name = file.name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '');
  return { bytes: new Uint8Array(await file.arrayBuffer()), name, type: file.type };
}

export const toUploads = (files: readonly File[]) => Promise.all(files.map(toUpload));

/** Whether the bytes begin with this signature (a file type's magic number). */
export const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

/** The image type the bytes really are, from their signature; null for anything else. */
export function sniffImage(bytes: Uint8Array): PhotoType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}
