/** A file sent with a form, read into memory (the server's body cap bounds it: server/security.ts). */
export interface Upload { bytes: Uint8Array; name: string; type: string }

export async function toUpload(file: File): Promise<Upload> {
  return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, type: file.type };
}
