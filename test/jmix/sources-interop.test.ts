// Carriers made by other tools: GNU tar of a real folder (skipped, and said so, without tar) and the
// published jmix-js zip and tar.gz vectors (skipped without ../shared).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource } from '../../src/jmix/sources.ts';
import { locateEnvelope } from '../../src/jmix/locate.ts';
import { sharedPath, describeWithShared } from '../shared.ts';
import { bytesSource, envelopeFiles, readAll } from '../helpers/carriers.ts';

const dec = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// GNU tar of a real folder tree, wrapped and './'-rooted.

const work = mkdtempSync(join(tmpdir(), 'jmix-src-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let haveTar = true;
try {
  execFileSync('tar', ['--version'], { stdio: 'ignore' });
} catch {
  haveTar = false;
  console.warn('[skip] tar is not installed: the GNU tar carrier tests are skipped.');
}

describe.skipIf(!haveTar)('carriers made by GNU tar', () => {
  it('tar czf of a wrapper folder, and tar cf of "." (./ names)', async () => {
    const files = envelopeFiles('');
    const root = join(work, 'e1.jmix');
    for (const [p, d] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), d);
    }
    execFileSync('tar', ['-czf', join(work, 'w.tar.gz'), '-C', work, 'e1.jmix']);
    execFileSync('tar', ['--format=gnu', '-cf', join(work, 'dot.tar'), '-C', root, '.']);
    const wrapped = await readSource(bytesSource(new Uint8Array(readFileSync(join(work, 'w.tar.gz'))), 'w.tar.gz'));
    expect(wrapped.kind).toBe('tar.gz');
    expect(await readAll(locateEnvelope(wrapped.files).files.values()).then((m) => Object.keys(m).length)).toBe(4);
    expect(locateEnvelope(wrapped.files).root).toBe('e1.jmix');
    const dot = await readSource(bytesSource(new Uint8Array(readFileSync(join(work, 'dot.tar'))), 'dot.tar'));
    const located = locateEnvelope(dot.files);
    expect(located.root).toBe('');
    expect(await readAll(located.files.values())).toEqual(files);
  });

  it('a v7 tar (no ustar magic) is sniffed by its header checksum', async () => {
    writeFileSync(join(work, 'manifest.json'), '{}');
    execFileSync('tar', ['--format=v7', '-cf', join(work, 'v7.tar'), '-C', work, 'manifest.json']);
    const src = await readSource(bytesSource(new Uint8Array(readFileSync(join(work, 'v7.tar'))), 'v7.tar'));
    expect(src.kind).toBe('tar');
    expect(src.files.map((f) => f.path)).toEqual(['manifest.json']);
  });
});

// ---------------------------------------------------------------------------------------------
// Published jmix-js vectors.

describeWithShared(['jmix', 'vectors', 'jmix-js'], 'jmix-js zip and tar.gz vectors', () => {
  const v = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-js', ...p);
  const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
  const plainId: string = expected.plaintext.envelope_id;
  const encId: string = expected.encrypted.envelope_id;
  const cases: [string, string, string, 'zip' | 'tar.gz'][] = [
    ['zip/plaintext.root.zip', plainId, '', 'zip'],
    ['zip/plaintext.wrapped.zip', plainId, `${plainId}.JMIX`, 'zip'],
    ['zip/encrypted.root.zip', encId, '', 'zip'],
    ['zip/encrypted.wrapped.zip', encId, `${encId}.JMIX`, 'zip'],
    ['zip/corrupted-plaintext-dicom-byteflip.root.zip', plainId, '', 'zip'],
    ['tar/plaintext.wrapped.tar.gz', plainId, `${plainId}.JMIX`, 'tar.gz'],
  ];
  for (const [file, id, root, kind] of cases) {
    it(`${file}: root "${root}", manifest id ${id.slice(0, 8)}…`, async () => {
      const src = await readSource(bytesSource(new Uint8Array(readFileSync(v(file))), file.split('/').pop()!));
      expect(src.kind).toBe(kind);
      expect(src.problems).toEqual([]);
      const located = locateEnvelope(src.files);
      expect(located.root).toBe(root);
      expect(located.ignored).toEqual([]);
      const manifest = JSON.parse(dec.decode(await located.files.get('manifest.json')!.bytes()));
      expect(manifest.envelope_id).toBe(id);
      const payload = [...located.files.keys()].filter((k) => k.startsWith('payload/'));
      if (id === plainId) {
        expect(payload).toHaveLength(16);
        const onDisk = new Uint8Array(readFileSync(v(expected.plaintext.dir, 'payload', 'metadata.json')));
        expect(await located.files.get('payload/metadata.json')!.bytes()).toEqual(onDisk);
      } else {
        expect([...located.files.keys()].sort()).toEqual(['audit.json', 'manifest.json', 'payload.encrypted']);
        expect(located.files.get('payload.encrypted')!.size).toBe(expected.encrypted.ciphertext_bytes);
      }
    });
  }

  it('the byte-flipped DICOM survives the carrier (the zip CRC is of the flipped file)', async () => {
    const src = await readSource(bytesSource(new Uint8Array(readFileSync(v('zip/corrupted-plaintext-dicom-byteflip.root.zip'))), 'c.zip'));
    const flip = expected.corrupted.plaintext_dicom_byteflip.flipped;
    const rel = (flip.file as string).split('.JMIX/')[1]!;
    const bytes = await src.files.find((f) => f.path === rel)!.bytes();
    expect(bytes[flip.offset]).toBe(flip.after);
  });
});
