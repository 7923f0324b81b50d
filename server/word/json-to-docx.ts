import {
  AlignmentType, BorderStyle, Document, ExternalHyperlink, HeadingLevel, LevelFormat, Packer, Paragraph, ShadingType,
  Table, TableCell, TableRow, TextRun, WidthType, type ILevelsOptions, type IRunOptions, type ParagraphChild,
} from 'docx';
import type { DocumentJSON } from './docx-to-json';

/**
 * ProseMirror JSON of the document schema → .docx: headings, paragraphs with bold/italic/underline/
 * strike/code and links, bullet and ordered lists (nested), tables (header rows, merged cells),
 * blockquotes, code blocks and rules. Pure: JSON in, bytes out. The JSON may come from a live
 * document read without a schema, so unknown nodes are walked for their text, never dropped silently.
 */

type Block = Paragraph | Table;
type Mark = NonNullable<DocumentJSON['marks']>[number];

/** A4 with 2.54 cm margins: the width tables share out between their columns. */
const TEXT_WIDTH_TWIPS = 11906 - 2 * 1440;
const INDENT_STEP = 420; // about two Chinese characters at 小四
const MONO = { ascii: 'Consolas', hAnsi: 'Consolas', eastAsia: '宋体' };
const HEADINGS = [
  HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6,
] as const;

/** Characters XML 1.0 cannot carry (a pasted control character would make the file unreadable). */
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');

const BULLETS = ['●', '○', '■'];
const bulletLevels: ILevelsOptions[] = Array.from({ length: 9 }, (_, level) => ({
  level, format: LevelFormat.BULLET, text: BULLETS[level % 3], alignment: AlignmentType.LEFT,
  style: { paragraph: { indent: { left: INDENT_STEP * (level + 1), hanging: INDENT_STEP } } },
}));
const ORDERED_FORMATS = [
  [LevelFormat.DECIMAL, '%L.'], [LevelFormat.DECIMAL, '(%L)'], [LevelFormat.LOWER_LETTER, '%L.'],
] as const;
const orderedLevels = (start: number): ILevelsOptions[] => Array.from({ length: 9 }, (_, level) => {
  const [format, text] = ORDERED_FORMATS[level % 3];
  return {
    level, format, text: text.replace('%L', `%${level + 1}`), start: level === 0 ? start : 1, alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: INDENT_STEP * (level + 1), hanging: INDENT_STEP } } },
  };
});

interface ListContext { reference: string; instance: number; level: number }

/** One conversion: collects the numbering definitions its ordered lists need (one per start number). */
class Converter {
  private instances = 0;
  readonly orderedStarts = new Set<number>([1]);

  blocks(nodes: DocumentJSON[] | undefined, indent = 0, list?: ListContext): Block[] {
    return (nodes ?? []).flatMap((n) => this.block(n, indent, list));
  }

  private block(node: DocumentJSON, indent: number, list?: ListContext): Block[] {
    switch (node.type) {
      case 'paragraph':
        return [this.paragraph(node, { indent })];
      case 'heading': {
        const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
        return [this.paragraph(node, { indent, heading: HEADINGS[level - 1] })];
      }
      case 'bulletList':
      case 'orderedList':
        return this.list(node, indent, list);
      case 'blockquote':
        return this.blocks(node.content, indent + 1, list);
      case 'codeBlock':
        return this.codeBlock(node, indent);
      case 'horizontalRule':
        return [new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'auto', space: 1 } } })];
      case 'table':
        return [this.table(node)];
      default:
        // A block this converter does not know: keep its text (inline content) or its blocks.
        if (node.content?.some((c) => c.type === 'text')) return [this.paragraph(node, { indent })];
        return this.blocks(node.content, indent, list);
    }
  }

  private paragraph(node: DocumentJSON, o: { indent: number; heading?: (typeof HEADINGS)[number]; numbering?: ListContext; listIndent?: number }) {
    const left = o.listIndent ?? (o.indent > 0 ? o.indent * INDENT_STEP : undefined);
    return new Paragraph({
      heading: o.heading,
      children: this.inline(node.content),
      ...(o.numbering ? { numbering: { reference: o.numbering.reference, level: o.numbering.level, instance: o.numbering.instance } } : {}),
      ...(left !== undefined && !o.numbering ? { indent: { left } } : {}),
    });
  }

  /**
   * Each list node is one Word list (a numbering instance): its items are numbered on from each
   * other, a nested list starts again at 1 one level deeper. An item's first paragraph carries the
   * number; its further paragraphs are indented to the item's text.
   */
  private list(node: DocumentJSON, indent: number, parent?: ListContext): Block[] {
    const ordered = node.type === 'orderedList';
    const start = ordered ? Math.max(0, Math.floor(Number(node.attrs?.start ?? 1)) || 0) : 1;
    if (ordered) this.orderedStarts.add(start);
    const ctx: ListContext = {
      reference: ordered ? `ordered-${start}` : 'bullets',
      instance: ++this.instances,
      level: parent ? Math.min(8, parent.level + 1) : 0,
    };
    const textIndent = INDENT_STEP * (ctx.level + 1) + indent * INDENT_STEP;
    const out: Block[] = [];
    for (const item of node.content ?? []) {
      const children = item.type === 'listItem' || item.type === 'taskItem' ? item.content ?? [] : [item];
      children.forEach((child, i) => {
        if (child.type === 'paragraph' || child.type === 'heading') {
          out.push(i === 0 ? this.paragraph(child, { indent, numbering: ctx }) : this.paragraph(child, { indent, listIndent: textIndent }));
        } else {
          out.push(...this.block(child, indent, ctx));
        }
      });
    }
    return out;
  }

  private codeBlock(node: DocumentJSON, indent: number): Paragraph[] {
    const text = (node.content ?? []).map((c) => c.text ?? '').join('');
    return clean(text).split('\n').map((line) => new Paragraph({
      shading: { type: ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' },
      ...(indent > 0 ? { indent: { left: indent * INDENT_STEP } } : {}),
      children: [new TextRun({ text: line, font: MONO, size: 20 })],
    }));
  }

  private table(node: DocumentJSON): Table {
    const rows = (node.content ?? []).filter((r) => r.type === 'tableRow');
    const columns = Math.max(1, ...rows.map((r) => (r.content ?? []).reduce((n, c) => n + (Number(c.attrs?.colspan) || 1), 0)));
    const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: Array.from({ length: columns }, () => Math.floor(TEXT_WIDTH_TWIPS / columns)),
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      rows: (rows.length ? rows : [{ type: 'tableRow', content: [{ type: 'tableCell' }] }]).map((row) => {
        const cells = row.content?.length ? row.content : [{ type: 'tableCell' }];
        return new TableRow({
          // A row of header cells repeats on every page, and mammoth reads it back as <th>.
          // (Only set when true: mammoth takes any <w:tblHeader> as a header row, even val="false".)
          ...(cells.every((c) => c.type === 'tableHeader') ? { tableHeader: true } : {}),
          children: cells.map((cell) => {
            const blocks = this.blocks(cell.content);
            return new TableCell({
              children: blocks.length ? blocks : [new Paragraph({})], // Word needs a paragraph in every cell
              columnSpan: Number(cell.attrs?.colspan) > 1 ? Number(cell.attrs?.colspan) : undefined,
              rowSpan: Number(cell.attrs?.rowspan) > 1 ? Number(cell.attrs?.rowspan) : undefined,
              ...(cell.type === 'tableHeader' ? { shading: { type: ShadingType.CLEAR, fill: 'EDEDED', color: 'auto' } } : {}),
            });
          }),
        });
      }),
    });
  }

  private inline(nodes: DocumentJSON[] | undefined): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    for (const n of nodes ?? []) {
      if (n.type === 'hardBreak') {
        out.push(new TextRun({ break: 1 }));
        continue;
      }
      if (n.type !== 'text') {
        // An inline node we do not know: its text, if any.
        out.push(...this.inline(n.content));
        continue;
      }
      const marks = n.marks ?? [];
      const run = new TextRun({ text: clean(n.text ?? ''), ...runStyle(marks) });
      const href = linkOf(marks);
      out.push(href ? new ExternalHyperlink({ link: href, children: [run] }) : run);
    }
    return out;
  }

  numbering() {
    return {
      config: [
        { reference: 'bullets', levels: bulletLevels },
        ...[...this.orderedStarts].map((start) => ({ reference: `ordered-${start}`, levels: orderedLevels(start) })),
      ],
    };
  }
}

function runStyle(marks: Mark[]): IRunOptions {
  const has = (t: string) => marks.some((m) => m.type === t);
  return {
    ...(has('bold') ? { bold: true } : {}),
    ...(has('italic') ? { italics: true } : {}),
    ...(has('strike') ? { strike: true } : {}),
    ...(has('underline') ? { underline: {} } : {}),
    ...(has('code') ? { font: MONO, shading: { type: ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' } } : {}),
    ...(linkOf(marks) ? { style: 'Hyperlink' } : {}),
  };
}

/** Only web and mail links leave the platform inside a file. */
function linkOf(marks: Mark[]): string | undefined {
  const href = marks.find((m) => m.type === 'link')?.attrs?.href;
  return typeof href === 'string' && /^(https?:|mailto:)/i.test(href) ? href : undefined;
}

const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
const heading = (size: number) => ({
  run: { font: HEADING_FONT, size, bold: true, color: '000000' },
  paragraph: { spacing: { before: 240, after: 120 } },
});

/** What a submitted proposal's document carries around its text (GB/T 9704 公文 layout). */
export interface ProposalHeader {
  number: string;
  committee: string;
  /** Already in words: category, submission day. */
  category: string;
  submitted: string;
  /** 李明（领衔）、刘洋 */
  sponsors: string;
  /** One line per sponsor: name, signing day and the signed text's code. */
  signatures: string[];
}

export interface DocxMeta {
  title: string;
  /** Shown in Word's File > Info. */
  creator?: string;
  /** A proposal: official layout, its number and sponsors above the text, signatures below. */
  proposal?: ProposalHeader;
}

// GB/T 9704: body 仿宋 三号 (16 pt), title 小标宋 二号 (22 pt), headings 黑体 三号, 28 pt lines;
// margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (1 mm = 56.7 twips).
const FANGSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋' };
const XIAOBIAOSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const OFFICIAL_MARGINS = { top: 2098, bottom: 1984, left: 1588, right: 1474 };

function proposalFrame(meta: DocxMeta & { proposal: ProposalHeader }, body: Block[]): Block[] {
  const p = meta.proposal;
  const line = (label: string, text: string) => new Paragraph({ children: [new TextRun({ text: `${label}：`, bold: true }), new TextRun(clean(text))] });
  return [
    new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun(clean(p.number))] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 240 },
      children: [new TextRun({ text: clean(meta.title), font: XIAOBIAOSONG, size: 44 })] }),
    line('提案人', p.sponsors),
    line('受理单位', p.committee),
    line('类别', p.category),
    line('提交日期', p.submitted),
    new Paragraph({}),
    ...body,
    new Paragraph({}),
    new Paragraph({ children: [new TextRun({ text: '提案人签署', bold: true })] }),
    ...p.signatures.map((s) => new Paragraph({ indent: { left: 640 }, children: [new TextRun(clean(s))] })),
  ];
}

/** The .docx bytes of a document (ProseMirror JSON of the document schema); a proposal in the official layout. */
export async function documentJSONToDocx(json: DocumentJSON, meta: DocxMeta): Promise<Buffer> {
  const converter = new Converter();
  let children = converter.blocks(json.type === 'doc' ? json.content : [json]);
  const official = meta.proposal !== undefined;
  if (meta.proposal) children = proposalFrame({ ...meta, proposal: meta.proposal }, children);
  const doc = new Document({
    title: clean(meta.title),
    creator: meta.creator ? clean(meta.creator) : undefined,
    styles: {
      default: official ? {
        document: { run: { font: FANGSONG, size: 32 }, paragraph: { spacing: { line: 560, lineRule: 'exact' } } },
        heading1: heading(32),
        heading2: heading(32),
        heading3: heading(32),
        heading4: heading(32),
        heading5: heading(32),
        heading6: heading(32),
      } : {
        document: { run: { font: BODY_FONT, size: 24 }, paragraph: { spacing: { line: 360 } } },
        heading1: heading(32),
        heading2: heading(28),
        heading3: heading(26),
        heading4: heading(24),
        heading5: heading(24),
        heading6: heading(24),
      },
    },
    numbering: converter.numbering(),
    sections: [{
      ...(official && { properties: { page: { margin: OFFICIAL_MARGINS } } }),
      children: children.length ? children : [new Paragraph({})],
    }],
  });
  return Packer.toBuffer(doc);
}
