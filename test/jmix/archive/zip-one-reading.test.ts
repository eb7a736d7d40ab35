// Issue 11, class 3, for zips: the local headers must agree with the central directory, entries
// may not overlap or hide bytes between them, and only one end record may lead to an index.
// Every case runs in memory and through the lazy Blob reader.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftZip, text } from '../../../fixtures/hostile/index.ts';
import { localHeaderOffset, patchLocalHeader } from '../../../fixtures/hostile/archive-strict.ts';
import { readZipBlob } from '../../../src/jmix/archive/zip.ts';
import { writeZip } from '../../../src/jmix/archive/zip-write.ts';
import { root, files, dicomPath, concat, zipEntries, blobOf, refusal, zipReaders, zipOpeners } from '../../helpers/one-reading.ts';

// ---------------------------------------------------------------------------------------------

describe.each(zipReaders)('zip local headers against the central directory (%s)', (_how, read) => {
  const genuine = craftZip(zipEntries(files)).bytes;
  for (const [field, edit, message] of [
    [
      'name',
      (h: DataView) => h.setUint8(30 + dicomPath.length - 5, '9'.charCodeAt(0)),
      /entry ".*IM0001\.dcm" is described one way by its local header \(at byte offset \d+\) and another by the central directory \(the zip index\): the local header names it ".*IM0009\.dcm"\. Streaming unzippers and repair tools go by the local header/,
    ],
    ['method', (h: DataView) => h.setUint16(8, 0, true), /compression method 0 in the local header, 8 in the index/],
    ['size', (h: DataView) => h.setUint32(22, 5, true), /5 bytes unpacked in the local header, \d+ in the index/],
    ['compressed size', (h: DataView) => h.setUint32(18, 7, true), /7 stored bytes in the local header, \d+ in the index/],
    ['CRC', (h: DataView) => h.setUint32(14, 0xdeadbeef, true), /CRC deadbeef in the local header, [0-9a-f]{8} in the index/],
    [
      'data-descriptor flag',
      (h: DataView) => h.setUint16(6, 8, true),
      /flags 8 \(encryption, data descriptor\) in the local header, 0 in the index/,
    ],
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
    for (const b of crafted.boundaries.filter((x) => x.label.startsWith('local header of ')))
      for (const o of [14, 18, 22]) new DataView(zip.buffer, b.offset).setUint32(o, 0, true);
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
    expect(e.message).toMatch(
      /\d+ bytes at byte offset 0, before entry ".*manifest\.json", belong to no entry of the central directory; a tool reading the zip from its start could find entries there/,
    );
  });

  it('refuses entries that overlap', async () => {
    const dicom = files.find((f) => f.path === dicomPath)!;
    const inner = craftZip([{ name: dicomPath, data: dicom.bytes }]);
    const innerEntry = inner.bytes.subarray(0, inner.boundaries.find((b) => b.label.startsWith('central record'))!.offset);
    const outerName = `${root}/payload/files/notes.bin`;
    const zip = craftZip([
      { name: outerName, data: innerEntry },
      ...zipEntries(files.filter((f) => f !== dicom)),
      { name: dicomPath, data: dicom.bytes, centralOnly: true, localOffset: 30 + outerName.length },
    ]).bytes;
    const e = await refusal(() => read(zip));
    expect(e.message).toMatch(
      /entries ".*notes\.bin" and ".*IM0001\.dcm" overlap: the local header of ".*IM0001\.dcm" at byte offset \d+ lies inside the data of/,
    );
  });

  it('still reports a missing local header and data past the end as damage', async () => {
    const missing = await refusal(() =>
      read(craftZip([...zipEntries(files), { name: `${root}/x`, data: text('x'), centralOnly: true, localOffset: 5 }]).bytes),
    );
    expect([missing.code, missing.message]).toEqual(['corrupt-archive', expect.stringMatching(/local header at byte offset 5 is missing/)]);
    const short = await refusal(() =>
      read(craftZip([...zipEntries(files), { name: `${root}/x`, data: text('x'), compressedSize: 10_000_000, size: 10_000 }]).bytes),
    );
    expect([short.code, short.message]).toEqual([
      'corrupt-archive',
      expect.stringMatching(/needs 10000000 bytes at offset \d+ but the file ends/),
    ]);
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
  const second =
    /holds 2 end-of-central-directory records \(the zip index's end marker, at byte offsets \d+, \d+\), and more than one of them points at a central directory/;

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
    const build = (d: number) =>
      craftZip([...zipEntries(files), { name, data: craftZip([{ ...forged, localOffset: d }], { cdOffsetDelta: d }).bytes, method: 0 }]);
    const at = build(0).boundaries.find((b) => b.label === `data of ${name.slice(-30)}`)!.offset;
    expect((await refusal(() => read(build(at).bytes))).message).toMatch(second);
  });

  it('accepts stored data holding PK\\x05\\x06, and a stored nested zip, near the end', async () => {
    const eocdLike = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const nested = writeZip(
      [
        { name: 'a.txt', data: text('inner a') },
        { name: 'b.txt', data: text('inner b') },
      ],
      { level: 0 },
    );
    const zip = craftZip([
      ...zipEntries(files),
      { name: `${root}/payload/files/e.bin`, data: concat(text('x'), eocdLike, text('y')), method: 0 },
      { name: `${root}/payload/files/n.zip`, data: nested, method: 0 },
    ]).bytes;
    const { files: read_, problems } = await read(zip);
    expect(problems).toEqual([]);
    expect(read_).toHaveLength(files.length + 2);
  });
});
