import zlib from 'node:zlib';

/**
 * A minimal reader of ZIP archives (a .docx is one), enough to check an upload before a parser
 * sees it: list the central directory and inflate one entry with a hard cap on its real size,
 * so a small upload cannot expand into gigabytes (a zip bomb) or lie about sizes.
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else we do not read. */
  method: number;
  compressedSize: number;
  /** As declared by the archive: never trusted for limits, only for a first refusal. */
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** The central directory, or null when the bytes are not a readable ZIP archive. */
export function readZipDirectory(buf: Buffer): ZipEntry[] | null {
  if (buf.length < 22) return null;
  // The end-of-central-directory record sits in the last 22 + up to 65,535 (comment) bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) { eocd = i; break; }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  let offset = buf.readUInt32LE(eocd + 16);
  if (offset + size > eocd) return null;
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== CENTRAL_SIGNATURE) return null;
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    if (offset + 46 + nameLength > buf.length) return null;
    entries.push({
      name: buf.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: buf.readUInt16LE(offset + 10),
      compressedSize: buf.readUInt32LE(offset + 20),
      size: buf.readUInt32LE(offset + 24),
      localHeaderOffset: buf.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The bytes of one entry, inflated with `maxBytes` as a hard limit on the real output.
 * Throws on a damaged entry or when the content is larger than `maxBytes`.
 */
export function readZipEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL_SIGNATURE) throw new Error('zip: bad local header');
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new Error('zip: truncated entry');
  const data = buf.subarray(start, end);
  if (entry.method === 0) {
    if (data.length > maxBytes) throw new RangeError('zip: entry too large');
    return Buffer.from(data);
  }
  if (entry.method !== 8) throw new Error(`zip: unsupported method ${entry.method}`);
  // maxOutputLength makes zlib stop (RangeError) instead of expanding a bomb.
  return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
}

/** Finds an entry by exact name (ZIP names use '/'). */
export function findZipEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  return entries.find((e) => e.name === name);
}
