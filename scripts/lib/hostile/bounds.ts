// Resource bounds: frames, audit entries, receivers, nesting (issue 11, class 5). Each case declares
// a huge count rather than producing it, or stays under a megabyte, so the corpus stays fast in the
// browser too. The specific messages are asserted in test/bounds.test.ts.
import { MAX_AUDIT_ENTRIES, MAX_RECEIVERS } from '../../../src/jmix/limits.ts';
import { el, writeDicomFile } from '../dicom-writer.ts';
import { packEnvelope } from '../pack.ts';
import type { HostileCase } from '../hostile.ts';
import { basePayload, ENV_ID, error, folder, HOSTILE_KEYS, packBase, replaceFile, reseal, studyInfo, text, TIMESTAMP, warn } from '../hostile.ts';

/** A 4×4 8-bit image declaring `frames` frames (IS text, so any number) over `pixelBytes` of Pixel Data. */
export function framesDicom(frames: string, pixelBytes = 16, uid = '2.25.8181'): Uint8Array {
  return writeDicomFile({
    sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUid: uid,
    elements: [
      el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
      el(0x00080018, 'UI', uid),
      el(0x00080060, 'CS', 'OT'),
      el(0x0020000d, 'UI', '2.25.8182'),
      el(0x0020000e, 'UI', '2.25.8183'),
      el(0x00280002, 'US', 1),
      el(0x00280004, 'CS', 'MONOCHROME2'),
      el(0x00280008, 'IS', frames),
      el(0x00280010, 'US', 4),
      el(0x00280011, 'US', 4),
      el(0x00280100, 'US', 8),
      el(0x00280101, 'US', 8),
      el(0x00280102, 'US', 7),
      el(0x00280103, 'US', 0),
      el(0x7fe00010, 'OB', new Uint8Array(pixelBytes)),
    ],
  });
}

/** `{"audit": [1, 1, …]}`: entries that are not objects, the cheapest way to declare many. */
export function auditOfIntegers(count: number): Uint8Array {
  return text(`{"audit": [${new Array<string>(count).fill('1').join(',')}]}`);
}

export async function boundsCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);
  const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  const withDicom = (path: string, bytes: Uint8Array) =>
    packEnvelope({ dialect: 'spec', payloadFiles: [...basePayload(), { path, bytes }], study: studyInfo(), id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });

  // DICOM frames: the declared count must neither hang the open nor outgrow the pixel data.
  add({
    id: 'dicom/frames-declared-billion',
    category: 'dicom',
    description: 'NumberOfFrames 999,999,999 over 16 bytes of pixel data (used to hang the CLI)',
    source: folder(await withDicom('dicom/bounds/billion.dcm', framesDicom('999999999'))),
    expect: warn('dicom', { 'payload-hash': 'pass', dicom: 'warn' }),
  });
  add({
    id: 'dicom/frames-beyond-pixel-data',
    category: 'dicom',
    description: 'NumberOfFrames 50,000 (under the limit) over pixel data that holds 2 frames',
    source: folder(await withDicom('dicom/bounds/short.dcm', framesDicom('50000', 32, '2.25.8184'))),
    expect: warn('dicom', { 'payload-hash': 'pass', dicom: 'warn' }),
  });

  // audit.json is not signed: anyone can make it long. 200,000 entries overflowed the stack.
  add({
    id: 'json/audit-200k-entries',
    category: 'json',
    description: `audit.json with 200,000 entries (the limit is ${MAX_AUDIT_ENTRIES}; used to overflow the stack)`,
    source: folder(spec, replaceFile(spec.files, 'audit.json', auditOfIntegers(200_000))),
    expect: warn('audit', { 'payload-hash': 'pass' }),
  });
  add({
    id: 'json/audit-entries-over-limit',
    category: 'json',
    description: `audit.json with one entry more than the limit of ${MAX_AUDIT_ENTRIES}`,
    source: folder(spec, replaceFile(spec.files, 'audit.json', text(JSON.stringify({ audit: new Array(MAX_AUDIT_ENTRIES + 1).fill({ event: 'viewed', by: { id: 'x' }, timestamp: TIMESTAMP }) })))),
    expect: warn('audit', { 'payload-hash': 'pass' }),
  });

  // Receivers: signed by the sender, so the limit, not the signature, must stop them.
  const receivers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Clinic ${i + 1}`, id: `org:clinic-${i + 1}` }));
  add({
    id: 'json/receivers-over-limit',
    category: 'json',
    description: `a signed manifest with ${MAX_RECEIVERS + 1} receivers`,
    source: folder(spec, await reseal(spec, { manifest: (m) => (m.receiver = receivers(MAX_RECEIVERS + 1)) })),
    expect: error('bad-manifest', new RegExp(`manifest\\.json lists ${MAX_RECEIVERS + 1} receivers, over the limit of ${MAX_RECEIVERS}`)),
  });
  add({
    id: 'json/receivers-js-key-over-limit',
    category: 'json',
    description: 'a manifest with 5,000 receivers under the jmix-js key "receivers"',
    source: folder(spec, await reseal(spec, { sign: false, manifest: (m) => (m.receivers = receivers(5_000)) })),
    expect: error('bad-manifest', /manifest\.json lists 5,000 receivers, over the limit of/),
  });
  return cases;
}
