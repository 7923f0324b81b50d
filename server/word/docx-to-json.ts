import mammoth from 'mammoth';
import { generateJSON } from '@tiptap/html';
import { documentExtensions } from '../../shared/editor/extensions';
import { findZipEntry, readZipDirectory, readZipEntry } from './zip';

/**
 * .docx → ProseMirror JSON of the ONE document schema (shared/editor/extensions.ts): mammoth turns the
 * Word document into semantic HTML (headings, lists, tables, bold/italic/strike), then Tiptap parses
 * that HTML with the editor's own extensions, so whatever the editor cannot hold is dropped here,
 * not later in a live document. Images are dropped (the schema has no image node).
 */

export type DocumentJSON = { type: string; attrs?: Record<string, unknown>; content?: DocumentJSON[]; text?: string; marks?: Array<{ type: string; attrs?: Record<string, unknown> }> };

/** Why a file is refused (an i18n key under `word.`). */
export type DocxRefusal = 'word.notDocx' | 'word.tooLarge' | 'word.unreadable';

export class DocxError extends Error {
  constructor(readonly reason: DocxRefusal) { super(reason); }
}

/** Upper bounds on what an upload may expand to (the upload itself is capped by the route). */
export const DOCX_LIMITS = {
  /** word/document.xml, inflated. A 300-page report is a few MB. */
  documentXml: 16 * 1024 * 1024,
  /** Every XML part mammoth may read, together, inflated. */
  allXml: 32 * 1024 * 1024,
};

/**
 * Checks that the bytes are a Word document (a ZIP holding [Content_Types].xml and
 * word/document.xml, whose XML parts inflate within the limits) before mammoth opens it.
 * Inflating here with a hard cap makes a zip bomb fail fast instead of filling memory.
 * Returns the number of characters in the document's text runs (<w:t>), a cheap measure taken
 * before the conversion, which runs on the server's event loop (~1 s per 100,000 characters).
 */
export function checkDocx(buf: Buffer): { textLength: number } {
  const entries = readZipDirectory(buf);
  if (!entries || !findZipEntry(entries, 'word/document.xml') || !findZipEntry(entries, '[Content_Types].xml')) {
    throw new DocxError('word.notDocx');
  }
  let budget = DOCX_LIMITS.allXml;
  let textLength = 0;
  for (const e of entries) {
    if (!/\.(xml|rels)$/i.test(e.name)) continue;
    const cap = Math.min(budget, e.name === 'word/document.xml' ? DOCX_LIMITS.documentXml : budget);
    if (e.size > cap) throw new DocxError('word.tooLarge');
    let data: Buffer;
    try {
      data = readZipEntry(buf, e, cap);
    } catch (err) {
      throw new DocxError(err instanceof RangeError ? 'word.tooLarge' : 'word.unreadable');
    }
    budget -= data.length;
    if (e.name === 'word/document.xml') {
      for (const m of data.toString('utf8').matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) textLength += m[1].length;
    }
  }
  const types = readZipEntry(buf, findZipEntry(entries, '[Content_Types].xml')!, DOCX_LIMITS.allXml).toString('utf8');
  // A .docm (macros), .xlsx or .pptx is a ZIP too: only a word processing document is accepted.
  if (!/wordprocessingml\.document\.main\+xml|wordprocessingml\.template\.main\+xml/.test(types)) throw new DocxError('word.notDocx');
  return { textLength };
}

/**
 * Word styles → HTML. Mammoth maps "Heading 1".."Heading 6" already; documents written in WPS or a
 * Chinese Word keep Chinese style names, and a "Title" paragraph is the document's first heading.
 */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='标题'] => h1:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
  "p[style-name='副标题'] => h2:fresh",
  ...[1, 2, 3, 4, 5, 6].map((n) => `p[style-name='标题 ${n}'] => h${n}:fresh`),
  'u => u',
  'strike => s',
];

/** Drops every image without reading it (the editor has no image node). */
const dropImages = mammoth.images.imgElement(async () => ({ src: '' }));

export interface DocxImport {
  json: DocumentJSON;
  /** Mammoth's notes on what it could not map (unknown styles...), for the log. */
  warnings: string[];
}

/** Converts a checked .docx (see `checkDocx`) into ProseMirror JSON of the document schema. */
export async function docxToDocumentJSON(buf: Buffer): Promise<DocxImport> {
  let html: string;
  let warnings: string[];
  try {
    const result = await mammoth.convertToHtml({ buffer: buf }, {
      styleMap: STYLE_MAP, convertImage: dropImages, externalFileAccess: false, ignoreEmptyParagraphs: true,
    });
    html = result.value;
    warnings = result.messages.map((m) => m.message);
  } catch {
    throw new DocxError('word.unreadable');
  }
  const json = generateJSON(html, documentExtensions) as DocumentJSON;
  return { json: normalize(json), warnings };
}

/** A document needs at least one block; mammoth's empty anchors and images leave nothing behind. */
function normalize(json: DocumentJSON): DocumentJSON {
  const content = json.content?.length ? json.content : [{ type: 'paragraph' }];
  return { type: 'doc', content };
}

/** The plain text of ProseMirror JSON, blocks separated by '\n' (to measure an import before storing it). */
export function jsonText(node: DocumentJSON): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const kids = node.content ?? [];
  if (kids.length === 0 || kids.some((k) => k.type === 'text' || k.type === 'hardBreak')) return kids.map(jsonText).join('');
  return kids.map(jsonText).join('\n');
}
