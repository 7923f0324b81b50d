import { REPLY_FILE_TYPES, replyFileExtension, type ReplyFileBytes } from '../../shared/domain/proposal';
import { sniffImage, startsWith } from '../../shared/domain/inspection';
import { InputError } from './errors';
import type { Upload } from './upload';

/**
 * 答复附件 (docs/proposals.md, "Reply files"): a reply's or an opinion's files are kept as sent, in the
 * database under the replies' row-level security (read through `getReplyFile`); the schema has checked
 * their kind by name, count and size, and here their bytes must be what the name says (a PDF starts with %PDF-, Word, Excel and OFD
 * files are ZIP packages, the old Office formats OLE files). Nothing is converted, so nothing runs on
 * their content; they are only ever served as downloads.
 */

/** Whether the bytes are of this kind (REPLY_FILE_TYPES' `bytes`). */
const IS: Record<ReplyFileBytes, (b: Uint8Array) => boolean> = {
  pdf: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]), // %PDF-
  zip: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]),
  ole: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  jpeg: (b) => sniffImage(b) === 'image/jpeg',
  png: (b) => sniffImage(b) === 'image/png',
};

/** The files as they will be stored; throws InputError on `files` for the first one that is not what it says. */
export function checkReplyFiles(files: Upload[]) {
  return files.map((f) => {
    const ext = replyFileExtension(f.name);
    if (!ext) throw new InputError('files', 'proposal.file.kind');
    const kind = REPLY_FILE_TYPES[ext];
    if (!IS[kind.bytes](f.bytes)) throw new InputError('files', 'proposal.file.notWhatItSays');
    return { name: f.name.slice(-200), contentType: kind.contentType, bytes: Buffer.from(f.bytes) };
  });
}
