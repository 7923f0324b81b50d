/**
 * A demo 答复函 as a real one-page PDF (the hydrogen proposal's reply carries it): the text set in
 * STSong-Light, one of the Chinese fonts PDF readers provide (Adobe-GB1; a reader without it, pdf.js for
 * one, substitutes a system font), so nothing is embedded and the file stays a few KB. Latin letters and
 * digits (CIDs 1–95) are half as wide as a character.
 */
export function replyLetterPdf(title: string, paragraphs: readonly string[]): Buffer {
  // UTF-16BE hex strings, as the UniGB-UTF16-H encoding reads them.
  const hex = (s: string) => `<${Buffer.from(s, 'utf16le').swap16().toString('hex')}>`;
  // A 12 pt Chinese character is 12 pt wide: 36 to a line between 72 pt margins on A4.
  const lines = paragraphs.flatMap((p) => Array.from({ length: Math.ceil(p.length / 36) }, (_, i) => p.slice(i * 36, i * 36 + 36)));
  const text = [`BT /F1 18 Tf 72 770 Td ${hex(title)} Tj ET`,
    ...lines.map((line, i) => `BT /F1 12 Tf 72 ${730 - i * 22} Td ${hex(line)} Tj ET`)].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /W [1 95 500] >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ];
  let pdf = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
