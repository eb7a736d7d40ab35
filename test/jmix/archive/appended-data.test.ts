// Issue 11, class 3: a second gzip member and data after the tar end blocks are not refused
// outright but fail the structure check.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftTar, tarFiles, text } from '../../../fixtures/hostile/index.ts';
import { gunzipLimited } from '../../../src/jmix/archive/gzip.ts';
import { readTar } from '../../../src/jmix/archive/tar.ts';
import { writeTar } from '../../../src/jmix/archive/tar-write.ts';
import { structureCheck } from '../../../src/jmix/checks/structure.ts';
import { payloadFilesFromTar } from '../../../src/jmix/payload-tar.ts';
import { root, files, concat, open, tarSource } from '../../helpers/one-reading.ts';

// ---------------------------------------------------------------------------------------------

describe('a second gzip member, data after the tar end blocks: the structure check fails', () => {
  const genuineTar = craftTar(tarFiles(files)).bytes;
  const forgedTar = craftTar([{ file: { path: `${root}/manifest.json`, bytes: text('{"id":"forged"}') } }]).bytes;

  it('gunzipLimited marks a second member fatal; one member is not', () => {
    const two = gunzipLimited(concat(gzipSync(text('a'.repeat(40))), gzipSync(text('b'.repeat(40)))), 'tar:t.tar.gz');
    expect(two.problems).toEqual([
      expect.objectContaining({
        fatal: true,
        message: expect.stringMatching(/^tar:t\.tar\.gz: the gzip file holds 2 compressed streams one after another/),
      }),
    ]);
    expect(gunzipLimited(gzipSync(text('a'.repeat(40))), 'x').problems).toEqual([]);
  });

  it('readTar marks non-zero data after the end blocks fatal; zero padding (GNU records) is fine', () => {
    const appended = readTar(concat(genuineTar, forgedTar), 'tar:t.tar');
    expect(appended.entries).toHaveLength(files.length);
    expect(appended.problems).toEqual([
      expect.objectContaining({
        fatal: true,
        message: expect.stringMatching(
          /^tar:t\.tar: data follows the end-of-archive blocks \(non-zero bytes at byte offset \d+, after entry ".*"\), e\.g\. a second archive appended/,
        ),
      }),
    ]);
    expect(readTar(concat(genuineTar, new Uint8Array(8192)), 't').problems).toEqual([]);
    expect(readTar(writeTar([{ name: 'a', data: text('a') }], 'gnu'), 't').problems).toEqual([]);
    // A lone zero block, then a header: tar --ignore-zeros reads on.
    expect(readTar(concat(craftTar(tarFiles(files), { end: false }).bytes, new Uint8Array(512), forgedTar), 't').problems[0]).toMatchObject(
      { fatal: true },
    );
  });

  it.each([
    [
      'a second gzip member',
      () => tarSource(concat(gzipSync(genuineTar), gzipSync(forgedTar)), 't.tar.gz'),
      /the gzip file holds 2 compressed streams/,
    ],
    ['a tar appended to a tar', () => tarSource(concat(genuineTar, forgedTar)), /data follows the end-of-archive blocks/],
    [
      'a tar appended inside one gzip stream',
      () => tarSource(gzipSync(concat(genuineTar, forgedTar)), 't.tar.gz'),
      /data follows the end-of-archive blocks/,
    ],
  ] as const)('%s: verdict fail on structure, never silently dropped', async (_how, source, message) => {
    const r = await open(source());
    const structure = r.report.checks.find((c) => c.id === 'structure')!;
    expect(structure.status).toBe('fail');
    expect(structure.title).toBe('The archive can be read more than one way');
    expect(structure.detail).toMatch(message);
    expect(r.report.verdict).toBe('fail');
  });

  it('structureCheck fails on a fatal problem and only warns on others', () => {
    const facts = {
      manifestId: 'x',
      hasAudit: true,
      encrypted: false,
      ciphertextName: null,
      hasEncryptionBlock: false,
      plainCount: 1,
      ignored: [],
    };
    const problem = { severity: 'error' as const, file: 'tar:t', pointer: '', message: 'tar:t: something.' };
    expect(structureCheck({ ...facts, problems: [problem] }).status).toBe('warn');
    expect(structureCheck({ ...facts, problems: [{ ...problem, fatal: true }] }).status).toBe('fail');
  });

  it('the payload tar: data after its end blocks is a fatal problem', () => {
    const r = payloadFilesFromTar(
      concat(writeTar([{ name: 'a.dcm', data: text('a') }], 'php'), writeTar([{ name: 'b.dcm', data: text('b') }], 'php')),
      'payload.encrypted',
    );
    expect([...r.files.keys()]).toEqual(['a.dcm']);
    expect(r.problems).toEqual([
      expect.objectContaining({
        fatal: true,
        message: expect.stringMatching(/payload\.encrypted: data follows the end-of-archive blocks/),
      }),
    ]);
  });
});
