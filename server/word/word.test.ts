import { afterEach, describe, expect, it } from 'vitest';
import { checkDocx, DocxError, docxToDocumentJSON, importDocx, jsonText, type DocumentJSON } from './docx-to-json';
import { documentJSONToDocx } from './json-to-docx';
import { findZipEntry, readZipDirectory, readZipEntry } from './zip';
import { createWordPool, type WordPool } from './pool';
import { contentDisposition, exportFileName, IMPORT_LIMITS, titleFromFileName } from '../services/draft-word';
import { craftedDocx, WORD_TYPES, zip, type ZipFile } from '../../tests/support/docx';

/** Word in and out without a server: JSON → .docx → mammoth → JSON keeps what the editor can hold. */

type Marks = Array<{ type: string; attrs?: Record<string, unknown> }>;
const t = (text: string, ...marks: string[]): DocumentJSON => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
const p = (...content: DocumentJSON[]): DocumentJSON => ({ type: 'paragraph', ...(content.length ? { content } : {}) });
const h = (level: number, text: string): DocumentJSON => ({ type: 'heading', attrs: { level }, content: [t(text)] });
const li = (...content: DocumentJSON[]): DocumentJSON => ({ type: 'listItem', content });
const ul = (...items: DocumentJSON[]): DocumentJSON => ({ type: 'bulletList', content: items });
const ol = (...items: DocumentJSON[]): DocumentJSON => ({ type: 'orderedList', attrs: { start: 1 }, content: items });
const cell = (type: 'tableCell' | 'tableHeader', ...content: DocumentJSON[]): DocumentJSON => ({ type, content });
const row = (...cells: DocumentJSON[]): DocumentJSON => ({ type: 'tableRow', content: cells });
const doc = (...content: DocumentJSON[]): DocumentJSON => ({ type: 'doc', content });

const CHINESE = '氢能是构建清洁低碳、安全高效能源体系的重要载体，燃料电池汽车是氢能在交通领域规模化应用的主要突破口。';

const proposal = doc(
  h(1, '关于支持成渝氢走廊区域纳入国家燃料电池汽车示范应用城市群的提案'),
  p(t('起草说明：', 'bold'), t('本提案由两地委员联名提出，'), t('请直接修改', 'italic'), t('；', 'bold', 'italic'), t('旧表述', 'strike'), t('重点', 'underline')),
  h(2, '案由'),
  p(t(CHINESE)),
  h(3, '（一）现状'),
  ul(li(p(t('加氢站布局不足')), ul(li(p(t('成都方向'))), li(p(t('重庆方向'))))), li(p(t('示范线路偏少')))),
  ol(li(p(t('纳入示范城市群'))), li(p(t('统一标准')), ol(li(p(t('加氢站建设标准'))), li(p(t('车辆运营标准'))))), li(p(t('共建研发平台')))),
  {
    type: 'table', content: [
      row(cell('tableHeader', p(t('方面'))), cell('tableHeader', p(t('现状'))), cell('tableHeader', p(t('问题')))),
      row(cell('tableCell', p(t('示范政策'))), cell('tableCell', p(t('两地分别出台规划'))), cell('tableCell', p(t('缺少中央奖励', 'bold')))),
      row(cell('tableCell', p(t('加氢网络'))), cell('tableCell', p()), cell('tableCell', p(t('跨省通行'), { type: 'hardBreak' }, t('不便')))),
    ],
  },
  p(t('以上建议，请国家发展改革委研究办理。')),
);

/** What a round trip must keep: node types, heading levels, text and mark names (no default attrs). */
function shape(n: DocumentJSON): unknown {
  if (n.type === 'text') return { text: n.text, marks: ((n.marks ?? []) as Marks).map((m) => m.type).sort() };
  return {
    type: n.type,
    ...(n.type === 'heading' ? { level: n.attrs?.level } : {}),
    ...(n.content?.length ? { content: n.content.map(shape) } : {}),
  };
}

const roundTrip = async (json: DocumentJSON) => (await docxToDocumentJSON(await documentJSONToDocx(json, { title: '测试' }))).json;

function documentXml(buf: Buffer): string {
  const entries = readZipDirectory(buf)!;
  return readZipEntry(buf, findZipEntry(entries, 'word/document.xml')!, 50 * 1024 * 1024).toString('utf8');
}

const refusal = async (work: () => Promise<unknown>) => {
  try { await work(); } catch (err) { return err instanceof DocxError ? err.reason : err; }
  return null;
};

describe('Word round trip: JSON → .docx → mammoth → JSON', () => {
  it('keeps headings 1–3, bold/italic/strike/underline, nested bullet and ordered lists, tables and Chinese text', async () => {
    const back = await roundTrip(proposal);
    expect(shape(back)).toEqual(shape(proposal));
    expect(jsonText(back)).toBe(jsonText(proposal));
    expect(jsonText(back)).toContain(CHINESE);
  });

  it('writes a real Word document: headings, numbering, a header row and the Chinese text in document.xml', async () => {
    const buf = await documentJSONToDocx(proposal, { title: '《提案》' });
    await expect(checkDocx(buf)).resolves.toBeTruthy();
    const xml = documentXml(buf);
    expect(xml).toContain('w:val="Heading1"');
    expect(xml).toContain('w:val="Heading3"');
    expect(xml).toContain('<w:numPr>');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain(CHINESE);
  });

  it('keeps the text of what Word has no counterpart for here (quotes, code, rules, links) and drops unsafe links', async () => {
    const json = doc(
      { type: 'blockquote', content: [p(t('引用的办理答复'))] },
      { type: 'codeBlock', content: [t('第一行\n第二行')] },
      { type: 'horizontalRule' },
      p({ type: 'text', text: '官网', marks: [{ type: 'link', attrs: { href: 'https://www.cppcc.gov.cn/' } }] },
        { type: 'text', text: '脚本', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }),
      { type: 'someFutureBlock', content: [t('未知块的文字')] },
    );
    const buf = await documentJSONToDocx(json, { title: 'x' });
    const xml = documentXml(buf);
    expect(xml).not.toContain('javascript:');
    const text = jsonText((await docxToDocumentJSON(buf)).json);
    for (const s of ['引用的办理答复', '第一行', '第二行', '官网脚本', '未知块的文字']) expect(text).toContain(s);
    const back = (await docxToDocumentJSON(buf)).json;
    const link = JSON.stringify(back);
    expect(link).toContain('https://www.cppcc.gov.cn/');
  });

  it('an empty document and control characters still make a valid file', async () => {
    expect(shape(await roundTrip(doc()))).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    const back = await roundTrip(doc(p(t('甲\u0000乙\u0007丙'))));
    expect(jsonText(back)).toBe('甲乙丙');
  });

  it('an ordered list that starts at 3 keeps counting from 3 in Word', async () => {
    const json = doc({ type: 'orderedList', attrs: { start: 3 }, content: [li(p(t('三'))), li(p(t('四')))] });
    const buf = await documentJSONToDocx(json, { title: 'x' });
    const numbering = readZipEntry(buf, findZipEntry(readZipDirectory(buf)!, 'word/numbering.xml')!, 1e7).toString('utf8');
    expect(numbering).toContain('<w:start w:val="3"/>');
  });
});

describe('checking an upload before mammoth opens it', () => {
  it('accepts a generated .docx and measures its text before converting it', async () => {
    expect(await refusal(() => checkDocx(Buffer.alloc(0)))).toBe('word.notDocx');
    const buf = await documentJSONToDocx(proposal, { title: 'x' });
    expect(await refusal(() => checkDocx(buf))).toBeNull();
    expect((await checkDocx(buf)).textLength).toBe(jsonText(proposal).replace(/\n/g, '').length);
  });

  it('refuses what is not a Word document: text, random bytes, a zip without word/document.xml, a spreadsheet', async () => {
    expect(await refusal(() => checkDocx(Buffer.from('这不是 Word 文档')))).toBe('word.notDocx');
    expect(await refusal(() => checkDocx(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))))).toBe('word.notDocx');
    expect(await refusal(() => checkDocx(zip([{ name: '[Content_Types].xml', data: WORD_TYPES }, { name: 'readme.txt', data: Buffer.from('x') }])))).toBe('word.notDocx');
    const xlsxTypes = Buffer.from(WORD_TYPES.toString().replace('wordprocessingml.document.main', 'spreadsheetml.sheet.main'));
    expect(await refusal(() => checkDocx(zip([{ name: '[Content_Types].xml', data: xlsxTypes }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }])))).toBe('word.notDocx');
  });

  it('refuses a zip bomb that lies about its size, without inflating all of it', async () => {
    const huge = Buffer.alloc(64 * 1024 * 1024, 0x20); // 64 MB of spaces deflate to ~64 KB
    const bomb = zip([
      { name: '[Content_Types].xml', data: WORD_TYPES },
      { name: 'word/document.xml', data: huge, deflate: true, declaredSize: 1000 },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await refusal(() => checkDocx(bomb))).toBe('word.tooLarge');
  });

  it('refuses a truncated .docx', async () => {
    const buf = await documentJSONToDocx(proposal, { title: 'x' });
    expect(await refusal(() => checkDocx(buf.subarray(0, buf.length - 200)))).toBe('word.notDocx');
    const broken = Buffer.from(buf);
    const entry = findZipEntry(readZipDirectory(broken)!, 'word/document.xml')!;
    broken.fill(0xff, entry.localHeaderOffset + 60, entry.localHeaderOffset + 400); // damage the deflated data
    expect(await refusal(() => checkDocx(broken))).toBe('word.unreadable');
  });

  it('measures the main part mammoth reads (named by _rels/.rels), not a decoy word/document.xml', async () => {
    const crafted = craftedDocx(1000);
    expect(crafted.length).toBeLessThan(8 * 1024);
    expect(await checkDocx(crafted)).toEqual({ textLength: 2000, runs: 1000 });
    // What mammoth converts is indeed main.bin.
    expect(jsonText((await docxToDocumentJSON(crafted)).json)).toBe('川渝'.repeat(1000));
    // Another namespace prefix is the same document to mammoth, and the same count here.
    const prefixed = craftedDocx(1000, '川渝', 'x');
    expect(await checkDocx(prefixed)).toEqual({ textLength: 2000, runs: 1000 });
    expect(jsonText((await docxToDocumentJSON(prefixed)).json)).toBe('川渝'.repeat(1000));
  });

  it('refuses too many runs or too much text in that part before converting it, in milliseconds', async () => {
    const started = performance.now();
    expect(await refusal(() => importDocx(craftedDocx(100_000), IMPORT_LIMITS))).toBe('word.tooLong');
    expect(await refusal(() => importDocx(craftedDocx(IMPORT_LIMITS.maxRuns + 1, ''), IMPORT_LIMITS))).toBe('word.tooLong');
    expect(performance.now() - started).toBeLessThan(5000); // converting either takes 6-15 s (0.3 s here when the machine is idle)
  });

  it('refuses a main part that is missing, not XML, or a bomb under another name', async () => {
    const files = (main: Partial<ZipFile> | null): ZipFile[] => [
      { name: '[Content_Types].xml', data: WORD_TYPES },
      { name: '_rels/.rels', data: Buffer.from(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.bin"/></Relationships>`) },
      ...(main ? [{ name: 'word/main.bin', data: Buffer.from('<w:document/>'), ...main }] : []),
    ];
    expect(await refusal(() => checkDocx(zip(files(null))))).toBe('word.notDocx');
    expect(await refusal(() => checkDocx(zip(files({ data: Buffer.from('PK\x03\x04 binary') }))))).toBe('word.unreadable');
    const bomb = zip(files({ data: Buffer.alloc(64 * 1024 * 1024, 0x20), deflate: true, declaredSize: 1000 }));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await refusal(() => checkDocx(bomb))).toBe('word.tooLarge');
    expect(await refusal(() => checkDocx(zip(files({}))))).toBeNull();
  });
});

describe('the Word worker pool', () => {
  let pool: WordPool | undefined;
  afterEach(() => pool?.close());

  /**
   * The longest the event loop went without running a 10 ms timer while `work` ran, as a fraction of
   * the work's time: about 1 when the work runs on the event loop, small when a worker does it (a
   * fraction, so that a machine loaded by other processes slows both sides).
   */
  async function loopDelay(work: () => Promise<unknown>): Promise<number> {
    let max = 0;
    const started = performance.now();
    let last = started;
    const tick = setInterval(() => { const now = performance.now(); max = Math.max(max, now - last); last = now; }, 10);
    try { await work(); } finally { clearInterval(tick); }
    return Math.max(max, performance.now() - last) / (performance.now() - started);
  }

  it('imports and exports like the functions it runs, with the event loop free meanwhile', async () => {
    pool = createWordPool({ timeLimitMs: 20_000 });
    const buf = await documentJSONToDocx(proposal, { title: 'x' });
    const imported = await pool.importDocx(buf, IMPORT_LIMITS);
    expect(imported.ok && shape(imported.value)).toEqual(shape(proposal));
    const exported = await pool.exportDocx(proposal, { title: 'x' });
    expect(exported.ok && documentXml(exported.value)).toBe(documentXml(buf));
    expect(await pool.importDocx(Buffer.from('这不是 Word 文档'), IMPORT_LIMITS)).toEqual({ ok: false, refusal: 'word.notDocx' });
    // 20,000 formatted runs: ~3 s of converting, all of it in the worker.
    expect(await loopDelay(() => pool!.importDocx(craftedDocx(20_000), IMPORT_LIMITS))).toBeLessThan(0.5);
  }, 30_000);

  it('stops an import or export over the time limit (word.tooComplex) and goes on with a fresh thread', async () => {
    pool = createWordPool({ timeLimitMs: 1000 });
    const small = await documentJSONToDocx(proposal, { title: 'x' });
    await pool.importDocx(small, IMPORT_LIMITS); // the thread is up: the limit is the conversion's alone
    // Within the import limits, so it would convert, in 6 s or more: the refusal says the limit stopped it.
    const slow = pool.importDocx(craftedDocx(IMPORT_LIMITS.maxRuns), IMPORT_LIMITS);
    const next = pool.importDocx(small, IMPORT_LIMITS); // queued behind it: its own limit starts when it runs
    expect(await slow).toEqual({ ok: false, refusal: 'word.tooComplex' });
    const after = await next;
    expect(after.ok && shape(after.value)).toEqual(shape(proposal));
    // Export too: 40,000 formatted paragraphs take ~4 s to write.
    const long = doc(...Array.from({ length: 40_000 }, (_, i) => p(t(`第${i}段`, i % 2 ? 'bold' : 'italic'))));
    expect(await pool.exportDocx(long, { title: 'x' })).toEqual({ ok: false, refusal: 'word.tooComplex' });
    expect((await pool.exportDocx(proposal, { title: 'x' })).ok).toBe(true);
  }, 30_000);
});

describe('file names', () => {
  it('a title from the file name, and a Chinese download name encoded per RFC 5987', () => {
    expect(titleFromFileName('C:\\Users\\委员\\《关于成渝氢走廊的提案》.DOCX')).toBe('《关于成渝氢走廊的提案》');
    expect(titleFromFileName('.docx')).toBe('');
    expect(exportFileName('关于/成渝:氢走廊*的"提案"')).toBe('关于 成渝 氢走廊 的 提案.docx');
    const header = contentDisposition(exportFileName('《关于成渝氢走廊的提案》'));
    expect(header).toBe(`attachment; filename="draft.docx"; filename*=UTF-8''${encodeURIComponent('《关于成渝氢走廊的提案》.docx')}`);
    expect(contentDisposition('提案登记-2024.xlsx', 'proposals')).toBe(`attachment; filename="proposals.xlsx"; filename*=UTF-8''${encodeURIComponent('提案登记-2024.xlsx')}`);
    expect(contentDisposition('Report 2025 (final).docx')).toBe(`attachment; filename="Report 2025 (final).docx"; filename*=UTF-8''Report%202025%20%28final%29.docx`);
  });
});
