// Issue 11, class 3: one archive reading. A carrier that other tools could read differently is
// refused ('ambiguous-archive'), or, for a second gzip member and data after the tar end blocks,
// fails the structure check. Every zip case runs in memory and through the lazy Blob reader.
import fc from 'fast-check';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftTar, craftZip, HOSTILE_KEYS, packBase, RECIPIENT_PUBLIC, rooted, sealEncrypted, tarFiles, text, type HostileFile, type ZipEntrySpec } from '../fixtures/hostile/index.ts';
import { localHeaderOffset, patchLocalHeader } from '../fixtures/hostile/archive-strict.ts';
import { payloadTar } from '../fixtures/envelopes/pack.ts';
import { gunzipLimited } from '../src/jmix/archive/gzip.ts';
import { findNameConflict } from '../src/jmix/archive/names.ts';
import { readTar, writeTar } from '../src/jmix/archive/tar.ts';
import { readZip, readZipBlob, writeZip } from '../src/jmix/archive/zip.ts';
import { structureCheck } from '../src/jmix/checks/structure.ts';
import { EnvelopeError, openEnvelope, type OpenOptions } from '../src/jmix/index.ts';
import { payloadFilesFromTar } from '../src/jmix/payload-tar.ts';
import { readSource } from '../src/jmix/sources.ts';
import type { EnvelopeSource } from '../src/jmix/types.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
const root = spec.rootName;
const files = rooted(spec);
const dicomPath = `${root}/payload/dicom/ct/IM0001.dcm`;
/** A jmix-php payload (files relative to payload/), to build hostile payload tars from. */
const php = (await packBase('jmix-php')).files.filter((f) => f.path.startsWith('payload/')).map((f) => ({ path: f.path.slice('payload/'.length), bytes: f.bytes }));
const genuinePayload = new Set(spec.files.filter((f) => f.path.startsWith('payload/')).map((f) => f.path.slice('payload/'.length)));

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const zipEntries = (list: HostileFile[]): ZipEntrySpec[] => list.map((f) => ({ name: f.path, data: f.bytes, method: 8 }));
const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

async function refusal(run: () => unknown): Promise<EnvelopeError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof EnvelopeError) return e;
    throw e;
  }
  throw new Error('expected an EnvelopeError, the archive was read');
}

/** The zip read both ways: whole, and lazily from a Blob (as large zips are). */
const zipReaders = [
  ['in memory', (zip: Uint8Array) => readZip(zip, 'zip:t.zip')],
  ['lazy Blob', (zip: Uint8Array) => readZipBlob(blobOf(zip), 'zip:t.zip')],
] as const;

/** openEnvelope on a zip, in memory and through the lazy Blob path. */
const zipOpeners = [
  ['in memory', (zip: Uint8Array, o: OpenOptions = {}) => openEnvelope({ kind: 'bytes', bytes: zip, name: 't.zip' }, { now: NOW, ...o })],
  ['lazy Blob', (zip: Uint8Array, o: OpenOptions = {}) => openEnvelope({ kind: 'blob', blob: blobOf(zip), name: 't.zip' }, { now: NOW, streamAbove: { zip: 0 }, ...o })],
] as const;

const open = (source: EnvelopeSource, o: OpenOptions = {}) => openEnvelope(source, { now: NOW, ...o });
const tarSource = (bytes: Uint8Array, name = 't.tar'): EnvelopeSource => ({ kind: 'bytes', bytes, name });
const folderSource = (list: HostileFile[]): EnvelopeSource => ({ kind: 'files', name: root, files: list.map((f) => ({ path: f.path, size: f.bytes.length, origin: 'folder', bytes: async () => f.bytes })) });

// ---------------------------------------------------------------------------------------------

describe.each(zipReaders)('zip local headers against the central directory (%s)', (_how, read) => {
  const genuine = craftZip(zipEntries(files)).bytes;
  for (const [field, edit, message] of [
    ['name', (h: DataView) => h.setUint8(30 + dicomPath.length - 5, '9'.charCodeAt(0)), /entry ".*IM0001\.dcm" is described one way by its local header \(at byte offset \d+\) and another by the central directory \(the zip index\): the local header names it ".*IM0009\.dcm"\. Streaming unzippers and repair tools go by the local header/],
    ['method', (h: DataView) => h.setUint16(8, 0, true), /compression method 0 in the local header, 8 in the index/],
    ['size', (h: DataView) => h.setUint32(22, 5, true), /5 bytes unpacked in the local header, \d+ in the index/],
    ['compressed size', (h: DataView) => h.setUint32(18, 7, true), /7 stored bytes in the local header, \d+ in the index/],
    ['CRC', (h: DataView) => h.setUint32(14, 0xdeadbeef, true), /CRC deadbeef in the local header, [0-9a-f]{8} in the index/],
    ['data-descriptor flag', (h: DataView) => h.setUint16(6, 8, true), /flags 8 \(encryption, data descriptor\) in the local header, 0 in the index/],
  ] as const) {
    it(`refuses a local header whose ${field} disagrees, naming the entry`, async () => {
      const e = await refusal(() => read(patchLocalHeader(genuine, dicomPath, edit)));
      expect(e.code).toBe('ambiguous-archive');
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/^zip:t\.zip: .*Refusing to open it: ask the sender for the zip made again\.$/);
    });
  }

  it('accepts data-descriptor entries whose local headers leave CRC and sizes zero', async () => {
    const crafted = craftZip(zipEntries(files).map((e) => ({ ...e, flags: 8 })));
    const zip = crafted.bytes.slice();
    for (const b of crafted.boundaries.filter((x) => x.label.startsWith('local header of '))) for (const o of [14, 18, 22]) new DataView(zip.buffer, b.offset).setUint32(o, 0, true);
    const { files: read_, problems } = await read(zip);
    expect(problems).toEqual([]);
    expect(read_.map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('reads a local header whose extra field is longer than the first read (lazy re-read)', async () => {
    const zip = zipSync({ 'a/manifest.json': [text('{"id":"x"}'), { extra: { 0xcafe: new Uint8Array(300).fill(7) } }] } as never);
    const { files: read_ } = await read(zip);
    expect(new TextDecoder().decode(await read_[0]!.bytes())).toBe('{"id":"x"}');
  });

  it('refuses a local entry that the central directory does not list', async () => {
    const hidden = `${root}/payload/dicom/ct/IM0099.dcm`;
    const crafted = craftZip([{ name: hidden, data: text('not in the index') }, ...zipEntries(files)]);
    const first = crafted.boundaries.find((b) => b.label === `central record of ${hidden.slice(-30)}`)!.offset;
    const second = crafted.boundaries.find((b) => b.label === `central record of ${files[0]!.path.slice(-30)}`)!.offset;
    const zip = crafted.bytes.slice();
    const end = new DataView(zip.buffer, zip.length - 22);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, end.getUint32(12, true) - (second - first), true);
    end.setUint32(16, second, true);
    const e = await refusal(() => read(zip));
    expect(e.code).toBe('ambiguous-archive');
    expect(e.message).toMatch(/\d+ bytes at byte offset 0, before entry ".*manifest\.json", belong to no entry of the central directory; a tool reading the zip from its start could find entries there/);
  });

  it('refuses entries that overlap', async () => {
    const dicom = files.find((f) => f.path === dicomPath)!;
    const inner = craftZip([{ name: dicomPath, data: dicom.bytes }]);
    const innerEntry = inner.bytes.subarray(0, inner.boundaries.find((b) => b.label.startsWith('central record'))!.offset);
    const outerName = `${root}/payload/files/notes.bin`;
    const zip = craftZip([{ name: outerName, data: innerEntry }, ...zipEntries(files.filter((f) => f !== dicom)), { name: dicomPath, data: dicom.bytes, centralOnly: true, localOffset: 30 + outerName.length }]).bytes;
    const e = await refusal(() => read(zip));
    expect(e.message).toMatch(/entries ".*notes\.bin" and ".*IM0001\.dcm" overlap: the local header of ".*IM0001\.dcm" at byte offset \d+ lies inside the data of/);
  });

  it('still reports a missing local header and data past the end as damage', async () => {
    const missing = await refusal(() => read(craftZip([...zipEntries(files), { name: `${root}/x`, data: text('x'), centralOnly: true, localOffset: 5 }]).bytes));
    expect([missing.code, missing.message]).toEqual(['corrupt-archive', expect.stringMatching(/local header at byte offset 5 is missing/)]);
    const short = await refusal(() => read(craftZip([...zipEntries(files), { name: `${root}/x`, data: text('x'), compressedSize: 10_000_000, size: 10_000 }]).bytes));
    expect([short.code, short.message]).toEqual(['corrupt-archive', expect.stringMatching(/needs 10000000 bytes at offset \d+ but the file ends/)]);
  });
});

describe('zip local headers through openEnvelope', () => {
  it.each(zipOpeners)('%s: a disagreeing local header refuses the envelope', async (_how, openZip) => {
    const zip = patchLocalHeader(craftZip(zipEntries(files)).bytes, dicomPath, (h) => h.setUint16(8, 0, true));
    const e = await refusal(() => openZip(zip));
    expect(e.code).toBe('ambiguous-archive');
    expect(e.message).toMatch(/IM0001\.dcm" is described one way by its local header/);
  });

  it('an entry that inflates past the size both headers declare is refused when read (lazy)', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const zip = writeZip([{ name: 'big.bin', data }], { level: 6 });
    const central = Buffer.from(zip).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const view = new DataView(zip.buffer, zip.byteOffset);
    view.setUint32(central + 24, 200_000, true);
    view.setUint32(localHeaderOffset(zip, 'big.bin') + 22, 200_000, true);
    const lazy = await readZipBlob(blobOf(zip), 'zip:s.zip');
    await expect(lazy.files[0]!.bytes()).rejects.toThrow(/s\.zip.*big\.bin.*more than the 200000 bytes/);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(zipReaders)('one end-of-central-directory record (%s)', (_how, read) => {
  const genuine = craftZip(zipEntries(files)).bytes;
  const second = /holds 2 end-of-central-directory records \(the zip index's end marker, at byte offsets \d+, \d+\), and more than one of them points at a central directory/;

  it('refuses a second end record appended after the first', async () => {
    const e = await refusal(() => read(concat(genuine, genuine.slice(-22))));
    expect(e.code).toBe('ambiguous-archive');
    expect(e.message).toMatch(second);
  });

  it("refuses a second end record hidden in the first one's comment", async () => {
    const zip = genuine.slice();
    const fake = zip.slice(-22);
    new DataView(fake.buffer).setUint16(10, 1, true); // lists one entry only
    new DataView(zip.buffer).setUint16(zip.length - 2, 22, true);
    expect((await refusal(() => read(concat(zip, fake)))).message).toMatch(second);
  });

  it("refuses an end record and central directory hidden in a stored entry's data", async () => {
    const name = `${root}/payload/files/zz.bin`;
    const forged = { name: `${root}/manifest.json`, data: text('{"id":"forged"}') };
    const build = (d: number) => craftZip([...zipEntries(files), { name, data: craftZip([{ ...forged, localOffset: d }], { cdOffsetDelta: d }).bytes, method: 0 }]);
    const at = build(0).boundaries.find((b) => b.label === `data of ${name.slice(-30)}`)!.offset;
    expect((await refusal(() => read(build(at).bytes))).message).toMatch(second);
  });

  it('accepts stored data holding PK\\x05\\x06, and a stored nested zip, near the end', async () => {
    const eocdLike = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const nested = writeZip([{ name: 'a.txt', data: text('inner a') }, { name: 'b.txt', data: text('inner b') }], { level: 0 });
    const zip = craftZip([...zipEntries(files), { name: `${root}/payload/files/e.bin`, data: concat(text('x'), eocdLike, text('y')), method: 0 }, { name: `${root}/payload/files/n.zip`, data: nested, method: 0 }]).bytes;
    const { files: read_, problems } = await read(zip);
    expect(problems).toEqual([]);
    expect(read_).toHaveLength(files.length + 2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('name twins', () => {
  it('findNameConflict: case, NFC/NFD, backslash, trailing slash; not exact duplicates or OS litter', () => {
    const f = (name: string) => ({ name, kind: 'file' as const });
    const d = (name: string) => ({ name, kind: 'folder' as const });
    expect(findNameConflict([f('e/manifest.json'), f('e/Manifest.json')])).toMatchObject({ reason: 'twin', first: 'e/manifest.json', second: 'e/Manifest.json' });
    expect(findNameConflict([f('e/caf\u00e9'), f('e/cafe\u0301')])).toMatchObject({ reason: 'twin' });
    expect(findNameConflict([f('e/a/b'), f('e\\a\\c')])).toMatchObject({ reason: 'twin', kind: 'folder', firstSpelling: 'e/a', secondSpelling: 'e\\a' });
    expect(findNameConflict([f('e/a'), d('e/a/')])).toMatchObject({ reason: 'file-and-folder', file: 'e/a', folderEntry: 'e/a/' });
    expect(findNameConflict([f('e/p/dicom'), f('e/p/dicom/ct/1.dcm')])).toMatchObject({ reason: 'file-and-folder', file: 'e/p/dicom', folderEntry: 'e/p/dicom/ct/1.dcm' });
    expect(findNameConflict([f('e/p/DICOM'), f('e/p/dicom/ct/1.dcm')])).toMatchObject({ reason: 'file-and-folder' });
    expect(findNameConflict([f('e/a'), f('e/a'), f('./e//a'), d('e/'), d('e'), f('e/b')])).toBeNull();
    expect(findNameConflict([f('e/.DS_Store'), f('e/.ds_store'), f('__MACOSX/e/._a'), f('__macosx/x')])).toBeNull();
  });

  const twin = /entries "[^"]*\/manifest\.json" and "[^"]*\/Manifest\.json" name the same file on some systems but two files on others: they differ only in letter case/;
  const caseTwin = [...files, { path: `${root}/Manifest.json`, bytes: text('{"id":"forged"}') }];
  const nfd = [...files, { path: `${root}/payload/files/caf\u00e9.txt`, bytes: text('a') }, { path: `${root}/payload/files/cafe\u0301.txt`, bytes: text('b') }];
  const unicode = /they differ only in Unicode normalisation \(NFC and NFD spell the same letters/;
  const carriers: [string, (list: HostileFile[]) => Promise<unknown>][] = [
    ['zip in memory', (list) => zipOpeners[0][1](craftZip(zipEntries(list)).bytes)],
    ['zip lazy Blob', (list) => zipOpeners[1][1](craftZip(zipEntries(list)).bytes)],
    ['tar', (list) => open(tarSource(craftTar(tarFiles(list)).bytes))],
    ['tar.gz', (list) => open(tarSource(gzipSync(craftTar(tarFiles(list)).bytes), 't.tar.gz'))],
    ['folder', (list) => open(folderSource(list))],
  ];
  it.each(carriers)('%s: refuses Manifest.json next to manifest.json, and NFC next to NFD', async (_how, openList) => {
    const e = await refusal(() => openList(caseTwin));
    expect(e.code).toBe('ambiguous-archive');
    expect(e.message).toMatch(twin);
    expect(e.message).toMatch(/Refusing to open it/);
    expect((await refusal(() => openList(nfd))).message).toMatch(unicode);
  });

  it.each(zipOpeners)('zip %s: refuses a backslash twin and a folder case twin; trailing-slash folder entry next to a file', async (_how, openZip) => {
    const backslash = craftZip([...zipEntries(files), { name: `${root}\\payload\\files\\report.pdf`, data: text('forged'), method: 8 }]).bytes;
    expect((await refusal(() => openZip(backslash))).message).toMatch(/\(folders ".*\/payload" and ".*\\payload"\): one uses "\\" where the other uses "\/"/);
    const folderTwin = craftZip([...zipEntries(files), { name: `${root}/Payload/dicom/x.dcm`, data: text('forged'), method: 8 }]).bytes;
    expect((await refusal(() => openZip(folderTwin))).message).toMatch(/name the same folder on some systems but two folders on others \(folders ".*\/payload" and ".*\/Payload"\)/);
    const slash = craftZip([...zipEntries(files), { name: `${root}/payload/files/report.pdf/`, data: new Uint8Array(0) }]).bytes;
    expect((await refusal(() => openZip(slash))).message).toMatch(/entry ".*\/payload\/files\/report\.pdf" is a file, but entry ".*\/report\.pdf\/" uses the same name/);
  });

  it('tar: a folder entry named like a file is refused', async () => {
    const tar = craftTar([...tarFiles(files), { header: { name: `${root}/payload/files/report.pdf/`, typeflag: '5' } }]).bytes;
    expect((await refusal(() => open(tarSource(tar)))).message).toMatch(/report\.pdf" is a file, but entry ".*report\.pdf\/" uses the same name/);
  });

  it('OS litter in two spellings is no twin, and exact duplicates still open (first copy used, structure warns)', async () => {
    const junk = craftZip([...zipEntries(files), { name: `${root}/.DS_Store`, data: text('a') }, { name: `${root}/.ds_store`, data: text('b') }]).bytes;
    const r = await zipOpeners[0][1](junk, { trustedPublicKeys: [] });
    expect(r.report.checks.find((c) => c.id === 'structure')!.status).toBe('pass');
    const dup = craftZip([...zipEntries(files), { name: dicomPath, data: text('second copy'), method: 8 }]).bytes;
    for (const [, openZip] of zipOpeners) {
      const d = await openZip(dup);
      expect(d.report.checks.find((c) => c.id === 'structure')!.status).toBe('warn');
      expect(d.report.checks.find((c) => c.id === 'payload-hash')!.status).toBe('pass');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('a file named like a folder of other entries', () => {
  // Before the folder's files: recipe B's dir:dicom line would overwrite the file's line.
  const stray = [...files.filter((f) => !f.path.includes('/payload/dicom/')), { path: `${root}/payload/dicom`, bytes: text('uncovered') }, ...files.filter((f) => f.path.includes('/payload/dicom/'))];
  const message = /entry ".*\/payload\/dicom" is a file, but entry ".*\/payload\/dicom\/[^"]+" uses the same name \(".*\/payload\/dicom"\) as a folder\. No file system can hold both.*dir:\/file: lines.*would be shown without any check covering it/;
  it.each([
    ['zip in memory', () => zipOpeners[0][1](craftZip(zipEntries(stray)).bytes)],
    ['zip lazy Blob', () => zipOpeners[1][1](craftZip(zipEntries(stray)).bytes)],
    ['tar', () => open(tarSource(craftTar(tarFiles(stray)).bytes))],
    ['tar.gz', () => open(tarSource(gzipSync(craftTar(tarFiles(stray)).bytes), 't.tar.gz'))],
    ['folder', () => open(folderSource(stray))],
  ] as const)('%s: refused', async (_how, run) => {
    const e = await refusal(run);
    expect(e.code).toBe('ambiguous-archive');
    expect(e.message).toMatch(message);
  });

  const strayPayload = [...php.filter((f) => !f.path.startsWith('dicom/')), { path: 'dicom', bytes: text('uncovered') }, ...php.filter((f) => f.path.startsWith('dicom/'))];

  it('payload tar: no file is released, and the problem is fatal, naming both entries', () => {
    const r = payloadFilesFromTar(payloadTar(strayPayload, 'jmix-php'), 'payload.encrypted');
    expect(r.files.size).toBe(0);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', fatal: true, message: expect.stringMatching(/^Decrypted payload: payload\.encrypted: entry "dicom" is a file, but entry "dicom\/[^"]+" uses the same name/) })]);
    const twins = payloadFilesFromTar(payloadTar([...php, { path: 'Metadata.json', bytes: text('{}') }], 'jmix-php'), 'payload.encrypted');
    expect(twins.files.size).toBe(0);
    expect(twins.problems[0]).toMatchObject({ fatal: true, message: expect.stringMatching(/"metadata\.json" and "Metadata\.json" name the same file/) });
  });

  it.each([
    ['one-shot', {}],
    ['streamed', { streamAbove: { decrypt: 0 }, streamChunkBytes: 4096 }],
  ] as const)('encrypted payload, %s: nothing is shown, and the decrypt check carries the fatal problem', async (_how, o) => {
    const sealed = await sealEncrypted(payloadTar(strayPayload, 'jmix-php'));
    const source: EnvelopeSource = { kind: 'files', name: 'x.JMIX', files: sealed.map((f) => ({ path: `x.JMIX/${f.path}`, size: f.bytes.length, origin: 'folder', bytes: async () => f.bytes, blob: blobOf(f.bytes) })) };
    const r = await open(source, { key: HOSTILE_KEYS.recipientPrivate, ...o });
    expect(r.envelope.payload).toEqual([]);
    const decrypt = r.report.checks.find((c) => c.id === 'decrypt')!;
    expect(decrypt.status).not.toBe('pass');
    expect(decrypt.detail).toMatch(/entry "dicom" is a file, but entry "dicom\/[^"]+" uses the same name/);
    expect(r.report.problems.filter((p) => p.fatal).length).toBeGreaterThan(0);
    expect(r.report.verdict).not.toBe('pass');
  });
});

// ---------------------------------------------------------------------------------------------

describe('folder entries that carry data', () => {
  const folderData = /entry ".*" is a folder entry but carries \d+ bytes? of data, so tools would disagree on whether it is a folder or a file/;
  it.each(zipReaders)('zip %s: a name ending in "/" or a DOS folder attribute, with data, is refused', async (_how, read) => {
    for (const extra of [{ name: `${root}/payload/dicom/`, data: text('hidden') }, { name: `${root}/payload/dicom/ct/IM0003.dcm`, data: text('hidden'), externalAttrs: 0x10 }]) {
      const e = await refusal(() => read(craftZip([...zipEntries(files), extra]).bytes));
      expect(e.code).toBe('ambiguous-archive');
      expect(e.message).toMatch(folderData);
    }
  });

  it.each(zipReaders)('zip %s: an empty deflated folder entry (2 bytes, as jar writes) is accepted', async (_how, read) => {
    const zip = craftZip([{ name: `${root}/`, data: new Uint8Array(0), method: 8 }, ...zipEntries(files)]).bytes;
    expect((await read(zip)).files).toHaveLength(files.length);
  });

  it('tar: a type-5 entry with data is refused; in the payload tar it is a fatal problem', async () => {
    const tar = craftTar([...tarFiles(files), { header: { name: `${root}/payload/dicom/`, typeflag: '5', data: text('hidden') } }]).bytes;
    expect((await refusal(() => open(tarSource(tar)))).message).toMatch(folderData);
    const payload = craftTar([{ header: { name: 'dicom/', typeflag: '5', data: text('hidden') } }, { file: { path: 'dicom/a.dcm', bytes: text('a') } }]).bytes;
    const r = payloadFilesFromTar(payload, 'payload.encrypted');
    expect(r.files.size).toBe(0);
    expect(r.problems[0]).toMatchObject({ fatal: true, message: expect.stringMatching(folderData) });
  });
});

// ---------------------------------------------------------------------------------------------

describe('a second gzip member, data after the tar end blocks: the structure check fails', () => {
  const genuineTar = craftTar(tarFiles(files)).bytes;
  const forgedTar = craftTar([{ file: { path: `${root}/manifest.json`, bytes: text('{"id":"forged"}') } }]).bytes;

  it('gunzipLimited marks a second member fatal; one member is not', () => {
    const two = gunzipLimited(concat(gzipSync(text('a'.repeat(40))), gzipSync(text('b'.repeat(40)))), 'tar:t.tar.gz');
    expect(two.problems).toEqual([expect.objectContaining({ fatal: true, message: expect.stringMatching(/^tar:t\.tar\.gz: the gzip file holds 2 compressed streams one after another/) })]);
    expect(gunzipLimited(gzipSync(text('a'.repeat(40))), 'x').problems).toEqual([]);
  });

  it('readTar marks non-zero data after the end blocks fatal; zero padding (GNU records) is fine', () => {
    const appended = readTar(concat(genuineTar, forgedTar), 'tar:t.tar');
    expect(appended.entries).toHaveLength(files.length);
    expect(appended.problems).toEqual([expect.objectContaining({ fatal: true, message: expect.stringMatching(/^tar:t\.tar: data follows the end-of-archive blocks \(non-zero bytes at byte offset \d+, after entry ".*"\), e\.g\. a second archive appended/) })]);
    expect(readTar(concat(genuineTar, new Uint8Array(8192)), 't').problems).toEqual([]);
    expect(readTar(writeTar([{ name: 'a', data: text('a') }], 'gnu'), 't').problems).toEqual([]);
    // A lone zero block, then a header: tar --ignore-zeros reads on.
    expect(readTar(concat(craftTar(tarFiles(files), { end: false }).bytes, new Uint8Array(512), forgedTar), 't').problems[0]).toMatchObject({ fatal: true });
  });

  it.each([
    ['a second gzip member', () => tarSource(concat(gzipSync(genuineTar), gzipSync(forgedTar)), 't.tar.gz'), /the gzip file holds 2 compressed streams/],
    ['a tar appended to a tar', () => tarSource(concat(genuineTar, forgedTar)), /data follows the end-of-archive blocks/],
    ['a tar appended inside one gzip stream', () => tarSource(gzipSync(concat(genuineTar, forgedTar)), 't.tar.gz'), /data follows the end-of-archive blocks/],
  ] as const)('%s: verdict fail on structure, never silently dropped', async (_how, source, message) => {
    const r = await open(source());
    const structure = r.report.checks.find((c) => c.id === 'structure')!;
    expect(structure.status).toBe('fail');
    expect(structure.title).toBe('The archive can be read more than one way');
    expect(structure.detail).toMatch(message);
    expect(r.report.verdict).toBe('fail');
  });

  it('structureCheck fails on a fatal problem and only warns on others', () => {
    const facts = { manifestId: 'x', hasAudit: true, encrypted: false, ciphertextName: null, hasEncryptionBlock: false, plainCount: 1, ignored: [] };
    const problem = { severity: 'error' as const, file: 'tar:t', pointer: '', message: 'tar:t: something.' };
    expect(structureCheck({ ...facts, problems: [problem] }).status).toBe('warn');
    expect(structureCheck({ ...facts, problems: [{ ...problem, fatal: true }] }).status).toBe('fail');
  });

  it('the payload tar: data after its end blocks is a fatal problem', () => {
    const r = payloadFilesFromTar(concat(writeTar([{ name: 'a.dcm', data: text('a') }], 'php'), writeTar([{ name: 'b.dcm', data: text('b') }], 'php')), 'payload.encrypted');
    expect([...r.files.keys()]).toEqual(['a.dcm']);
    expect(r.problems).toEqual([expect.objectContaining({ fatal: true, message: expect.stringMatching(/payload\.encrypted: data follows the end-of-archive blocks/) })]);
  });
});

// ---------------------------------------------------------------------------------------------
// The coverage property: whatever hostile entries are injected into a genuine envelope's carrier,
// either the open is refused, or a passing payload hash means exactly the genuine payload is shown.

type Injection =
  | { kind: 'file-as-folder'; folder: string }
  | { kind: 'case-twin' | 'duplicate' | 'backslash-twin'; target: number }
  | { kind: 'nfd-twin' | 'junk' | 'extra-file' | 'outside' | 'dir-with-data' | 'trailing-slash' };
type Trick = 'none' | 'second-eocd' | 'local-mismatch' | 'tar-appended' | 'gzip-member';
type Carrier = 'zip' | 'zip-lazy' | 'tar' | 'tar.gz' | 'folder';
interface Entry {
  name: string;
  data: Uint8Array;
  folder?: boolean;
}

const encSpec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC });
const payloadPaths = files.filter((f) => f.path.includes('/payload/')).map((f) => f.path);

function injected(inj: Injection, env: { rootName: string }, seed: number): Entry[] {
  const r = env.rootName;
  const bytes = text(`injected ${inj.kind} ${seed}`);
  const target = 'target' in inj ? payloadPaths[inj.target % payloadPaths.length]!.replace(root, r) : '';
  switch (inj.kind) {
    case 'file-as-folder':
      return [{ name: `${r}/${inj.folder}`, data: bytes }];
    case 'case-twin': {
      const base = target.split('/').pop()!;
      const flipped = base === base.toLowerCase() ? base.toUpperCase() : base.toLowerCase();
      return [{ name: `${target.slice(0, -base.length)}${flipped}`, data: bytes }];
    }
    case 'duplicate':
      return [{ name: target, data: bytes }];
    case 'backslash-twin':
      return [{ name: target.replace(/\//g, '\\'), data: bytes }];
    case 'nfd-twin':
      return [{ name: `${r}/payload/files/caf\u00e9.txt`, data: bytes }, { name: `${r}/payload/files/cafe\u0301.txt`, data: bytes }];
    case 'junk':
      return [{ name: `${r}/payload/.DS_Store`, data: bytes }, { name: `${r}/payload/dicom/._IM0001.dcm`, data: bytes }];
    case 'extra-file':
      return [{ name: `${r}/payload/dicom/ct/IM9999.dcm`, data: bytes }];
    case 'outside':
      return [{ name: `${r}/notes.txt`, data: bytes }, { name: 'elsewhere/x.txt', data: bytes }];
    case 'dir-with-data':
      return [{ name: `${r}/payload/dicom/`, data: bytes, folder: true }];
    case 'trailing-slash':
      return [{ name: `${r}/payload/files/report.pdf/`, data: new Uint8Array(0), folder: true }];
  }
}

function carrierOf(carrier: Carrier, entries: Entry[], trick: Trick): EnvelopeSource | null {
  if (carrier === 'folder') {
    if (entries.some((e) => e.folder)) return null; // a dropped folder has no folder entries
    return folderSource(entries.map((e) => ({ path: e.name, bytes: e.data })));
  }
  if (carrier === 'zip' || carrier === 'zip-lazy') {
    let zip = craftZip(entries.map((e) => ({ name: e.name, data: e.data, method: e.folder ? 0 : 8 }))).bytes;
    if (trick === 'second-eocd') zip = concat(zip, zip.slice(-22));
    if (trick === 'local-mismatch') zip = patchLocalHeader(zip, entries.find((e) => !e.folder)!.name, (h) => h.setUint32(14, h.getUint32(14, true) ^ 1, true));
    return carrier === 'zip' ? { kind: 'bytes', bytes: zip, name: 'p.zip' } : { kind: 'blob', blob: blobOf(zip), name: 'p.zip' };
  }
  if (entries.some((e) => e.name.length > 100)) return null;
  let tar = craftTar(entries.map((e) => ({ header: { name: e.name, data: e.data, ...(e.folder ? { typeflag: '5' } : {}) } }))).bytes;
  if (trick === 'tar-appended') tar = concat(tar, craftTar([{ file: { path: entries[0]!.name, bytes: text('appended') } }]).bytes);
  const bytes = carrier === 'tar.gz' ? (trick === 'gzip-member' ? concat(gzipSync(tar), gzipSync(text('second member'))) : gzipSync(tar)) : tar;
  return { kind: 'bytes', bytes, name: carrier === 'tar.gz' ? 'p.tar.gz' : 'p.tar' };
}

describe('property: no injected entry is shown as covered', () => {
  const injection: fc.Arbitrary<Injection> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('payload/dicom', 'payload/dicom/ct', 'payload/files', 'payload/dicom/mr', 'payload').map((folder) => ({ kind: 'file-as-folder' as const, folder })) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('case-twin' as const, 'duplicate' as const, 'backslash-twin' as const), target: fc.nat(50) }) },
    { weight: 2, arbitrary: fc.constantFrom('nfd-twin', 'junk', 'extra-file', 'outside', 'dir-with-data', 'trailing-slash').map((kind) => ({ kind }) as Injection) },
  );
  const scenario = fc.record({
    encrypted: fc.boolean(),
    carrier: fc.constantFrom<Carrier>('zip', 'zip-lazy', 'tar', 'tar.gz', 'folder'),
    injections: fc.array(fc.tuple(injection, fc.nat(100)), { minLength: 1, maxLength: 3 }),
    trick: fc.constantFrom<Trick>('none', 'none', 'none', 'second-eocd', 'local-mismatch', 'tar-appended', 'gzip-member'),
  });

  it('every open is refused, or a passing payload hash shows exactly the genuine payload', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ encrypted, carrier, injections, trick }) => {
        const env = encrypted ? encSpec : spec;
        const entries: Entry[] = rooted(env).map((f) => ({ name: f.path, data: f.bytes }));
        for (const [i, [inj, at]] of injections.entries()) entries.splice(at % (entries.length + 1), 0, ...injected(inj, env, i));
        const source = carrierOf(carrier, entries, trick);
        if (!source) return;
        let result;
        try {
          result = await openEnvelope(source, { now: NOW, streamAbove: { zip: 0 }, ...(encrypted ? { key: HOSTILE_KEYS.recipientPrivate } : {}) });
        } catch (e) {
          if (e instanceof EnvelopeError) return;
          throw e;
        }
        if (result.report.checks.find((c) => c.id === 'payload-hash')?.status === 'pass') {
          expect(new Set(result.envelope.payload.map((p) => p.path))).toEqual(genuinePayload);
        }
      }),
      { seed: 0x11a3c, numRuns: 60, endOnFailure: true },
    );
  });
});

// A reading check on the whole carrier layer for a plain genuine envelope: nothing here refuses it.
describe('genuine envelopes still open in every carrier', () => {
  it.each([
    ['zip (writeZip)', () => readSource({ kind: 'bytes', bytes: writeZip(files.map((f) => ({ name: f.path, data: f.bytes }))), name: 'g.zip' })],
    ['zip lazy', () => readSource({ kind: 'blob', blob: blobOf(writeZip(files.map((f) => ({ name: f.path, data: f.bytes })))), name: 'g.zip' }, undefined, 0)],
    ['tar (ustar with folders)', () => readSource({ kind: 'bytes', bytes: writeTar([{ name: root, type: 'directory' }, ...files.map((f) => ({ name: f.path, data: f.bytes }))], 'ustar'), name: 'g.tar' })],
    ['tar.gz (GNU)', () => readSource({ kind: 'bytes', bytes: gzipSync(writeTar(files.map((f) => ({ name: f.path, data: f.bytes })), 'gnu')), name: 'g.tar.gz' })],
  ] as const)('%s', async (_how, read) => {
    const r = await read();
    expect(r.problems).toEqual([]);
    expect(r.files).toHaveLength(files.length);
  });
});
