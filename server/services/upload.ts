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
