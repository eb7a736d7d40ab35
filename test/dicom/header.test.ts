// parseDicomHeader: truncated, junk and pixel-less files (src/dicom/header.ts).
import { describe, expect, it } from 'vitest';
import * as dicomParserModule from 'dicom-parser';
import { syntheticStudy } from '../../fixtures/dicom/synth.ts';
import { el, writeDicomFile } from '../../fixtures/dicom/writer.ts';
import { parseDicomHeader } from '../../src/dicom/header.ts';

const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

describe('parseDicomHeader with awkward input', () => {
  it('reports every cut through the header as truncated, and never throws on junk', () => {
    const file = syntheticStudy({ ctSlices: 1, ctSize: 16, mrSlices: 1, mrSize: 16, usFrames: 1 }).files[0]!.bytes;
    const ds = dicomParser.parseDicom(file, { untilTag: 'x7fe00010' });
    const headerEnd = ds.elements['x7fe00010']!.dataOffset;
    for (let cut = 133; cut < headerEnd; cut += 5) {
      const r = parseDicomHeader(file.slice(0, cut), 'cut.dcm');
      expect(r.ok ? 'ok' : `${r.kind}: ${r.reason}`).toMatch(new RegExp(`^truncated: DICOM header truncated at byte ${cut}`));
    }
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 200; n++) {
      const junk = Uint8Array.from({ length: 8 + Math.floor(rand() * 600) }, () => Math.floor(rand() * 256));
      if (n % 2 === 0) junk.set([0x08, 0x00, 0x05, 0x00], 0); // looks like a bare dataset start
      if (n % 3 === 0 && junk.length > 140) junk.set([0x44, 0x49, 0x43, 0x4d], 128);
      const r = parseDicomHeader(junk, 'junk.dcm');
      expect(r.ok).toBe(false);
    }
  });

  it('lists a DICOM object without Pixel Data (a structured report) as not an image', () => {
    const sr = writeDicomFile({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.88.11',
      sopInstanceUid: '1.2.5.1',
      elements: [el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.88.11'), el(0x00080018, 'UI', '1.2.5.1'), el(0x00080060, 'CS', 'SR')],
    });
    const r = parseDicomHeader(sr, 'sr.dcm');
    expect(r.ok ? '' : `${r.kind}: ${r.reason}`).toBe(
      'no-pixel-data: DICOM object without Pixel Data (7FE0,0010), SOP Class 1.2.840.10008.5.1.4.1.1.88.11: not an image',
    );
  });
});
