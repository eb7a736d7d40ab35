// The carrier layer: readSource over zip, tar, tar.gz and folders, unsafe names, limits, damage,
// and what is said of a file that is no archive.
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/jmix/api.ts';
import { writeTar } from '../../src/jmix/archive/tar-write.ts';
import { readZip } from '../../src/jmix/archive/zip.ts';
import { writeZip } from '../../src/jmix/archive/zip-write.ts';
import { MAX_ENTRIES } from '../../src/jmix/limits.ts';
import { fileFromBlob, filesFromMap, readSource } from '../../src/jmix/sources.ts';
import { locateEnvelope } from '../../src/jmix/locate.ts';
import { bytesSource, caught, content, envelopeFiles, readAll } from '../helpers/carriers.ts';
import { rewriteChecksum } from '../helpers/tar.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

// ---------------------------------------------------------------------------------------------

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  let last = -1;
  for (let at = indexOf(haystack, needle); ;) {
    last = at;
    try {
      at = indexOf(haystack, needle, at + 1);
    } catch {
      return last;
    }
  }
}

/** Turns a tar header into a link of the given type, fixing its checksum. */
function setType(tar: Uint8Array, headerOffset: number, typeflag: string, linkName: string): void {
  const h = tar.subarray(headerOffset, headerOffset + 512);
  h[156] = typeflag.charCodeAt(0);
  h.set(enc.encode(linkName), 157);
  rewriteChecksum(tar, headerOffset);
}

describe('zip carriers', () => {
  it('reads a root-layout zip written by writeZip, bytes intact, directories dropped', async () => {
    const files = envelopeFiles('');
    const zip = writeZip(Object.entries(files).map(([name, data]) => ({ name, data })));
    const src = await readSource(bytesSource(zip, 'env.zip'));
    expect(src.kind).toBe('zip');
    expect(src.name).toBe('env.zip');
    expect(src.problems).toEqual([]);
    expect(src.files.every((f) => f.origin === 'zip:env.zip')).toBe(true);
    expect(await readAll(src.files)).toEqual(files);
    const located = locateEnvelope(src.files);
    expect(located.root).toBe('');
    expect([...located.files.keys()].sort()).toEqual(Object.keys(files).sort());
  });

  it('reads a wrapped zip with directory entries (stored and deflated) and finds the root', async () => {
    const root = 'abc.JMIX';
    const files = envelopeFiles(root);
    const zip = zipSync({
      [`${root}/`]: new Uint8Array(0),
      [`${root}/payload/`]: new Uint8Array(0),
      ...Object.fromEntries(Object.entries(files).map(([n, d]) => [n, [d, { level: n.endsWith('.json') ? 0 : 9 }]])),
    } as never);
    const src = await readSource(bytesSource(zip, 'wrapped.zip'));
    expect(src.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort());
    const located = locateEnvelope(src.files);
    expect(located.root).toBe(root);
    expect(dec.decode(await located.files.get('manifest.json')!.bytes())).toBe('{"id":"x"}');
    expect(located.files.has('payload/dicom/CT.1.dcm')).toBe(true);
  });

  it('an empty zip (PK\\5\\6 only) reads as a zip with no files, then has no manifest', async () => {
    const empty = zipSync({});
    expect([...empty.subarray(0, 4)]).toEqual([0x50, 0x4b, 5, 6]);
    const src = await readSource(bytesSource(empty, 'empty.zip'));
    expect(src.kind).toBe('zip');
    expect(src.files).toEqual([]);
    const err = await caught(() => locateEnvelope(src.files));
    expect(err.code).toBe('no-manifest');
    expect(err.message).toMatch(/holds no files at all/);
  });

  for (const [name, why] of [
    ['../evil.txt', /zip slip/],
    ['payload/../../evil.txt', /zip slip/],
    ['/etc/passwd', /absolute/],
    ['C:\\Windows\\evil.dll', /drive letter/],
    ['C:/evil.txt', /drive letter/],
    ['..\\evil.txt', /zip slip/],
  ] as const) {
    it(`refuses the zip entry "${name}"`, async () => {
      const zip = zipSync({ 'manifest.json': enc.encode('{}'), [name]: enc.encode('x') });
      const err = await caught(readSource(bytesSource(zip, 'evil.zip')));
      expect(err.code).toBe('unsafe-path');
      expect(err.message).toContain(`"${name}"`);
      expect(err.message).toContain('zip:evil.zip');
      expect(err.message).toMatch(why);
    });
  }

  it('accepts backslash separators as folders', async () => {
    const zip = zipSync({ 'manifest.json': enc.encode('{}'), 'payload\\dicom\\a.dcm': enc.encode('a') });
    const src = await readSource(bytesSource(zip, 'win.zip'));
    expect(src.files.map((f) => f.path).sort()).toEqual(['manifest.json', 'payload/dicom/a.dcm']);
  });

  it('reports a CRC mismatch as an error problem naming the entry', async () => {
    const data = content('crc', 400);
    const zip = zipSync({ 'manifest.json': [enc.encode('{}'), { level: 0 }], 'payload/a.bin': [data, { level: 0 }] } as never);
    const at = indexOf(zip, data.subarray(0, 16));
    zip[at + 100]! ^= 0xff;
    const { files, problems } = readZip(zip, 'zip:crc.zip');
    expect(files).toHaveLength(2);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.severity).toBe('error');
    expect(problems[0]!.message).toMatch(/"payload\/a\.bin" fails its CRC check/);
  });

  it('reports undecompressable data as an error problem and skips the entry', () => {
    const data = content('deflate', 5000);
    const zip = zipSync({ 'manifest.json': enc.encode('{}'), 'payload/a.bin': [data, { level: 9 }] } as never);
    const nameAt = indexOf(zip, enc.encode('payload/a.bin'));
    const dataAt = nameAt + 'payload/a.bin'.length; // no extra field in fflate's local headers
    zip.fill(0xff, dataAt, dataAt + 8); // an invalid block type
    const { files, problems } = readZip(zip, 'zip:bad.zip');
    expect(files.map((f) => f.path)).toEqual(['manifest.json']);
    expect(problems[0]!.message).toMatch(/"payload\/a\.bin" could not be decompressed \(.+\)/);
  });

  it('refuses password-protected zips', async () => {
    const zip = zipSync({ 'manifest.json': enc.encode('{}') });
    const central = lastIndexOf(zip, new Uint8Array([0x50, 0x4b, 1, 2]));
    zip[central + 8]! |= 1; // general-purpose flag bit 0: encrypted
    const err = await caught(readSource(bytesSource(zip, 'locked.zip')));
    expect(err.code).toBe('encrypted-zip');
    expect(err.message).toMatch(/locked\.zip is password-protected.*"manifest\.json"/);
  });

  it('checks declared sizes against the limits before inflating (zip bomb)', async () => {
    const bomb = zipSync({ 'zeros.bin': [new Uint8Array(10 << 20), { level: 9 }] } as never);
    const err = await caught(readSource(bytesSource(bomb, 'bomb.zip')));
    expect(err.code).toBe('limit');
    expect(err.message).toMatch(/"zeros\.bin" would expand \d+:1.*the limit is 200:1/);

    // A declared size over the per-file limit is refused without allocating it.
    const liar = zipSync({ 'huge.bin': [content('h', 100), { level: 0 }] } as never);
    const central = lastIndexOf(liar, new Uint8Array([0x50, 0x4b, 1, 2]));
    new DataView(liar.buffer).setUint32(central + 24, 0xf0000000, true);
    const err2 = await caught(() => readZip(liar, 'zip:liar.zip'));
    expect(err2.code).toBe('limit');
    expect(err2.message).toMatch(/"huge\.bin" is 3\.75 GiB unpacked; the limit for one file is 2 GiB \(2147483648 bytes\)/);
  });

  it('a truncated zip is a clear corrupt-archive error', async () => {
    const zip = writeZip(Object.entries(envelopeFiles('')).map(([name, data]) => ({ name, data })));
    const err = await caught(readSource(bytesSource(zip.subarray(0, zip.length - 30), 'cut.zip')));
    expect(err.code).toBe('corrupt-archive');
    expect(err.message).toMatch(/zip:cut\.zip: no end-of-central-directory record.*damaged or truncated/);
  });

  it('writeZip is deterministic and refuses duplicates', () => {
    const list = Object.entries(envelopeFiles('')).map(([name, data]) => ({ name, data }));
    expect(writeZip(list)).toEqual(writeZip(list));
    expect(() => writeZip([...list, list[0]!])).toThrow(/listed twice/);
  });
});

describe('tar carriers', () => {
  it('reads .tar and .tar.gz in all three writer styles', async () => {
    const files = envelopeFiles('x.jmix');
    for (const style of ['ustar', 'gnu', 'php'] as const) {
      const list = [{ name: 'x.jmix', type: 'directory' as const }, ...Object.entries(files).map(([name, data]) => ({ name, data }))];
      const tar = writeTar(list, style);
      const plain = await readSource(bytesSource(tar, 'e.tar'));
      expect(plain.kind).toBe('tar');
      expect(await readAll(plain.files)).toEqual(files);
      const gz = await readSource(bytesSource(gzipSync(tar), 'e.tar.gz'));
      expect(gz.kind).toBe('tar.gz');
      expect(gz.files[0]!.origin).toBe('tar:e.tar.gz');
      expect(await readAll(gz.files)).toEqual(files);
      expect(locateEnvelope(gz.files).root).toBe('x.jmix');
    }
  });

  it('skips symlinks and hard links with a warning, never following them', async () => {
    const tar = writeTar(
      [
        { name: 'manifest.json', data: enc.encode('{}') },
        { name: 'payload/link', data: new Uint8Array(0) },
        { name: 'payload/hard', data: new Uint8Array(0) },
      ],
      'ustar',
    );
    setType(tar, 512 * 2, '2', '/etc/passwd');
    setType(tar, 512 * 3, '1', 'manifest.json');
    const src = await readSource(bytesSource(tar, 'links.tar'));
    expect(src.files.map((f) => f.path)).toEqual(['manifest.json']);
    expect(src.problems.map((p) => [p.severity, p.message])).toEqual([
      ['warning', expect.stringMatching(/"payload\/link" is a symbolic link to "\/etc\/passwd"; links are never followed/)],
      ['warning', expect.stringMatching(/"payload\/hard" is a hard link to "manifest\.json"/)],
    ]);
  });

  it('reports duplicate names as an error and keeps the first copy', async () => {
    const tar = writeTar(
      [
        { name: 'manifest.json', data: enc.encode('first') },
        { name: './manifest.json', data: enc.encode('second') },
      ],
      'gnu',
    );
    const src = await readSource(bytesSource(tar, 'dup.tar'));
    expect(src.files).toHaveLength(1);
    expect(dec.decode(await src.files[0]!.bytes())).toBe('first');
    expect(src.problems).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/"manifest\.json" appears more than once/) }),
    ]);
  });

  it('refuses unsafe tar names', async () => {
    const tar = writeTar(
      [
        { name: 'manifest.json', data: enc.encode('{}') },
        { name: '../../.bashrc', data: enc.encode('x') },
      ],
      'ustar',
    );
    const err = await caught(readSource(bytesSource(tar, 'slip.tar')));
    expect(err.code).toBe('unsafe-path');
    expect(err.message).toMatch(/tar:slip\.tar: entry "\.\.\/\.\.\/\.bashrc" contains a "\.\." segment/);
  });

  it(`refuses more than ${MAX_ENTRIES} entries`, async () => {
    const tar = writeTar(
      Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ name: `f${i}` })),
      'php',
    );
    const err = await caught(readSource(bytesSource(tar, 'many.tar')));
    expect(err.code).toBe('limit');
    expect(err.message).toMatch(/more than 50,000 entries \(the limit is 50000\)/);
  });

  it("passes a damaged tar's problems through with what could be read", async () => {
    const tar = writeTar(
      Object.entries(envelopeFiles('')).map(([name, data]) => ({ name, data })),
      'ustar',
    );
    const src = await readSource(bytesSource(tar.subarray(0, tar.length - 1024 - 512), 'cut.tar'));
    expect(src.files.map((f) => f.path)).toContain('manifest.json');
    expect(src.problems.some((p) => p.severity === 'error' && /truncated/.test(p.message))).toBe(true);
  });
});

describe('not an archive', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['report.pdf', enc.encode('%PDF-1.4\n%âãÏÓ\n1 0 obj'), /starts with %PDF/],
    ['manifest.json', enc.encode('{\n  "id": "x"\n}'), /starts with \{ \(a JSON file/],
    [
      'image.dcm',
      (() => {
        const b = new Uint8Array(300);
        b.set(enc.encode('DICM'), 128);
        return b;
      })(),
      /DICM at byte 128 \(a single DICOM file\)/,
    ],
    ['study.7z', new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), /7-Zip archive, which is not supported/],
    ['mystery.bin', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /starts with the bytes 01 02 03 04 05 06 07 08/],
    ['empty.zip', new Uint8Array(0), /is empty \(0 bytes\)/],
  ];
  for (const [name, bytes, what] of cases) {
    it(`${name}: names the file, says what it looks like and what to drop instead`, async () => {
      const err = await caught(readSource(bytesSource(bytes, name)));
      expect(err.code).toBe('not-an-archive');
      expect(err.message).toContain(`"${name}"`);
      expect(err.message).toMatch(what);
      expect(err.message).toMatch(/Drop the envelope folder .* or its \.zip \/ \.tar\.gz/);
    });
  }

  it('a gzip that does not hold a tar says so', async () => {
    const err = await caught(readSource(bytesSource(gzipSync(enc.encode('%PDF-1.7 not a tar at all')), 'doc.pdf.gz')));
    expect(err.code).toBe('not-an-archive');
    expect(err.message).toMatch(/"doc\.pdf\.gz" .* gzip-compressed, but what is inside is not a tar archive \(it starts with %PDF/);
  });
});

describe('folders (files sources)', () => {
  it('normalises paths and refuses unsafe ones', async () => {
    const src = await readSource({
      kind: 'files',
      name: 'abc.JMIX',
      files: filesFromMap({ './abc.JMIX/manifest.json': enc.encode('{}'), 'abc.JMIX\\audit.json': enc.encode('{}') }),
    });
    expect(src.kind).toBe('folder');
    expect(src.name).toBe('abc.JMIX');
    expect(src.files.map((f) => f.path)).toEqual(['abc.JMIX/manifest.json', 'abc.JMIX/audit.json']);
    const err = await caught(readSource({ kind: 'files', files: filesFromMap({ '../manifest.json': enc.encode('{}') }) }));
    expect(err.code).toBe('unsafe-path');
  });

  it('fileFromBlob reads the blob once and reports its size up front', async () => {
    const data = content('blob', 1234);
    const f = fileFromBlob('payload/a.bin', new Blob([data as Uint8Array<ArrayBuffer>]), 'folder');
    expect(f.size).toBe(1234);
    expect(await f.bytes()).toEqual(data);
    expect(await f.bytes()).toBe(await f.bytes());
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readSource({ kind: 'files', files: [] }, controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
