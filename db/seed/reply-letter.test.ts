import { describe, expect, it } from 'vitest';
import { replyLetterPdf } from './reply-letter';

/** The demo 答复函 is a well-formed PDF: every cross-reference points at its object, the stream length is exact. */
describe('replyLetterPdf', () => {
  const pdf = replyLetterPdf('国家发展改革委答复函', ['李明委员：', '长'.repeat(80)]);
  const text = pdf.toString('latin1');

  it('has a cross-reference table whose every offset starts its object', () => {
    expect(text.startsWith('%PDF-1.7\n')).toBe(true);
    const xref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...text.slice(xref).matchAll(/(\d{10}) 00000 n /g)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(7);
    offsets.forEach((o, i) => expect(text.slice(o, o + 8)).toBe(`${i + 1} 0 obj\n`));
  });

  it('holds the text as UTF-16 in lines of at most 36 characters, the stream exactly as long as it says', () => {
    const m = /\/Length (\d+) >>\nstream\n/.exec(text)!;
    const start = m.index + m[0].length;
    expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 10)).toBe('\nendstream');
    const strings = [...text.matchAll(/<([0-9a-f]+)> Tj/g)].map((s) => Buffer.from(s[1], 'hex').swap16().toString('utf16le'));
    expect(strings).toEqual(['国家发展改革委答复函', '李明委员：', '长'.repeat(36), '长'.repeat(36), '长'.repeat(8)]);
  });
});
