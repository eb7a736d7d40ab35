// Tar: our writer in all three producer styles read back by our reader, long names, numeric fields
// and PAX records, and damaged archives.
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../src/jmix/archive/tar.ts';
import { parseTarNumber } from '../../../src/jmix/archive/tar-header.ts';
import { writeTar, type TarInputFile } from '../../../src/jmix/archive/tar-write.ts';
import { patternedBytes, rewriteChecksum } from '../../helpers/tar.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
const content = (name: string, length = 700) => patternedBytes(name, length, 31);

const LONG_120 = `dicom/${'series_with_a_long_name_'.repeat(3)}/${'CT.1.2.840.10008.'.repeat(4)}.dcm`; // > 100 bytes, splits
const LONG_300 = `dicom/${'a'.repeat(150)}/${'b'.repeat(140)}.dcm`; // > 255 bytes, no ustar split fits

function sampleFiles(): TarInputFile[] {
  return [
    { name: 'payload', type: 'directory' },
    { name: 'payload/dicom', type: 'directory' },
    { name: 'payload/metadata.json', data: enc.encode('{"a":1}') },
    { name: 'payload/dicom/CT.1.dcm', data: content('CT.1', 1500) },
    { name: 'payload/empty.txt', data: new Uint8Array(0) },
    { name: 'payload/dicom/exactly512.dcm', data: content('x', 512) },
  ];
}

function headerField(tar: Uint8Array, headerOffset: number, start: number, length: number): Uint8Array {
  return tar.subarray(headerOffset + start, headerOffset + start + length);
}

describe('writeTar → readTar round trips', () => {
  for (const style of ['ustar', 'gnu', 'php'] as const) {
    it(`${style}: every file comes back with its bytes, in order`, () => {
      const files = sampleFiles();
      const tar = writeTar(files, style);
      const { entries, problems } = readTar(tar, 'test.tar');
      expect(problems).toEqual([]);
      const expected = files.filter((f) => style !== 'php' || f.type !== 'directory');
      expect(entries.map((e) => e.name)).toEqual(expected.map((f) => (f.type === 'directory' ? `${f.name}/` : f.name)));
      for (const [i, f] of expected.entries()) {
        const e = entries[i]!;
        expect(e.type).toBe(f.type ?? 'file');
        expect(e.data).toEqual(f.data ?? new Uint8Array(0));
        expect(e.size).toBe(e.data.length);
        expect(e.mtime).toBe(0);
        expect(e.mode).toBe(f.type === 'directory' ? 0o755 : 0o644);
      }
      // data is a view into the archive, not a copy
      expect(entries.find((e) => e.name.endsWith('CT.1.dcm'))!.data.buffer).toBe(tar.buffer);
    });
  }

  it('ustar: POSIX magic, 0-owner fields, ends with exactly two zero blocks', () => {
    const tar = writeTar(sampleFiles(), 'ustar');
    expect(dec.decode(headerField(tar, 0, 257, 8))).toBe('ustar\u000000');
    expect(dec.decode(headerField(tar, 0, 108, 8))).toBe('0000000\0');
    const dataBlocks = Math.ceil(7 / 512) + Math.ceil(1500 / 512) + 1; // json, CT.1, exactly512
    expect(tar.length).toBe((6 + dataBlocks) * 512 + 1024);
  });

  it('gnu: GNU magic and padding to a 10240-byte record', () => {
    const tar = writeTar(sampleFiles(), 'gnu');
    expect(dec.decode(headerField(tar, 0, 257, 8))).toBe('ustar  \0');
    expect(tar.length % 10240).toBe(0);
  });

  it('php: files only, NUL uid/gid/uname/gname, mtime 0, mode 0644, 7-digit checksum, no record padding', () => {
    const tar = writeTar(sampleFiles(), 'php');
    const { entries } = readTar(tar, 'php.tar');
    expect(entries.every((e) => e.type === 'file')).toBe(true);
    expect(headerField(tar, 0, 108, 16).every((b) => b === 0)).toBe(true); // uid + gid
    expect(headerField(tar, 0, 265, 64).every((b) => b === 0)).toBe(true); // uname + gname
    expect(dec.decode(headerField(tar, 0, 100, 8))).toBe('0000644\0');
    expect(dec.decode(headerField(tar, 0, 136, 12))).toBe('00000000000\0');
    expect(dec.decode(headerField(tar, 0, 148, 8))).toMatch(/^[0-7]{7} $/);
    expect(tar.length).toBe((4 + 1 + 3 + 0 + 1) * 512 + 1024);
  });
});

describe('long names', () => {
  it('the test names really are long', () => {
    expect(enc.encode(LONG_120).length).toBeGreaterThan(100);
    expect(enc.encode(LONG_300).length).toBeGreaterThan(255);
  });

  it('ustar: >100 bytes uses the prefix field, >255 bytes a PAX path record', () => {
    const tar = writeTar([{ name: LONG_120, data: content('a') }], 'ustar');
    expect(headerField(tar, 0, 345, 155)[0]).not.toBe(0); // prefix in use
    expect(String.fromCharCode(tar[156]!)).toBe('0'); // no PAX header needed
    expect(readTar(tar, 't').entries[0]!.name).toBe(LONG_120);

    const pax = writeTar([{ name: LONG_300, data: content('b') }], 'ustar');
    expect(String.fromCharCode(pax[156]!)).toBe('x');
    expect(dec.decode(pax.subarray(512, 1024))).toContain(` path=${LONG_300}\n`);
    const read = readTar(pax, 't');
    expect(read.problems).toEqual([]);
    expect(read.entries).toHaveLength(1);
    expect(read.entries[0]!.name).toBe(LONG_300);
    expect(read.entries[0]!.data).toEqual(content('b'));
  });

  it('gnu: names over 100 bytes use ././@LongLink', () => {
    for (const name of [LONG_120, LONG_300]) {
      const tar = writeTar(
        [
          { name, data: content(name) },
          { name: 'short.txt', data: enc.encode('s') },
        ],
        'gnu',
      );
      expect(dec.decode(tar.subarray(0, 13))).toBe('././@LongLink');
      expect(String.fromCharCode(tar[156]!)).toBe('L');
      const { entries, problems } = readTar(tar, 't');
      expect(problems).toEqual([]);
      expect(entries.map((e) => e.name)).toEqual([name, 'short.txt']);
      expect(entries[0]!.data).toEqual(content(name));
    }
  });

  it('php: splits with the prefix and refuses what cannot be split', () => {
    expect(readTar(writeTar([{ name: LONG_120, data: content('c') }], 'php'), 't').entries[0]!.name).toBe(LONG_120);
    expect(() => writeTar([{ name: LONG_300, data: content('c') }], 'php')).toThrow(/too long/);
  });

  it('non-ASCII names survive (UTF-8)', () => {
    for (const style of ['ustar', 'gnu', 'php'] as const) {
      const tar = writeTar([{ name: 'files/Zoë Brown – report.pdf', data: content('z') }], style);
      expect(readTar(tar, 't').entries[0]!.name).toBe('files/Zoë Brown – report.pdf');
    }
  });
});

describe('numeric fields and PAX', () => {
  it('parses octal with NUL/space terminators and empty fields', () => {
    expect(parseTarNumber(enc.encode('0000644\0'))).toBe(0o644);
    expect(parseTarNumber(enc.encode('  1234 \0'))).toBe(0o1234);
    expect(parseTarNumber(new Uint8Array(8))).toBe(0);
    expect(parseTarNumber(enc.encode('12x4\0\0\0\0'))).toBeNull();
  });

  it('parses GNU base-256 numbers, positive and negative', () => {
    const big = new Uint8Array(12);
    big[0] = 0x80;
    const value = 2 ** 34 + 5; // beyond the 8 GiB an octal size field holds
    let v = value;
    for (let i = 11; i > 0; i--) {
      big[i] = v % 256;
      v = Math.floor(v / 256);
    }
    expect(parseTarNumber(big)).toBe(value);
    expect(parseTarNumber(new Uint8Array(8).fill(0xff))).toBe(-1);
  });

  it('reads an entry whose size field is base-256', () => {
    const tar = writeTar(
      [
        { name: 'big.bin', data: content('big', 700) },
        { name: 'next.txt', data: enc.encode('next') },
      ],
      'gnu',
    );
    const size = tar.subarray(124, 136);
    size.fill(0);
    size[0] = 0x80;
    size[10] = 700 >> 8;
    size[11] = 700 & 0xff;
    rewriteChecksum(tar, 0);
    const { entries, problems } = readTar(tar, 't');
    expect(problems).toEqual([]);
    expect(entries[0]!.size).toBe(700);
    expect(entries[0]!.data).toEqual(content('big', 700));
    expect(entries[1]!.name).toBe('next.txt');
  });

  it('a PAX size record overrides the header size; g headers are skipped', () => {
    const record = (k: string, val: string) => {
      const body = ` ${k}=${val}\n`;
      let n = body.length + 1;
      while (String(n).length + body.length !== n) n = String(n).length + body.length;
      return `${n}${body}`;
    };
    const paxData = enc.encode(record('size', '700') + record('path', 'renamed/by-pax.bin') + record('mtime', '1700000000.5'));
    const globalData = enc.encode(record('comment', 'git commit id'));
    const tar = writeTar(
      [
        { name: 'g', data: globalData },
        { name: 'pax', data: paxData },
        { name: 'placeholder', data: content('p', 700) },
      ],
      'ustar',
    );
    tar[156] = 'g'.charCodeAt(0);
    rewriteChecksum(tar, 0);
    tar[1024 + 156] = 'x'.charCodeAt(0);
    rewriteChecksum(tar, 1024);
    // declare size 0 in the real header: only the PAX record gives the true size
    tar.set(enc.encode('00000000000\0'), 2048 + 124);
    rewriteChecksum(tar, 2048);
    const { entries, problems } = readTar(tar, 't');
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.name).toBe('renamed/by-pax.bin');
    expect(entries[0]!.size).toBe(700);
    expect(entries[0]!.mtime).toBe(1700000000.5);
    expect(entries[0]!.data).toEqual(content('p', 700));
  });
});

describe('damaged archives', () => {
  const files: TarInputFile[] = [
    { name: 'a.txt', data: content('a', 1000) },
    { name: 'b.txt', data: content('b', 300) },
  ];

  it('a bad header checksum is an error naming the header and its byte offset', () => {
    const tar = writeTar(files, 'ustar');
    tar[1536 + 3]! ^= 0x01; // b.txt's header starts after a.txt's header + 2 data blocks
    const { entries, problems } = readTar(tar, 'tar:x.tar');
    expect(entries.map((e) => e.name)).toEqual(['a.txt']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.severity).toBe('error');
    expect(problems[0]!.message).toMatch(/header #2 at byte offset 1536: header checksum mismatch/);
  });

  it('a first header with a bad checksum says it may not be a tar at all', () => {
    const tar = writeTar(files, 'ustar');
    tar[0]! ^= 0x20;
    expect(readTar(tar, 't').problems[0]!.message).toMatch(/header #1 at byte offset 0:.*or is not a tar archive/);
  });

  it('truncation inside data names the entry and the missing byte count', () => {
    const tar = writeTar(files, 'ustar');
    const cut = readTar(tar.subarray(0, 512 + 400), 'tar:cut.tar');
    expect(cut.entries).toEqual([]);
    expect(cut.problems[0]!.message).toMatch(
      /header #1 at byte offset 0 \("a\.txt"\): declares 1000 bytes of data but only 400 remain; .*\(600 bytes missing\)/,
    );

    const cut2 = readTar(tar.subarray(0, 1536 + 512 + 100), 'tar:cut.tar');
    expect(cut2.entries.map((e) => e.name)).toEqual(['a.txt']);
    expect(cut2.problems[0]!.message).toMatch(/"b\.txt".*200 bytes missing/);
  });

  it('truncation inside a header is an error; a cut right after an entry is a warning', () => {
    const tar = writeTar(files, 'ustar');
    const midHeader = readTar(tar.subarray(0, 1536 + 100), 't');
    expect(midHeader.problems[0]!.severity).toBe('error');
    expect(midHeader.problems[0]!.message).toMatch(/header #2 at byte offset 1536: only 100 of its 512 header bytes.*412 bytes missing/);

    const noTrailer = readTar(tar.subarray(0, 1536 + 1024), 't');
    expect(noTrailer.entries).toHaveLength(2);
    expect(noTrailer.problems).toHaveLength(1);
    expect(noTrailer.problems[0]!.severity).toBe('warning');
    expect(noTrailer.problems[0]!.message).toMatch(/without the zero blocks.*"b\.txt"/);
  });

  it('truncation after a GNU long-name header is an error', () => {
    const tar = writeTar([{ name: LONG_300, data: content('l') }], 'gnu');
    const { entries, problems } = readTar(tar.subarray(0, 1024), 't');
    expect(entries).toEqual([]);
    expect(problems[0]!.message).toMatch(/long-name\/PAX header with no entry/);
  });
});
