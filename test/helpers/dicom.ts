// Shared by the DICOM index tests: payload files from memory or disk, tiny images, marker counts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as dicomParserModule from 'dicom-parser';
import { HU } from '../../fixtures/dicom/synth.ts';
import { monochromePixelModule, el, writeDicomFile, type DicomElement } from '../../fixtures/dicom/writer.ts';
import type { PayloadFile } from '../../src/common/files.ts';
import type { DicomIndex, DicomSeries } from '../../src/dicom/types.ts';

export const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

export function payload(files: { path: string; bytes: Uint8Array }[]): PayloadFile[] {
  return files.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
}

export function fromDisk(root: string, paths: string[]): PayloadFile[] {
  return paths.map((p) => ({
    path: p,
    size: statSync(join(root, p)).size,
    bytes: async () => new Uint8Array(readFileSync(join(root, p))),
  }));
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

/** A tiny 2×2 MONOCHROME2 image with the elements given (UIDs etc. are the caller's). */
export function tinyImage(sop: string, extra: DicomElement[], pixelBytes = 8): Uint8Array {
  return writeDicomFile({
    sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUid: sop,
    elements: [
      el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
      el(0x00080018, 'UI', sop),
      ...monochromePixelModule(2, 2, 16),
      el(0x7fe00010, 'OW', new Uint8Array(pixelBytes)),
      ...extra,
    ],
  });
}

/** Number of slice-marker squares drawn in the top-left corner (rows of ten, see dicom-synth). */
export function markerCount(bytes: Uint8Array, size: number): number {
  const ds = dicomParser.parseDicom(bytes);
  const pe = ds.elements['x7fe00010']!;
  const px = new Int16Array(bytes.slice(pe.dataOffset, pe.dataOffset + pe.length).buffer);
  const sq = Math.max(2, Math.round(size / 100));
  const step = sq * 2;
  let n = 0;
  for (let i = 0; i < 100; i++) {
    const x = step + (i % 10) * step;
    const y = step + Math.floor(i / 10) * step;
    if (px[y * size + x] === HU.marker) n++;
  }
  return n;
}

export function seriesOf(index: DicomIndex, modality: string): DicomSeries {
  const s = index.studies.flatMap((st) => st.series).find((x) => x.modality === modality);
  if (!s) throw new Error(`no ${modality} series`);
  return s;
}
