// indexDicom: grouping, ordering and listing what is not an image (src/dicom/index.ts), on synthetic and real files.
import { describe, expect, it, beforeAll } from 'vitest';

import { syntheticStudy, type SyntheticStudy } from '../../fixtures/dicom/synth.ts';
import { el, writeDicomFile } from '../../fixtures/dicom/writer.ts';
import { indexDicom, UNKNOWN_STUDY } from '../../src/dicom/index.ts';
import { parseDicomHeader } from '../../src/dicom/header.ts';
import { CancelledError } from '../../src/common/abort.ts';

import type { DicomIndex } from '../../src/dicom/types.ts';

import { markerCount, payload, seriesOf, tinyImage } from '../helpers/dicom.ts';

describe('indexDicom on the synthetic study (CT shuffled)', () => {
  const size = 128;
  let study: SyntheticStudy;
  let index: DicomIndex;
  const progress: [number, number][] = [];
  beforeAll(async () => {
    study = syntheticStudy({ seed: 11, ctSize: size, shuffleCt: true, usFrames: 10 });
    // Hand the files over in reverse so file order helps nothing.
    index = await indexDicom(payload([...study.files].reverse()), { onProgress: (d, t) => progress.push([d, t]) });
  });

  it('finds one study with the patient and three series ordered by SeriesNumber', () => {
    expect(index.studies).toHaveLength(1);
    const st = index.studies[0]!;
    expect(st.studyUid).toBe(study.study.studyUid);
    expect(st.patient).toEqual({ name: 'SYNTHETIC^PATIENT', id: 'SYN-0001', birthDate: '19700101', sex: 'O' });
    expect(st.accessionNumber).toBe(study.study.accession);
    expect(st.date).toBe('20240102');
    expect(st.series.map((s) => [s.modality, s.seriesNumber, s.instances.length, s.frames.length])).toEqual([
      ['CT', 2, 40, 40],
      ['MR', 3, 20, 20],
      ['US', 4, 1, 10],
    ]);
    expect(index.nonDicom).toEqual([]);
    expect(index.dicomdir).toEqual([]);
    expect(index.duplicateSopInstances).toEqual([]);
    expect(index.problems).toEqual([]);
  });

  it('orders the shuffled CT by position along the slice normal, not by InstanceNumber', () => {
    const ct = seriesOf(index, 'CT');
    expect(ct.orderedBy).toBe('geometry');
    const pos = ct.instances.map((i) => i.normalPosition!);
    for (let i = 1; i < pos.length; i++) expect(pos[i]! - pos[i - 1]!).toBeCloseTo(2.5, 6);
    const numbers = ct.instances.map((i) => i.instanceNumber!);
    expect(numbers).not.toEqual([...numbers].sort((a, b) => a - b));
    // The picture agrees: the k-th frame in display order carries k marker squares.
    const byPath = new Map(study.files.map((f) => [f.path, f.bytes]));
    ct.frames.forEach((frame, k) => {
      expect(frame.frame).toBe(0);
      expect(markerCount(byPath.get(frame.path)!, size)).toBe(k + 1);
    });
  });

  it('expands the US multi-frame into frames 0..n-1 and reports progress for every file', () => {
    const us = seriesOf(index, 'US');
    expect(us.frames.map((f) => f.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(us.frames.map((f) => f.path)).size).toBe(1);
    expect(progress).toHaveLength(study.files.length);
    expect(progress.at(-1)).toEqual([study.files.length, study.files.length]);
  });
});

describe('indexDicom with awkward input', () => {
  it('lists non-DICOM, truncated and DICOMDIR files without failing', async () => {
    const good = tinyImage('1.2.3.1', [el(0x0020000d, 'UI', '1.2.3'), el(0x0020000e, 'UI', '1.2.3.9')]);
    const dicomdir = writeDicomFile({
      sopClassUid: '1.2.840.10008.1.3.10',
      sopInstanceUid: '1.2.3.77',
      elements: [el(0x00041130, 'CS', 'SYNTH'), el(0x00041220, 'SQ', [])],
    });
    const index = await indexDicom(
      payload([
        { path: 'dicom/readme.dcm', bytes: new TextEncoder().encode('This is a README, not an image.\n'.repeat(10)) },
        { path: 'dicom/cut.dcm', bytes: good.slice(0, 300) },
        { path: 'DICOMDIR', bytes: dicomdir },
        { path: 'dicom/ok.dcm', bytes: good },
        { path: 'files/report.txt', bytes: new TextEncoder().encode('hello') },
      ]),
    );
    expect(index.studies).toHaveLength(1);
    expect(index.studies[0]!.series[0]!.instances.map((i) => i.path)).toEqual(['dicom/ok.dcm']);
    expect(index.dicomdir).toEqual(['DICOMDIR']);
    const reasons = Object.fromEntries(index.nonDicom.map((n) => [n.path, n.reason]));
    expect(reasons['dicom/readme.dcm']).toMatch(/^not DICOM: no DICM marker at byte 128 and not a valid dataset/);
    expect(reasons['dicom/cut.dcm']).toMatch(/^DICOM header truncated at byte 300/);
    expect(reasons['files/report.txt']).toMatch(/only 5 bytes/);
    const warned = index.problems.filter((p) => p.severity === 'warning').map((p) => p.file);
    expect(warned).toEqual(expect.arrayContaining(['payload/dicom/readme.dcm', 'payload/dicom/cut.dcm']));
    expect(warned).not.toContain('payload/files/report.txt');
  });

  it('reads bare datasets (no preamble) and meta groups without a preamble', async () => {
    const full = tinyImage('1.2.3.2', [el(0x0020000d, 'UI', '1.2.3'), el(0x0020000e, 'UI', '1.2.3.9')]);
    const metaLength = new DataView(full.buffer).getUint32(132 + 8, true);
    const bare = full.slice(132 + 12 + metaLength);
    const noPreamble = full.slice(132);
    const r1 = parseDicomHeader(bare, 'bare');
    const r2 = parseDicomHeader(noPreamble, 'nopre');
    if (!r1.ok || !r2.ok) throw new Error(`${!r1.ok ? r1.reason : ''} ${!r2.ok ? r2.reason : ''}`);
    expect(r1.instance.part10).toBe(false);
    expect(r1.instance.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(r1.instance.warnings[0]).toMatch(/no Part-10 preamble/);
    expect(r1.instance.sopInstanceUid).toBe('1.2.3.2');
    expect(r2.instance.part10).toBe(true);
    expect(r2.instance.rows).toBe(2);
  });

  it('puts files without UIDs in an unknown study, and falls back to InstanceNumber, then file order', async () => {
    const noUids = [3, 1, 2].map((n) => tinyImage(`1.2.9.${n}`, [el(0x00200013, 'IS', n)]));
    const noNumbers = ['b', 'a'].map((s, i) =>
      tinyImage(`1.2.8.${i}`, [el(0x0020000d, 'UI', '1.2.8'), el(0x0020000e, 'UI', '1.2.8.1'), el(0x0008103e, 'LO', s)]),
    );
    const index = await indexDicom(
      payload([
        ...noUids.map((bytes, i) => ({ path: `u${i}.dcm`, bytes })),
        ...noNumbers.map((bytes, i) => ({ path: `n${i}.dcm`, bytes })),
      ]),
    );
    const unknown = index.studies.find((s) => s.studyUid === UNKNOWN_STUDY)!;
    expect(unknown.description).toBe('Unknown study (no Study Instance UID)');
    expect(index.studies.at(-1)).toBe(unknown);
    const s = unknown.series[0]!;
    expect(s.description).toBe('Unknown series (no Series Instance UID)');
    expect(s.orderedBy).toBe('instance-number');
    expect(s.instances.map((i) => i.path)).toEqual(['u1.dcm', 'u2.dcm', 'u0.dcm']);
    const known = index.studies.find((st) => st.studyUid === '1.2.8')!;
    expect(known.series[0]!.orderedBy).toBe('file-order');
    expect(known.series[0]!.instances.map((i) => i.path)).toEqual(['n0.dcm', 'n1.dcm']);
  });

  it('falls back to InstanceNumber when orientations differ, and warns about short pixel data', async () => {
    const common = [el(0x0020000d, 'UI', '1.2.7'), el(0x0020000e, 'UI', '1.2.7.1')];
    const a = tinyImage('1.2.7.10', [
      ...common,
      el(0x00200013, 'IS', 2),
      el(0x00200032, 'DS', [0, 0, 0]),
      el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
    ]);
    const b = tinyImage(
      '1.2.7.11',
      [...common, el(0x00200013, 'IS', 1), el(0x00200032, 'DS', [0, 0, 5]), el(0x00200037, 'DS', [0, 1, 0, 0, 0, -1])],
      4,
    );
    const index = await indexDicom(
      payload([
        { path: 'a.dcm', bytes: a },
        { path: 'b.dcm', bytes: b },
      ]),
    );
    const s = index.studies[0]!.series[0]!;
    expect(s.orderedBy).toBe('instance-number');
    expect(s.instances.map((i) => i.path)).toEqual(['b.dcm', 'a.dcm']);
    expect(s.instances.every((i) => i.normalPosition === null)).toBe(true);
    expect(index.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'payload/b.dcm',
        message: expect.stringMatching(/Pixel Data holds 4 bytes .* imply 8/),
      }),
    ]);
  });

  it('stops when the signal is aborted', async () => {
    const ctrl = new AbortController();
    const files = payload([
      { path: 'x.dcm', bytes: tinyImage('1.2.6.1', []) },
      { path: 'y.dcm', bytes: tinyImage('1.2.6.2', []) },
    ]);
    const run = indexDicom(files, { signal: ctrl.signal, onProgress: () => ctrl.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});

// Expected values are those published in ../shared/dicom/real/README.md (its Files table).
describe('indexDicom on Blob-held files (header read from a prefix)', () => {
  it('builds the same model as from whole files, short pixel data included', async () => {
    const study = syntheticStudy({ seed: 3, ctSlices: 4, ctSize: 256, mrSlices: 2, mrSize: 64, usFrames: 3 });
    // One CT file cut short inside its pixel data: the prefix path must still see it is short.
    const files = study.files.map((f, i) => ({ path: f.path, bytes: i === 0 ? f.bytes.subarray(0, f.bytes.length - 1000) : f.bytes }));
    const whole = await indexDicom(payload(files));
    const blobs = await indexDicom(
      files.map((f) => ({
        path: f.path,
        size: f.bytes.length,
        blob: new Blob([f.bytes as Uint8Array<ArrayBuffer>]),
        bytes: async () => f.bytes,
      })),
    );
    const shape = (d: DicomIndex) => ({
      studies: d.studies.map((s) => ({
        uid: s.studyUid,
        series: s.series.map((se) => ({ uid: se.seriesUid, order: se.orderedBy, frames: se.frames.map((f) => `${f.path}#${f.frame}`) })),
      })),
      problems: d.problems.map((p) => p.message),
    });
    expect(shape(blobs)).toEqual(shape(whole));
    expect(whole.problems.some((p) => /Pixel Data holds/.test(p.message))).toBe(true);
  });
});
