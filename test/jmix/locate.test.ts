// Finding the envelope root: the shallowest manifest.json, ties, no manifest, and junk.
import { describe, expect, it } from 'vitest';
import { filesFromMap } from '../../src/jmix/sources.ts';
import { locateEnvelope } from '../../src/jmix/locate.ts';
import { caught } from '../helpers/carriers.ts';

const enc = new TextEncoder();

describe('locateEnvelope', () => {
  const files = (paths: string[]) => filesFromMap(Object.fromEntries(paths.map((p) => [p, enc.encode(p)])), 'folder');

  it('uses the shallowest manifest.json; deeper ones stay as payload files', () => {
    const located = locateEnvelope(
      files(['x.JMIX/manifest.json', 'x.JMIX/payload/files/manifest.json', 'x.JMIX/audit.json', 'other/deeper/manifest.json']),
    );
    expect(located.root).toBe('x.JMIX');
    expect([...located.files.keys()].sort()).toEqual(['audit.json', 'manifest.json', 'payload/files/manifest.json']);
    expect(located.ignored).toEqual(['other/deeper/manifest.json']);
  });

  it('a tie at the same depth is ambiguous and names the candidates', async () => {
    const err = await caught(() => locateEnvelope(files(['a.JMIX/manifest.json', 'b.jmix/manifest.json', 'c/d/manifest.json'])));
    expect(err.code).toBe('ambiguous');
    expect(err.message).toMatch(/2 manifest\.json files at the same depth \("a\.JMIX\/manifest\.json", "b\.jmix\/manifest\.json"\)/);
  });

  it('no manifest lists up to 10 top-level names and explains the layout', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `n${String(i).padStart(2, '0')}/x.dcm`);
    const err = await caught(() => locateEnvelope(files([...names, 'notes.txt'])));
    expect(err.code).toBe('no-manifest');
    expect(err.message).toContain('"n00/", "n01/"');
    expect(err.message).toContain('and 3 more');
    expect(err.message).not.toContain('n11/');
    expect(err.message).toMatch(/manifest\.json at its root/);
  });

  it('ignores junk (and a manifest under __MACOSX), warning when junk sits in payload/', () => {
    const located = locateEnvelope(
      files([
        '__MACOSX/e.JMIX/manifest.json',
        '__MACOSX/e.JMIX/._manifest.json',
        'e.JMIX/manifest.json',
        'e.JMIX/.DS_Store',
        'e.JMIX/payload/.DS_Store',
        'e.JMIX/payload/dicom/Thumbs.db',
        'e.JMIX/payload/dicom/a.dcm',
        'e.JMIX/README.md',
        'e.JMIX/payload/README.md',
      ]),
    );
    expect(located.root).toBe('e.JMIX');
    expect([...located.files.keys()].sort()).toEqual(['manifest.json', 'payload/README.md', 'payload/dicom/a.dcm']);
    expect(located.ignored.sort()).toEqual([
      '__MACOSX/e.JMIX/._manifest.json',
      '__MACOSX/e.JMIX/manifest.json',
      'e.JMIX/.DS_Store',
      'e.JMIX/README.md',
      'e.JMIX/payload/.DS_Store',
      'e.JMIX/payload/dicom/Thumbs.db',
    ]);
    expect(located.problems.map((p) => [p.severity, p.file])).toEqual([
      ['warning', 'e.JMIX/payload/.DS_Store'],
      ['warning', 'e.JMIX/payload/dicom/Thumbs.db'],
    ]);
    expect(located.problems[0]!.message).toMatch(/payload hash will not match/);
  });
});
