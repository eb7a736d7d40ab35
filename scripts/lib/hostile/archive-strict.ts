// Archive readings that other tools could read differently (issue 11, class 3): every case is an
// archive with more than one reading. Zips are refused ('ambiguous-archive'); a second gzip member
// or data after the tar end blocks fails the structure check. Controls pin what must still open.
import { gzipSync } from 'fflate';
import { writeTar } from '../../../src/jmix/archive/tar.ts';
import { crc32 } from '../../../src/jmix/archive/crc32.ts';
import { writeZip } from '../../../src/jmix/archive/zip.ts';
import type { HostileCase, HostileExpect, HostileFile, HostileSource, ZipEntrySpec } from '../hostile.ts';
import { craftTar, craftZip, error, fail, fileOf, HOSTILE_KEYS, pass, reseal, rooted, packBase, sealEncrypted, tarFiles, text } from '../hostile.ts';
import { payloadTar } from '../pack.ts';

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

/** Offset of the local header of `name` in a zip written by craftZip (no data descriptors). */
export function localHeaderOffset(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = text(name);
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const nameLength = view.getUint16(at + 26, true);
    const here = zip.subarray(at + 30, at + 30 + nameLength);
    if (here.length === want.length && here.every((b, i) => b === want[i])) return at;
    at += 30 + nameLength + view.getUint16(at + 28, true) + view.getUint32(at + 18, true);
  }
  throw new Error(`localHeaderOffset: no local header for ${name}`);
}

/** A copy of `zip` with `edit` applied to the local header of `name` (a DataView at its offset). */
export function patchLocalHeader(zip: Uint8Array, name: string, edit: (header: DataView) => void): Uint8Array {
  const copy = zip.slice();
  edit(new DataView(copy.buffer, localHeaderOffset(copy, name)));
  return copy;
}

/** The end record's fields of a zip written by craftZip (no comment). */
function endRecord(zip: Uint8Array): DataView {
  return new DataView(zip.buffer, zip.byteOffset + zip.length - 22, 22);
}

export async function archiveStrictCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (id: string, description: string, source: HostileSource, expect: HostileExpect, control = false) =>
    cases.push({ id: `archive/${id}`, category: 'archive', description, source, expect, ...(control ? { control } : {}) });

  const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  const root = spec.rootName;
  const files = rooted(spec);
  const zipName = `${spec.id}.zip`;
  const tarName = `${spec.id}.tar`;
  const dicomPath = `${root}/payload/dicom/ct/IM0001.dcm`;
  const manifestPath = `${root}/manifest.json`;
  const forgedManifest = text(new TextDecoder().decode(fileOf(files, manifestPath)).replace('Harbour Imaging', 'Forged Imaging'));
  const zipBytes = (bytes: Uint8Array): HostileSource => ({ kind: 'bytes', bytes, name: zipName });
  const tarBytes = (bytes: Uint8Array, name = tarName): HostileSource => ({ kind: 'bytes', bytes, name });
  const entries = (list: HostileFile[], method = 8): ZipEntrySpec[] => list.map((f) => ({ name: f.path, data: f.bytes, method }));
  const genuineZip = craftZip(entries(files)).bytes;
  const ambiguous = (re: RegExp) => error('ambiguous-archive', re);

  // ---- 1. Local headers that disagree with the central directory.
  const local = (id: string, what: string, edit: (h: DataView) => void, re: RegExp) =>
    add(`zip-local-${id}`, `the local header of a payload entry says ${what}, the central directory says otherwise`, zipBytes(patchLocalHeader(genuineZip, dicomPath, edit)), ambiguous(re));
  local('name', 'IM0009.dcm where the index says IM0001.dcm', (h) => h.setUint8(30 + dicomPath.length - 5, '9'.charCodeAt(0)), /the local header names it ".*IM0009\.dcm"\. Streaming unzippers and repair tools go by the local header/);
  local('method', 'stored (method 0) where the index says Deflate', (h) => h.setUint16(8, 0, true), /compression method 0 in the local header, 8 in the index/);
  local('size', 'one byte more unpacked', (h) => h.setUint32(22, h.getUint32(22, true) + 1, true), /bytes unpacked in the local header, \d+ in the index/);
  local('compressed-size', 'fewer stored bytes', (h) => h.setUint32(18, h.getUint32(18, true) - 10, true), /stored bytes in the local header/);
  local('crc', 'another CRC-32', (h) => h.setUint32(14, h.getUint32(14, true) ^ 1, true), /CRC [0-9a-f]{8} in the local header, [0-9a-f]{8} in the index/);
  local('descriptor-flag', 'its sizes follow the data (flag bit 3)', (h) => h.setUint16(6, 8, true), /flags 8 \(encryption, data descriptor\) in the local header, 0 in the index/);
  {
    // Control: every entry flagged with a data descriptor, CRC and sizes left zero in the local
    // headers, as streaming writers do. Nothing disagrees.
    const crafted = craftZip(entries(files).map((e) => ({ ...e, flags: 8 })));
    const zip = crafted.bytes.slice();
    for (const b of crafted.boundaries.filter((x) => x.label.startsWith('local header of '))) for (const o of [14, 18, 22]) new DataView(zip.buffer, b.offset).setUint32(o, 0, true);
    add('zip-local-descriptor-zeroed', 'data-descriptor entries whose local headers carry no CRC or sizes (streaming writers): a genuine layout', zipBytes(zip), pass(), true);
  }
  {
    // An entry whose local header and data are in the file but not in the central directory.
    const hidden = `${root}/payload/dicom/ct/IM0099.dcm`;
    const crafted = craftZip([{ name: hidden, data: text('hidden from the index') }, ...entries(files)]);
    const first = crafted.boundaries.find((b) => b.label === `central record of ${hidden.slice(-30)}`)!.offset;
    const second = crafted.boundaries.find((b) => b.label === `central record of ${files[0]!.path.slice(-30)}`)!.offset;
    const zip = crafted.bytes.slice();
    const end = endRecord(zip);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, end.getUint32(12, true) - (second - first), true);
    end.setUint32(16, second, true);
    add('zip-hidden-local-entry', 'a local entry (header and data) that the central directory does not list: streaming unzippers extract it', zipBytes(zip), ambiguous(/\d+ bytes at byte offset 0, before entry .*belong to no entry of the central directory/));
  }
  {
    // A stored entry whose data is a whole local entry, listed a second time by the index.
    const inner = craftZip([{ name: dicomPath, data: fileOf(files, dicomPath), method: 0 }]);
    const innerEntry = inner.bytes.subarray(0, inner.boundaries.find((b) => b.label.startsWith('central record'))!.offset);
    const carrierName = `${root}/payload/files/notes.bin`;
    const zip = craftZip([{ name: carrierName, data: innerEntry }, ...entries(files.filter((f) => f.path !== dicomPath)), { name: dicomPath, data: fileOf(files, dicomPath), centralOnly: true, localOffset: 30 + carrierName.length }]).bytes;
    add('zip-overlapping-entries', "an entry whose local header lies inside another entry's data (overlapping entries)", zipBytes(zip), ambiguous(/entries ".*notes\.bin" and ".*IM0001\.dcm" overlap/));
  }
  {
    // Info-ZIP's Unicode Path extra field naming another file than the header does.
    const nameBytes = text(dicomPath);
    const other = text(dicomPath.replace('IM0001', 'IM0666'));
    const field = new Uint8Array(4 + 5 + other.length);
    const view = new DataView(field.buffer);
    view.setUint16(0, 0x7075, true);
    view.setUint16(2, 5 + other.length, true);
    field[4] = 1;
    view.setUint32(5, crc32(nameBytes), true);
    field.set(other, 9);
    const zip = craftZip([...entries(files.filter((f) => f.path !== dicomPath)), { name: dicomPath, data: fileOf(files, dicomPath), method: 8, extra: field }]).bytes;
    add('zip-unicode-path-differs', 'a Unicode Path extra field (shown by 7-Zip and Info-ZIP) names IM0666.dcm, the header IM0001.dcm', zipBytes(zip), ambiguous(/also carries the name ".*IM0666\.dcm" in a Unicode Path extra field/));
  }

  // ---- 2. More than one end-of-central-directory record.
  const secondEnd = /holds 2 end-of-central-directory records .*more than one of them points at a central directory/;
  add('zip-second-eocd-appended', 'a copy of the end record appended after the genuine one', zipBytes(concat(genuineZip, genuineZip.slice(-22))), ambiguous(secondEnd));
  {
    // The genuine record's comment holds a second record that lists only the first entry.
    const zip = genuineZip.slice();
    const fake = zip.slice(-22);
    new DataView(fake.buffer).setUint16(8, 1, true);
    new DataView(fake.buffer).setUint16(10, 1, true);
    endRecord(zip).setUint16(20, 22, true);
    add('zip-second-eocd-in-comment', "a second end record hidden in the genuine record's comment, listing fewer entries", zipBytes(concat(zip, fake)), ambiguous(secondEnd));
  }
  {
    // The last (stored) entry's data is a small zip with ABSOLUTE offsets: its end record leads
    // to its own central directory, listing a forged manifest.json.
    const evilName = `${root}/payload/files/zz.bin`;
    const build = (d: number) => {
      const inner = craftZip([{ name: manifestPath, data: forgedManifest, localOffset: d }], { cdOffsetDelta: d }).bytes;
      return craftZip([...entries(files), { name: evilName, data: inner, method: 0 }]);
    };
    const dataStart = build(0).boundaries.find((b) => b.label === `data of ${evilName.slice(-30)}`)!.offset;
    add('zip-second-eocd-in-entry-data', "a stored entry's data holds a second end record and central directory (absolute offsets) listing a forged manifest.json", zipBytes(build(dataStart).bytes), ambiguous(secondEnd));
  }
  {
    // Controls: a payload file holding the bytes PK\x05\x06 (an end record with no directory behind
    // it), and a stored nested zip (offsets relative to itself), both last, in the searched window.
    const eocdLike = concat(text('looks like an end record: '), new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0]), text(' and more'));
    const nested = writeZip([{ name: 'a.txt', data: text('inner file a') }, { name: 'b/c.txt', data: text('inner file c') }], { level: 0 });
    for (const [id, path, bytes, what] of [
      ['zip-eocd-bytes-in-stored-data', 'files/eocd-like.bin', eocdLike, 'the bytes of an end record (PK\\x05\\x06) with no central directory behind them'],
      ['zip-nested-zip-stored', 'files/attachments.zip', nested, 'a whole zip, stored, whose offsets are relative to itself'],
    ] as const) {
      const sealed = rooted(spec, await reseal(spec, { payload: (p) => [...p, { path, bytes }] }));
      const last = sealed.find((f) => f.path.endsWith(path))!;
      const zip = craftZip([...entries(sealed.filter((f) => f !== last)), { name: last.path, data: last.bytes, method: 0 }]).bytes;
      add(id, `a genuine, re-sealed envelope whose last, stored payload file holds ${what}: not a second end record`, zipBytes(zip), pass(), true);
    }
  }

  // ---- 3. Name twins, in every carrier.
  const twinFile = (re: RegExp) => ambiguous(re);
  const manifestTwin = [...files, { path: `${root}/Manifest.json`, bytes: forgedManifest }];
  // Either order: a folder read from disk lists Manifest.json first.
  const caseTwin = /"[^"]*\/[mM]anifest\.json" and "[^"]*\/[mM]anifest\.json" name the same file on some systems but two files on others: they differ only in letter case/;
  add('zip-case-twin-manifest', 'Manifest.json (forged) next to manifest.json', zipBytes(craftZip(entries(manifestTwin)).bytes), twinFile(caseTwin));
  add('tar-case-twin-manifest', 'Manifest.json (forged) next to manifest.json, in a tar', tarBytes(craftTar(tarFiles(manifestTwin)).bytes), twinFile(caseTwin));
  add('targz-case-twin-manifest', 'Manifest.json (forged) next to manifest.json, in a .tar.gz', tarBytes(gzipSync(craftTar(tarFiles(manifestTwin)).bytes), `${spec.id}.tar.gz`), twinFile(caseTwin));
  add('folder-case-twin-manifest', 'Manifest.json (forged) next to manifest.json, in a dropped folder (a case-sensitive disk)', { kind: 'files', files: manifestTwin, name: root }, twinFile(caseTwin));
  const nfdTwin = [...files, { path: `${root}/payload/files/caf\u00e9.txt`, bytes: text('NFC') }, { path: `${root}/payload/files/cafe\u0301.txt`, bytes: text('NFD') }];
  const nfd = /name the same file on some systems but two files on others: they differ only in Unicode normalisation/;
  add('zip-nfd-twin', 'café.txt spelled NFC and NFD: one file on macOS, two elsewhere', zipBytes(craftZip(entries(nfdTwin)).bytes), twinFile(nfd));
  add('tar-nfd-twin', 'café.txt spelled NFC and NFD, in a tar', tarBytes(craftTar(tarFiles(nfdTwin)).bytes), twinFile(nfd));
  add('folder-nfd-twin', 'café.txt spelled NFC and NFD, in a dropped folder', { kind: 'files', files: nfdTwin, name: root }, twinFile(nfd));
  add(
    'zip-backslash-twin',
    'payload\\files\\report.pdf (forged) next to payload/files/report.pdf',
    zipBytes(craftZip([...entries(files), { name: `${root}\\payload\\files\\report.pdf`, data: text('%PDF-forged'), method: 8 }]).bytes),
    twinFile(/two folders on others \(folders ".*\/payload" and ".*\\payload"\): one uses "\\" where the other uses "\/"/),
  );
  add(
    'zip-folder-case-twin',
    'Payload/dicom/forged.dcm next to payload/: one folder on Windows and macOS, two elsewhere',
    zipBytes(craftZip([...entries(files), { name: `${root}/Payload/dicom/forged.dcm`, data: text('forged'), method: 8 }]).bytes),
    twinFile(/two folders on others \(folders ".*\/payload" and ".*\/Payload"\): they differ only in letter case/),
  );
  add(
    'zip-junk-case-variants',
    '.DS_Store and .ds_store next to each other: operating-system litter is ignored, so no twin',
    zipBytes(craftZip([...entries(files), { name: `${root}/.DS_Store`, data: text('Bud1'), method: 8 }, { name: `${root}/.ds_store`, data: text('Bud1'), method: 8 }]).bytes),
    pass(),
    true,
  );

  // ---- 4. A file named like a folder of other entries (recipe B keys both by one path).
  const strayFile = (before: HostileFile[]) => [...before.filter((f) => !f.path.includes('/payload/dicom/')), { path: `${root}/payload/dicom`, bytes: text('shown, but under the dir:dicom line of recipe B') }, ...before.filter((f) => f.path.includes('/payload/dicom/'))];
  const fileAndFolder = /entry ".*\/payload\/dicom" is a file, but entry ".*\/payload\/dicom\/[^"]+" uses the same name \(".*\/payload\/dicom"\) as a folder/;
  add('zip-file-named-like-folder', 'a file payload/dicom before payload/dicom/…: recipe B would not cover it', zipBytes(craftZip(entries(strayFile(files))).bytes), ambiguous(fileAndFolder));
  add('tar-file-named-like-folder', 'a file payload/dicom before payload/dicom/…, in a tar', tarBytes(craftTar(tarFiles(strayFile(files))).bytes), ambiguous(fileAndFolder));
  add('targz-file-named-like-folder', 'a file payload/dicom before payload/dicom/…, in a .tar.gz', tarBytes(gzipSync(craftTar(tarFiles(strayFile(files))).bytes), `${spec.id}.tar.gz`), ambiguous(fileAndFolder));
  add(
    'zip-trailing-slash-twin',
    'a folder entry payload/files/report.pdf/ next to the file payload/files/report.pdf',
    zipBytes(craftZip([...entries(files), { name: `${root}/payload/files/report.pdf/`, data: new Uint8Array(0) }]).bytes),
    ambiguous(/entry ".*\/payload\/files\/report\.pdf" is a file, but entry ".*\/report\.pdf\/" uses the same name/),
  );

  // ---- 5. Folder entries that carry data.
  const folderData = /entry ".*" is a folder entry but carries \d+ bytes? of data/;
  add('zip-directory-with-data', 'a zip folder entry payload/dicom/ carrying data', zipBytes(craftZip([...entries(files), { name: `${root}/payload/dicom/`, data: text('data in a folder entry') }]).bytes), ambiguous(folderData));
  add('zip-dos-directory-with-data', 'an entry with the MS-DOS folder attribute carrying DICOM data', zipBytes(craftZip([...entries(files), { name: `${root}/payload/dicom/ct/IM0003.dcm`, data: fileOf(files, dicomPath), externalAttrs: 0x10 }]).bytes), ambiguous(folderData));
  add('tar-directory-with-data', 'a tar folder entry (type 5) carrying data', tarBytes(craftTar([...tarFiles(files), { header: { name: `${root}/payload/dicom/`, typeflag: '5', data: text('data in a folder entry') } }]).bytes), ambiguous(folderData));

  // ---- 6. A second gzip member, data after the tar end blocks: fail on structure.
  const genuineTar = craftTar(tarFiles(files)).bytes;
  const forgedTar = craftTar([{ file: { path: manifestPath, bytes: forgedManifest } }]).bytes;
  const structure = fail('structure');
  add('targz-second-member', 'a second gzip member (a tar with a forged manifest.json) appended to a genuine .tar.gz', tarBytes(concat(gzipSync(genuineTar), gzipSync(forgedTar)), `${spec.id}.tar.gz`), structure);
  add('tar-appended-after-end', 'a second tar (forged manifest.json) appended after the end-of-archive blocks', tarBytes(concat(genuineTar, forgedTar)), structure);
  add('targz-tar-appended-after-end', 'a .tar.gz whose one stream holds a second tar after the end blocks', tarBytes(gzipSync(concat(genuineTar, forgedTar)), `${spec.id}.tar.gz`), structure);
  add('tar-lone-zero-block', 'one zero block, then a further entry (tar --ignore-zeros reads it)', tarBytes(concat(craftTar(tarFiles(files), { end: false }).bytes, new Uint8Array(512), forgedTar)), structure);
  add('tar-gnu-record-padding', 'GNU tar pads to a 10,240-byte record with zeros after the end blocks: not data', tarBytes(writeTar(files.map((f) => ({ name: f.path, data: f.bytes })), 'gnu')), pass(), true);

  cases.push(...(await payloadTarStrictCases()));
  return cases;
}

/**
 * The same classes inside the decrypted payload tar of an encrypted envelope (an attacker who holds
 * the recipient's public key can seal any tar): the reader releases no files and reports a fatal
 * problem. They expect the decrypt check to FAIL, which needs open.ts to fail that check on a fatal
 * tar problem (and release nothing); until then these cases are not part of archiveStrictCases().
 */
export async function payloadTarStrictCases(): Promise<HostileCase[]> {
  const base = (await packBase('jmix-php')).files.filter((f) => f.path.startsWith('payload/')).map((f) => ({ path: f.path.slice('payload/'.length), bytes: f.bytes }));
  const key = HOSTILE_KEYS.recipientPrivate;
  const sealed = async (id: string, description: string, tar: Uint8Array): Promise<HostileCase> => {
    const env = await sealEncrypted(tar);
    return { id: `archive/payload-tar-${id}`, category: 'archive', description, source: { kind: 'files', files: env.map((f) => ({ path: `sealed.JMIX/${f.path}`, bytes: f.bytes })), name: 'sealed.JMIX' }, key, expect: fail('decrypt') };
  };
  const stray = [...base.filter((f) => !f.path.startsWith('dicom/')), { path: 'dicom', bytes: text('shown, but under the dir:dicom line of recipe B') }, ...base.filter((f) => f.path.startsWith('dicom/'))];
  return [
    await sealed('file-named-like-folder', 'a decrypted payload tar holding a file dicom next to dicom/…', payloadTar(stray, 'jmix-php')),
    await sealed('case-twin', 'a decrypted payload tar holding metadata.json and Metadata.json', payloadTar([...base, { path: 'Metadata.json', bytes: text('{}') }], 'jmix-php')),
    await sealed('data-after-end', 'a decrypted payload tar with a second tar appended after its end blocks', concat(payloadTar(base, 'jmix-php'), payloadTar([{ path: 'files/extra.pdf', bytes: text('%PDF-extra') }], 'jmix-php'))),
  ];
}
