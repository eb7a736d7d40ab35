// Entry paths: normalised, refused when they could escape, and OS junk recognised.
import { describe, expect, it } from 'vitest';
import { isIgnoredJunk, normaliseEntryPath } from '../../src/jmix/paths.ts';

describe('normaliseEntryPath', () => {
  it('normalises separators, ./ and empty segments', () => {
    expect(normaliseEntryPath('./payload//dicom/./a.dcm')).toEqual({ path: 'payload/dicom/a.dcm' });
    expect(normaliseEntryPath('payload\\dicom\\a.dcm')).toEqual({ path: 'payload/dicom/a.dcm' });
    expect(normaliseEntryPath('payload/dicom/')).toEqual({ path: 'payload/dicom' });
    expect(normaliseEntryPath('a/..b/c..')).toEqual({ path: 'a/..b/c..' }); // dots inside names are fine
  });

  it('rejects escapes, absolute paths, drive letters, control characters and empty names', () => {
    const bad: [string, RegExp][] = [
      ['../x', /zip slip/],
      ['a/../../x', /zip slip/],
      ['a\\..\\..\\x', /zip slip/],
      ['/etc/passwd', /absolute/],
      ['\\\\server\\share\\x', /absolute/],
      ['C:\\x', /drive letter/],
      ['C:/x', /drive letter/],
      ['c:x', /drive letter/],
      ['a\u0000b', /U\+0000/],
      ['a\nb', /U\+000A/],
      ['./', /empty/],
    ];
    for (const [raw, why] of bad) {
      const r = normaliseEntryPath(raw);
      expect('error' in r, raw).toBe(true);
      if ('error' in r) expect(r.error).toMatch(why);
    }
  });

  it('recognises OS junk', () => {
    for (const junk of [
      '__MACOSX/x/._a',
      '.DS_Store',
      'payload/.DS_Store',
      'payload/Thumbs.db',
      'desktop.ini',
      'payload/dicom/._CT.1.dcm',
    ]) {
      expect(isIgnoredJunk(junk), junk).toBe(true);
    }
    for (const ok of ['payload/dicom/CT.1.dcm', 'manifest.json', 'MACOSX/a', 'payload/.hidden']) expect(isIgnoredJunk(ok), ok).toBe(false);
  });
});
