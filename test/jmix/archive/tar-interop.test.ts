// Tar archives made by real tools (GNU tar, Python tarfile), read by our reader; skipped, and
// said so, where the tool is not installed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar } from '../../../src/jmix/archive/tar.ts';
import { payloadFilesFromTar } from '../../../src/jmix/payload-tar.ts';
import { patternedBytes } from '../../helpers/tar.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
const content = (name: string, length = 700) => patternedBytes(name, length, 31);

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
