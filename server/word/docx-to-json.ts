import mammoth from 'mammoth';
import { generateJSON } from '@tiptap/html';
import { documentExtensions } from '../../shared/editor/extensions';
import { createRequire } from 'node:module';
import { findZipEntry, readZipDirectory, readZipEntry, type ZipEntry } from './zip';

/**
 * .docx → ProseMirror JSON of the ONE document schema (shared/editor/extensions.ts): mammoth turns the
 * Word document into semantic HTML (headings, lists, tables, bold/italic/strike), then Tiptap parses
 * that HTML with the editor's own extensions, so whatever the editor cannot hold is dropped here,
 * not later in a live document. Images are dropped (the schema has no image node).
 */

export type DocumentJSON = { type: string; attrs?: Record<string, unknown>; content?: DocumentJSON[]; text?: string; marks?: Array<{ type: string; attrs?: Record<string, unknown> }> };

/** Why a file is refused (an i18n key under `word.`). */
export type DocxRefusal = 'word.notDocx' | 'word.tooLarge' | 'word.unreadable' | 'word.tooLong' | 'word.tooComplex';

export class DocxError extends Error {
  constructor(readonly reason: DocxRefusal) { super(reason); }
}

/** Upper bounds on what an upload may expand to (the upload itself is capped by the route). */
export const DOCX_LIMITS = {
  /** The main document part, inflated. A 300-page report is a few MB. */
  documentXml: 16 * 1024 * 1024,
  /** Every part mammoth may read, together, inflated. */
  allXml: 32 * 1024 * 1024,
};

// Mammoth's own resolver of the parts it reads (main document via _rels/.rels, then styles,
// numbering, notes, comments via the main part's rels): the check must look where mammoth will.
// Internal to mammoth, hence the exact version pin in package.json; word.test.ts guards it.
const require = createRequire(import.meta.url);
const mammothZip = require('mammoth/lib/zipfile.js') as { openArrayBuffer(buf: Buffer): Promise<unknown> };
const mammothReader = require('mammoth/lib/docx/docx-reader.js') as {
  _findPartPaths(zip: unknown): Promise<Record<'mainDocument' | 'comments' | 'endnotes' | 'footnotes' | 'numbering' | 'styles', string>>;
};

/**
 * Checks that the bytes are a Word document (a ZIP holding [Content_Types].xml and the main part
 * mammoth will read, every XML part inflating within the limits) before mammoth opens it.
 * Inflating here with a hard cap makes a zip bomb fail fast instead of filling memory. Returns the
 * number of characters in the text runs (<w:t>) mammoth will convert and the number of runs (<w:r>),
 * cheap measures of the conversion's cost taken before it (~0.15 ms per run).
 */
export async function checkDocx(buf: Buffer): Promise<{ textLength: number; runs: number }> {
  const entries = readZipDirectory(buf);
  if (!entries || !findZipEntry(entries, '[Content_Types].xml')) throw new DocxError('word.notDocx');
  let budget = DOCX_LIMITS.allXml;
  const inflated = new Map<string, Buffer>();
  const read = (e: ZipEntry) => {
    if (e.size > budget) throw new DocxError('word.tooLarge');
    try {
      const data = readZipEntry(buf, e, budget);
      budget -= data.length;
      inflated.set(e.name, data);
    } catch (err) {
      throw new DocxError(err instanceof RangeError ? 'word.tooLarge' : 'word.unreadable');
    }
  };
  // Every XML part first, so that mammoth's resolver below only inflates parts known to be small.
  for (const e of entries) if (/\.(xml|rels)$/i.test(e.name)) read(e);
  let parts: Awaited<ReturnType<typeof mammothReader._findPartPaths>>;
  try {
    parts = await mammothReader._findPartPaths(await mammothZip.openArrayBuffer(buf));
  } catch {
    throw new DocxError('word.notDocx'); // no main part, or a ZIP only mammoth's reader finds broken
  }
  // Parts not named .xml (a main part called word/main.bin) were not read above: within the same budget.
  for (const name of Object.values(parts)) {
    const e = findZipEntry(entries, name);
    if (e && !inflated.has(e.name)) read(e);
  }
  const main = inflated.get(parts.mainDocument);
  if (!main) throw new DocxError('word.notDocx');
  if (main.length > DOCX_LIMITS.documentXml) throw new DocxError('word.tooLarge');
  if (!/^\uFEFF?\s*</.test(main.toString('utf8', 0, 64))) throw new DocxError('word.unreadable');
  let textLength = 0;
  let runs = 0;
  // The parts whose text mammoth writes out: the body, its notes and comments. Any namespace prefix
  // (or none): mammoth resolves namespaces, so `w:` is only the usual one.
  for (const name of new Set([parts.mainDocument, parts.footnotes, parts.endnotes, parts.comments])) {
    const xml = inflated.get(name)?.toString('utf8') ?? '';
    for (const m of xml.matchAll(/<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:[\w.-]+:)?t>/g)) textLength += m[1].length;
    runs += xml.match(/<(?:[\w.-]+:)?r[\s>/]/g)?.length ?? 0;
  }
  const types = inflated.get('[Content_Types].xml')!.toString('utf8');
  // A .docm (macros), .xlsx or .pptx is a ZIP too: only a word processing document is accepted.
  if (!/wordprocessingml\.document\.main\+xml|wordprocessingml\.template\.main\+xml/.test(types)) throw new DocxError('word.notDocx');
  return { textLength, runs };
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

/** How much a draft imported from Word may hold (see draft-word.ts). */
export interface ImportLimits {
  /** Characters of text. */
  maxChars: number;
  /** Runs (<w:r>): what the conversion's time grows with, however little text each holds. */
  maxRuns: number;
}

/** One import: check and measure the file, refuse it over the limits, else convert it. */
export async function importDocx(buf: Buffer, limits: ImportLimits): Promise<DocumentJSON> {
  const { textLength, runs } = await checkDocx(buf);
  // Measured before converting: an over-long document is refused without the cost of converting it.
  if (textLength > limits.maxChars || runs > limits.maxRuns) throw new DocxError('word.tooLong');
  const { json } = await docxToDocumentJSON(buf);
  if (jsonText(json).length > limits.maxChars) throw new DocxError('word.tooLong');
  return json;
}
