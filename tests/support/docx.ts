import zlib from 'node:zlib';

/** Hand-made ZIP archives and .docx files for tests of what an upload may hold (crafted, damaged, lying). */

export interface ZipFile { name: string; data: Buffer; deflate?: boolean; declaredSize?: number }

/** A ZIP archive of `files`, stored or deflated; `declaredSize` lies about an entry's inflated size. */
export function zip(files: ZipFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? zlib.deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(f.deflate ? 8 : 0, 8);
    head.writeUInt32LE(zlib.crc32(f.data), 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(f.declaredSize ?? f.data.length, 22);
    head.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.deflate ? 8 : 0, 10);
    central.writeUInt32LE(zlib.crc32(f.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.declaredSize ?? f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, name, body);
    centrals.push(central, name);
    offset += head.length + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

export const WORD_TYPES = Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
  + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');

const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_DOCUMENT = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument';

/**
 * A small .docx whose package relationships name `word/main.bin` as the main part, holding `runs`
 * runs of text, bold and italic in turn (the costliest to convert, ~0.15 ms each), while
 * `word/document.xml` is a one-line decoy: mammoth reads main.bin. `ns` is the prefix of the
 * WordprocessingML namespace (Word writes `w`; any other is the same document).
 */
export function craftedDocx(runs: number, text = '川渝', ns = 'w'): Buffer {
  const run = (i: number) => `<${ns}:r><${ns}:rPr><${ns}:${i % 2 ? 'i' : 'b'}/></${ns}:rPr><${ns}:t>${text}</${ns}:t></${ns}:r>`;
  const body = Array.from({ length: runs }, (_, i) => run(i)).join('');
  const main = `<?xml version="1.0" encoding="UTF-8"?><${ns}:document xmlns:${ns}="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`
    + `<${ns}:body><${ns}:p>${body}</${ns}:p></${ns}:body></${ns}:document>`;
  return zip([
    { name: '[Content_Types].xml', data: WORD_TYPES, deflate: true },
    { name: '_rels/.rels', data: Buffer.from(`<?xml version="1.0"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${OFFICE_DOCUMENT}" Target="word/main.bin"/></Relationships>`), deflate: true },
    { name: 'word/document.xml', data: Buffer.from('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>短</w:t></w:r></w:p></w:body></w:document>'), deflate: true },
    { name: 'word/main.bin', data: Buffer.from(main), deflate: true },
  ]);
}
