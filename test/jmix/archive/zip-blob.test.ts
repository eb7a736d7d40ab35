// The lazy zip reader (readZipBlob, for large zips): the same entries and bytes as the whole-buffer
// reader, damage found when an entry is read, and native inflate.
import { describe, expect, it } from 'vitest';
import { toZip } from '../../../fixtures/envelopes/pack.ts';
import { readZip, readZipBlob } from '../../../src/jmix/archive/zip.ts';
import { writeZip } from '../../../src/jmix/archive/zip-write.ts';
import { pack, recipient } from '../../helpers/fixtures.ts';

describe('lazy zip reading (readZipBlob)', () => {
  it('lists the same entries with the same bytes as the whole-buffer reader', async () => {
    const env = await pack('jmix-php', { encryptTo: recipient.publicKey });
    const zip = toZip(env, 'wrapped');
    const eager = readZip(zip, 'zip:x');
    const lazy = await readZipBlob(new Blob([zip as Uint8Array<ArrayBuffer>]), 'zip:x');
    expect(lazy.files.map((f) => [f.path, f.size])).toEqual(eager.files.map((f) => [f.path, f.size]));
    for (const [i, f] of lazy.files.entries())
      expect(Buffer.from(await f.bytes()).equals(Buffer.from(await eager.files[i]!.bytes()))).toBe(true);
  });

  it('finds a damaged entry when it is read, with a specific message', async () => {
    const env = await pack('jmix-js');
    const zip = toZip(env, 'root');
    const lazy = await readZipBlob(new Blob([zip as Uint8Array<ArrayBuffer>]), 'zip:d.zip');
    const victim = lazy.files.find((f) => f.path.endsWith('.dcm'))!;
    // Flip a byte inside that entry's compressed data and read again.
    const copy = zip.slice();
    const name = new TextEncoder().encode(victim.path);
    const at = Buffer.from(copy).indexOf(Buffer.from(name)) + name.length + 20;
    copy[at] = copy[at]! ^ 0xff;
    const damaged = await readZipBlob(new Blob([copy as Uint8Array<ArrayBuffer>]), 'zip:d.zip');
    await expect(damaged.files.find((f) => f.path === victim.path)!.bytes()).rejects.toThrow(/d\.zip.*(CRC|decompressed)/);
  });
});

describe('lazy zip reading: native inflate', () => {
  it('refuses an entry that inflates to more than its declared size, naming it', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const zip = writeZip([{ name: 'big.bin', data }], { level: 6 });
    // Shrink the central directory's uncompressed size (offset 24 in the central header).
    const at = Buffer.from(zip).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    new DataView(zip.buffer, zip.byteOffset).setUint32(at + 24, 200_000, true);
    new DataView(zip.buffer, zip.byteOffset).setUint32(22, 200_000, true); // the local header (at 0) must agree
    const lazy = await readZipBlob(new Blob([zip as Uint8Array<ArrayBuffer>]), 'zip:s.zip');
    await expect(lazy.files[0]!.bytes()).rejects.toThrow(/s\.zip.*big\.bin.*more than the 200000 bytes/);
  });

  it('inflates large entries to the same bytes as fflate', async () => {
    const data = new Uint8Array(1_000_000).map((_, i) => (i * i) % 253);
    const zip = writeZip([{ name: 'a.bin', data }], { level: 9 });
    const lazy = await readZipBlob(new Blob([zip as Uint8Array<ArrayBuffer>]), 'zip:a.zip');
    expect(Buffer.from(await lazy.files[0]!.bytes()).equals(Buffer.from(data))).toBe(true);
  });
});
