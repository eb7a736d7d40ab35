// A minimal one-page PDF 1.4 report (Helvetica text lines) with a correct xref table, so browser
// PDF viewers open it without "repairing". Pure TS; ASCII text only.

function escapePdfText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += '?'; // Helvetica with the standard encoding: keep the file ASCII.
  }
  return out;
}

export interface PdfReportOptions {
  /**
   * JavaScript run when the document opens (an /OpenAction of type /JavaScript), for testing that
   * the viewer never runs a PDF's script. Without it the output is the plain report, byte for byte.
   */
  openActionJs?: string;
}

export function syntheticPdfReport(lines: string[], options: PdfReportOptions = {}): Uint8Array {
  const ops: string[] = ['BT', '/F1 16 Tf', '72 770 Td', '20 TL'];
  lines.forEach((line, i) => {
    if (i === 1) ops.push('/F1 11 Tf', '15 TL');
    ops.push(`(${escapePdfText(line)}) Tj`, 'T*');
  });
  ops.push('ET');
  const content = ops.join('\n');
  const js = options.openActionJs;
  const objects = [
    js === undefined ? '<< /Type /Catalog /Pages 2 0 R >>' : '<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    ...(js === undefined ? [] : [`<< /Type /Action /S /JavaScript /JS (${escapePdfText(js)}) >>`]),
  ];
  // Binary-comment line after the header marks the file as binary for transfer tools.
  let pdf = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) pdf += `${String(off).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  // Every character is < 256, so one char = one byte (offsets above count bytes).
  const bytes = new Uint8Array(pdf.length);
  for (let i = 0; i < pdf.length; i++) bytes[i] = pdf.charCodeAt(i);
  return bytes;
}
