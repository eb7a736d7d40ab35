// Tar and payload-tar: our writer in all three producer styles, real GNU tar / Python archives,
// damaged archives, and the decrypted payload tars of the real jmix-js and jmix-php vectors.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { EnvelopeError } from '../src/jmix/api.ts';
import { parseTarNumber, readTar, writeTar, type TarInputFile } from '../src/jmix/archive/tar.ts';
import { gunzipLimited } from '../src/jmix/archive/gzip.ts';
import { crc32 } from '../src/jmix/archive/crc32.ts';
import { payloadFilesFromTar } from '../src/jmix/payload-tar.ts';
import { hasShared, sharedPath, describeWithShared } from './shared.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
function content(name: string, length = 700): Uint8Array {
  const out = new Uint8Array(length);
  const seed = enc.encode(name);
  for (let i = 0; i < length; i++) out[i] = (seed[i % seed.length]! + i * 31) & 0xff;
  return out;
}

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

function rewriteChecksum(tar: Uint8Array, headerOffset: number): void {
  const h = tar.subarray(headerOffset, headerOffset + 512);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
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
      const tar = writeTar([{ name, data: content(name) }, { name: 'short.txt', data: enc.encode('s') }], 'gnu');
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
    for (let i = 11; i > 0; i--) (big[i] = v % 256), (v = Math.floor(v / 256));
    expect(parseTarNumber(big)).toBe(value);
    expect(parseTarNumber(new Uint8Array(8).fill(0xff))).toBe(-1);
  });

  it('reads an entry whose size field is base-256', () => {
    const tar = writeTar([{ name: 'big.bin', data: content('big', 700) }, { name: 'next.txt', data: enc.encode('next') }], 'gnu');
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
    expect(cut.problems[0]!.message).toMatch(/header #1 at byte offset 0 \("a\.txt"\): declares 1000 bytes of data but only 400 remain; .*\(600 bytes missing\)/);

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

// ---------------------------------------------------------------------------------------------
// Archives made by real tools.

const work = mkdtempSync(join(tmpdir(), 'jmix-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hasTool(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const haveGnuTar = hasTool('tar', ['--version']) && execFileSync('tar', ['--version']).toString().includes('GNU tar');
const havePython = hasTool('python3', ['-c', 'import tarfile']);
if (!haveGnuTar) console.warn('[skip] GNU tar is not installed: tests on real GNU tar archives are skipped.');
if (!havePython) console.warn('[skip] python3 is not installed: tests on Python tarfile archives are skipped.');

/** A payload tree on disk with a long nested path (> 255 bytes in total). */
function makeTree(root: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'metadata.json': enc.encode('{"study":1}'),
    'dicom/series_1/CT.1.dcm': content('CT.1', 2000),
    [`dicom/${'s'.repeat(120)}/${'i'.repeat(150)}.dcm`]: content('long', 900),
    [`dicom/${'p'.repeat(90)}/${'q'.repeat(40)}.dcm`]: content('prefix', 1200), // ustar prefix territory
    'files/Zoë report.txt': enc.encode('report'),
  };
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  return files;
}

describe.skipIf(!haveGnuTar)('archives written by GNU tar', () => {
  const tree = join(work, 'gnu-tree');
  const files = makeTree(tree);

  for (const format of ['gnu', 'posix', 'ustar', 'oldgnu'] as const) {
    it(`--format=${format}: all files, bytes intact`, () => {
      const out = join(work, `t-${format}.tar`);
      const names = format === 'ustar' ? Object.keys(files).filter((n) => n.length < 250) : Object.keys(files);
      execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', tree, ...names]);
      const { entries, problems } = readTar(new Uint8Array(readFileSync(out)), out);
      expect(problems).toEqual([]);
      const got = Object.fromEntries(entries.filter((e) => e.type === 'file').map((e) => [e.name, e.data]));
      expect(Object.keys(got).sort()).toEqual([...names].sort());
      for (const n of names) expect(got[n]).toEqual(files[n]);
    });
  }

  it('--format=v7 (no magic) is read via its checksum', () => {
    const out = join(work, 't-v7.tar');
    execFileSync('tar', ['--format=v7', '-cf', out, '-C', tree, 'metadata.json', 'dicom/series_1/CT.1.dcm']);
    const bytes = new Uint8Array(readFileSync(out));
    expect(dec.decode(bytes.subarray(257, 262))).not.toBe('ustar');
    const { entries, problems } = readTar(bytes, out);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.name)).toEqual(['metadata.json', 'dicom/series_1/CT.1.dcm']);
    expect(entries[1]!.data).toEqual(files['dicom/series_1/CT.1.dcm']);
  });

  it('jmix-rs layout (GNU tar of "." with ./ names) → payloadFilesFromTar dot-root', () => {
    const out = join(work, 't-dot.tar');
    execFileSync('tar', ['--format=gnu', '-cf', out, '-C', tree, '.']);
    const bytes = new Uint8Array(readFileSync(out));
    expect(readTar(bytes, 't').entries[0]!.name).toBe('./');
    const { files: got, layout, problems } = payloadFilesFromTar(bytes, 'payload.enc');
    expect(problems).toEqual([]);
    expect(layout).toBe('dot-root');
    expect([...got.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [n, d] of Object.entries(files)) expect(got.get(n)).toEqual(d);
  });

  it('symlinks and hard links come back as links, never as files', () => {
    const dir = join(work, 'links');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'target.txt'), 'target');
    symlinkSync('/etc/passwd', join(dir, 'sym'));
    execFileSync('ln', [join(dir, 'target.txt'), join(dir, 'hard.txt')]);
    const out = join(work, 'links.tar');
    execFileSync('tar', ['--format=gnu', '-cf', out, '-C', dir, 'target.txt', 'hard.txt', 'sym']);
    const { entries } = readTar(new Uint8Array(readFileSync(out)), out);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(byName['sym']!.type).toBe('symlink');
    expect(byName['sym']!.linkName).toBe('/etc/passwd');
    expect(byName['hard.txt']!.type).toBe('hardlink');
    expect(byName['hard.txt']!.linkName).toBe('target.txt');
    expect(byName['hard.txt']!.data.length).toBe(0);
    const payload = payloadFilesFromTar(new Uint8Array(readFileSync(out)), 'p');
    expect([...payload.files.keys()]).toEqual(['target.txt']);
    expect(payload.problems.filter((p) => p.severity === 'warning')).toHaveLength(2);
  });
});

describe.skipIf(!havePython)('archives written by Python tarfile', () => {
  const tree = join(work, 'py-tree');
  const files = makeTree(tree);
  for (const format of ['GNU_FORMAT', 'PAX_FORMAT', 'USTAR_FORMAT'] as const) {
    it(`tarfile.${format}`, () => {
      const out = join(work, `py-${format}.tar`);
      const names = format === 'USTAR_FORMAT' ? Object.keys(files).filter((n) => n.length < 250) : Object.keys(files);
      const script = `import sys, tarfile\nwith tarfile.open(sys.argv[1], 'w', format=tarfile.${format}) as t:\n  for n in sys.argv[3:]:\n    t.add(sys.argv[2] + '/' + n, arcname=n)\n`;
      execFileSync('python3', ['-c', script, out, tree, ...names]);
      const { entries, problems } = readTar(new Uint8Array(readFileSync(out)), out);
      expect(problems).toEqual([]);
      const got = Object.fromEntries(entries.map((e) => [e.name, e.data]));
      for (const n of names) expect(got[n]).toEqual(files[n]);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('payloadFilesFromTar on the three producer layouts', () => {
  const payload: Record<string, Uint8Array> = {
    'metadata.json': enc.encode('{"m":1}'),
    'dicom/series_1/CT.1.1.dcm': content('1.1', 2582),
    'files/report.pdf': content('pdf', 697),
  };

  it('jmix-js: ustar with payload/ prefix and directory entries', () => {
    const tar = writeTar(
      [
        { name: 'payload/', type: 'directory' },
        { name: 'payload/dicom/', type: 'directory' },
        ...Object.entries(payload).map(([n, d]) => ({ name: `payload/${n}`, data: d })),
      ],
      'ustar',
    );
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('payload-prefix');
    expect(Object.fromEntries(r.files)).toEqual(payload);
  });

  it('jmix-rs: GNU tar rooted at ./ with a long name', () => {
    const long = `dicom/${'1.2.840.113619.2.55.3.604688119.969.1268071029.320.'.repeat(3)}.dcm`;
    const withLong = { ...payload, [long]: content('long', 100) };
    const tar = writeTar(
      [
        { name: './', type: 'directory' },
        { name: './dicom', type: 'directory' },
        ...Object.entries(withLong).map(([n, d]) => ({ name: `./${n}`, data: d })),
      ],
      'gnu',
    );
    const r = payloadFilesFromTar(tar, 'payload.enc');
    expect(r.layout).toBe('dot-root');
    expect(Object.fromEntries(r.files)).toEqual(withLong);
  });

  it('jmix-php: files only', () => {
    const tar = writeTar(Object.entries(payload).map(([n, d]) => ({ name: n, data: d })), 'php');
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('files-only');
    expect(Object.fromEntries(r.files)).toEqual(payload);
  });

  it('keeps a payload/ prefix unless every file has it', () => {
    const tar = writeTar([{ name: 'payload/a.txt', data: enc.encode('a') }, { name: 'b.txt', data: enc.encode('b') }], 'php');
    expect([...payloadFilesFromTar(tar, 'p').files.keys()]).toEqual(['payload/a.txt', 'b.txt']);
  });

  it('gunzips a gzipped payload tar first', () => {
    const tar = writeTar(Object.entries(payload).map(([n, d]) => ({ name: n, data: d })), 'php');
    const r = payloadFilesFromTar(gzipSync(tar), 'payload.encrypted');
    expect(Object.fromEntries(r.files)).toEqual(payload);
    expect(r.problems).toEqual([]);
  });

  it('refuses entries that escape the payload', () => {
    for (const bad of ['../escape.txt', 'dicom/../../escape.txt', '/etc/passwd']) {
      const tar = writeTar([{ name: 'metadata.json', data: enc.encode('{}') }, { name: bad, data: enc.encode('x') }], 'ustar');
      let caught: unknown;
      try {
        payloadFilesFromTar(tar, 'payload.encrypted');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EnvelopeError);
      expect((caught as EnvelopeError).code).toBe('unsafe-path');
      expect((caught as EnvelopeError).message).toContain(`"${bad}"`);
    }
  });

  it('reports a duplicate file as an error and keeps the first', () => {
    const tar = writeTar([{ name: 'a.txt', data: enc.encode('1') }, { name: './a.txt', data: enc.encode('2') }], 'gnu');
    const r = payloadFilesFromTar(tar, 'p');
    expect(dec.decode(r.files.get('a.txt'))).toBe('1');
    expect(r.problems.some((p) => p.severity === 'error' && p.message.includes('"a.txt" appears more than once'))).toBe(true);
  });
});

describe('gzip', () => {
  it('round trips and checks the CRC', () => {
    const data = content('gz', 100_000);
    const gz = gzipSync(data);
    expect(gunzipLimited(gz, 'x.gz')).toEqual({ data, problems: [] });
    const damaged = gz.slice();
    damaged[damaged.length - 8]! ^= 0xff; // stored CRC
    expect(gunzipLimited(damaged, 'x.gz').problems[0]!.message).toMatch(/gzip checksum does not match/);
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926); // the standard CRC-32 check value
  });

  it('CRC-32 (slicing-by-8) agrees with the bytewise definition at every length and split', () => {
    const bytewise = (d: Uint8Array, prev = 0) => {
      let c = (prev ^ 0xffffffff) >>> 0;
      for (const x of d) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = content('crc', 4099);
    for (let n = 0; n <= 40; n++) expect(crc32(data.subarray(0, n))).toBe(bytewise(data.subarray(0, n)));
    expect(crc32(data)).toBe(bytewise(data));
    for (const cut of [1, 7, 8, 9, 1000]) expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(bytewise(data));
  });

  it('stops at the output limit whatever the trailer claims', () => {
    const gz = gzipSync(new Uint8Array(5 << 20), { level: 9 });
    expect(() => gunzipLimited(gz, 'bomb.tar.gz', 1 << 20)).toThrow(/decompresses to more than 1 MiB/);
  });

  it('a truncated gzip is a clear error', () => {
    const gz = gzipSync(content('t', 50_000), { level: 0 });
    expect(() => gunzipLimited(gz.subarray(0, 20_000), 'cut.tar.gz')).toThrow(/cut\.tar\.gz: gzip decompression failed.*truncated/);
  });
});

// ---------------------------------------------------------------------------------------------
// The decrypted payload tars of the real producers' vectors. Decryption follows INTEROP §3
// (X25519 → HKDF-SHA256, empty salt → AES-256-GCM with the tag from the manifest).

async function decryptPayload(dir: string, keyB64: string, info: string): Promise<Uint8Array> {
  const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const e = manifest.security.encryption;
  const shared = x25519.getSharedSecret(b64(keyB64), b64(e.ephemeral_public_key));
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode(info) }, ikm, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
  const ciphertext = readFileSync(join(dir, 'payload.encrypted'));
  const sealed = new Uint8Array(ciphertext.length + 16);
  sealed.set(ciphertext);
  sealed.set(b64(e.auth_tag), ciphertext.length);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64(e.iv) }, key, sealed));
}

const sha256Hex = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

describeWithShared(['jmix', 'vectors', 'jmix-js'], 'jmix-js encrypted vector: node-tar ustar with payload/ prefix', () => {
  it('yields the 16 payload files, identical to the plaintext envelope', async () => {
    const v = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-js', ...p);
    const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
    const keys = JSON.parse(readFileSync(v('encrypted', 'keys.json'), 'utf8'));
    const tar = await decryptPayload(v(expected.encrypted.dir), keys.recipient_private_key_b64, 'JMIX-Payload-Encryption');
    expect(tar.length).toBe(expected.encrypted.plaintext_tar_bytes);
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.problems).toEqual([]);
    expect(r.layout).toBe('payload-prefix');
    expect(r.files.size).toBe(16);
    for (const [path, data] of r.files) {
      expect(data).toEqual(new Uint8Array(readFileSync(v(expected.plaintext.dir, 'payload', path))));
    }
  });
});

describeWithShared(['jmix', 'vectors', 'jmix-php'], 'jmix-php encrypted vector: PharData files-only tar', () => {
  it('matches the entry list published in expected.json', async () => {
    const v = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-php', ...p);
    const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
    const keys = JSON.parse(readFileSync(v('keys.json'), 'utf8'));
    const envelope = expected.envelopes.encrypted;
    const tar = await decryptPayload(v(envelope.dir), keys.recipient_private_key_b64, 'JMIX-payload-encryption');
    const { entries, problems } = readTar(tar, 'payload.encrypted');
    expect(problems).toEqual([]);
    const published = envelope.plaintext_tar.entries as { name: string; size: number; mtime: number; sha256: string }[];
    expect(entries.map((e) => ({ name: e.name, size: e.size, mtime: e.mtime, sha256: sha256Hex(e.data) }))).toEqual(
      published.map((p) => ({ name: p.name, size: p.size, mtime: p.mtime, sha256: p.sha256 })),
    );
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('files-only');
    expect(r.files.size).toBe(published.length);
  });
});
