// Issue 11, class 3, for names: name twins, a file named like a folder of other entries, and
// folder entries that carry data are refused in every carrier and in the payload tar.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftTar, craftZip, HOSTILE_KEYS, sealEncrypted, tarFiles, text, type HostileFile } from '../../../fixtures/hostile/index.ts';
import { payloadTar } from '../../../fixtures/envelopes/pack.ts';
import { findNameConflict } from '../../../src/jmix/archive/names.ts';
import { payloadFilesFromTar } from '../../../src/jmix/payload-tar.ts';
import type { EnvelopeSource } from '../../../src/jmix/types.ts';
import {
  root,
  files,
  dicomPath,
  php,
  zipEntries,
  blobOf,
  refusal,
  zipReaders,
  zipOpeners,
  open,
  tarSource,
  folderSource,
} from '../../helpers/one-reading.ts';

// ---------------------------------------------------------------------------------------------

describe('name twins', () => {
  it('findNameConflict: case, NFC/NFD, backslash, trailing slash; not exact duplicates or OS litter', () => {
    const f = (name: string) => ({ name, kind: 'file' as const });
    const d = (name: string) => ({ name, kind: 'folder' as const });
    expect(findNameConflict([f('e/manifest.json'), f('e/Manifest.json')])).toMatchObject({
      reason: 'twin',
      first: 'e/manifest.json',
      second: 'e/Manifest.json',
    });
    expect(findNameConflict([f('e/caf\u00e9'), f('e/cafe\u0301')])).toMatchObject({ reason: 'twin' });
    expect(findNameConflict([f('e/a/b'), f('e\\a\\c')])).toMatchObject({
      reason: 'twin',
      kind: 'folder',
      firstSpelling: 'e/a',
      secondSpelling: 'e\\a',
    });
    expect(findNameConflict([f('e/a'), d('e/a/')])).toMatchObject({ reason: 'file-and-folder', file: 'e/a', folderEntry: 'e/a/' });
    expect(findNameConflict([f('e/p/dicom'), f('e/p/dicom/ct/1.dcm')])).toMatchObject({
      reason: 'file-and-folder',
      file: 'e/p/dicom',
      folderEntry: 'e/p/dicom/ct/1.dcm',
    });
    expect(findNameConflict([f('e/p/DICOM'), f('e/p/dicom/ct/1.dcm')])).toMatchObject({ reason: 'file-and-folder' });
    expect(findNameConflict([f('e/a'), f('e/a'), f('./e//a'), d('e/'), d('e'), f('e/b')])).toBeNull();
    expect(findNameConflict([f('e/.DS_Store'), f('e/.ds_store'), f('__MACOSX/e/._a'), f('__macosx/x')])).toBeNull();
  });

  const twin =
    /entries "[^"]*\/manifest\.json" and "[^"]*\/Manifest\.json" name the same file on some systems but two files on others: they differ only in letter case/;
  const caseTwin = [...files, { path: `${root}/Manifest.json`, bytes: text('{"id":"forged"}') }];
  const nfd = [
    ...files,
    { path: `${root}/payload/files/caf\u00e9.txt`, bytes: text('a') },
    { path: `${root}/payload/files/cafe\u0301.txt`, bytes: text('b') },
  ];
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

  it.each(zipOpeners)(
    'zip %s: refuses a backslash twin and a folder case twin; trailing-slash folder entry next to a file',
    async (_how, openZip) => {
      const backslash = craftZip([
        ...zipEntries(files),
        { name: `${root}\\payload\\files\\report.pdf`, data: text('forged'), method: 8 },
      ]).bytes;
      expect((await refusal(() => openZip(backslash))).message).toMatch(
        /\(folders ".*\/payload" and ".*\\payload"\): one uses "\\" where the other uses "\/"/,
      );
      const folderTwin = craftZip([...zipEntries(files), { name: `${root}/Payload/dicom/x.dcm`, data: text('forged'), method: 8 }]).bytes;
      expect((await refusal(() => openZip(folderTwin))).message).toMatch(
        /name the same folder on some systems but two folders on others \(folders ".*\/payload" and ".*\/Payload"\)/,
      );
      const slash = craftZip([...zipEntries(files), { name: `${root}/payload/files/report.pdf/`, data: new Uint8Array(0) }]).bytes;
      expect((await refusal(() => openZip(slash))).message).toMatch(
        /entry ".*\/payload\/files\/report\.pdf" is a file, but entry ".*\/report\.pdf\/" uses the same name/,
      );
    },
  );

  it('tar: a folder entry named like a file is refused', async () => {
    const tar = craftTar([...tarFiles(files), { header: { name: `${root}/payload/files/report.pdf/`, typeflag: '5' } }]).bytes;
    expect((await refusal(() => open(tarSource(tar)))).message).toMatch(
      /report\.pdf" is a file, but entry ".*report\.pdf\/" uses the same name/,
    );
  });

  it('OS litter in two spellings is no twin, and exact duplicates still open (first copy used, structure warns)', async () => {
    const junk = craftZip([
      ...zipEntries(files),
      { name: `${root}/.DS_Store`, data: text('a') },
      { name: `${root}/.ds_store`, data: text('b') },
    ]).bytes;
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
  const stray = [
    ...files.filter((f) => !f.path.includes('/payload/dicom/')),
    { path: `${root}/payload/dicom`, bytes: text('uncovered') },
    ...files.filter((f) => f.path.includes('/payload/dicom/')),
  ];
  const message =
    /entry ".*\/payload\/dicom" is a file, but entry ".*\/payload\/dicom\/[^"]+" uses the same name \(".*\/payload\/dicom"\) as a folder\. No file system can hold both.*dir:\/file: lines.*would be shown without any check covering it/;
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

  const strayPayload = [
    ...php.filter((f) => !f.path.startsWith('dicom/')),
    { path: 'dicom', bytes: text('uncovered') },
    ...php.filter((f) => f.path.startsWith('dicom/')),
  ];

  it('payload tar: no file is released, and the problem is fatal, naming both entries', () => {
    const r = payloadFilesFromTar(payloadTar(strayPayload, 'jmix-php'), 'payload.encrypted');
    expect(r.files.size).toBe(0);
    expect(r.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        fatal: true,
        message: expect.stringMatching(
          /^Decrypted payload: payload\.encrypted: entry "dicom" is a file, but entry "dicom\/[^"]+" uses the same name/,
        ),
      }),
    ]);
    const twins = payloadFilesFromTar(payloadTar([...php, { path: 'Metadata.json', bytes: text('{}') }], 'jmix-php'), 'payload.encrypted');
    expect(twins.files.size).toBe(0);
    expect(twins.problems[0]).toMatchObject({
      fatal: true,
      message: expect.stringMatching(/"metadata\.json" and "Metadata\.json" name the same file/),
    });
  });

  it.each([
    ['one-shot', {}],
    ['streamed', { streamAbove: { decrypt: 0 }, streamChunkBytes: 4096 }],
  ] as const)('encrypted payload, %s: nothing is shown, and the decrypt check carries the fatal problem', async (_how, o) => {
    const sealed = await sealEncrypted(payloadTar(strayPayload, 'jmix-php'));
    const source: EnvelopeSource = {
      kind: 'files',
      name: 'x.JMIX',
      files: sealed.map((f) => ({
        path: `x.JMIX/${f.path}`,
        size: f.bytes.length,
        origin: 'folder',
        bytes: async () => f.bytes,
        blob: blobOf(f.bytes),
      })),
    };
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
  const folderData =
    /entry ".*" is a folder entry but carries \d+ bytes? of data, so tools would disagree on whether it is a folder or a file/;
  it.each(zipReaders)('zip %s: a name ending in "/" or a DOS folder attribute, with data, is refused', async (_how, read) => {
    for (const extra of [
      { name: `${root}/payload/dicom/`, data: text('hidden') },
      { name: `${root}/payload/dicom/ct/IM0003.dcm`, data: text('hidden'), externalAttrs: 0x10 },
    ]) {
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
    const payload = craftTar([
      { header: { name: 'dicom/', typeflag: '5', data: text('hidden') } },
      { file: { path: 'dicom/a.dcm', bytes: text('a') } },
    ]).bytes;
    const r = payloadFilesFromTar(payload, 'payload.encrypted');
    expect(r.files.size).toBe(0);
    expect(r.problems[0]).toMatchObject({ fatal: true, message: expect.stringMatching(folderData) });
  });
});
