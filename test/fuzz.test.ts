// Fuzzing the readers that see untrusted bytes first (issue #6): zip, tar, JSON, DICOM header and the
// whole pipeline. Arbitrary and mutated-valid inputs may only ever produce an EnvelopeError or a
// { ok: false } result. Fixed seed and bounded runs, so CI is deterministic and fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDicomHeader } from '../src/dicom/header.ts';
import { readTar } from '../src/jmix/archive/tar.ts';
import { writeTar } from '../src/jmix/archive/tar-write.ts';
import { readZip } from '../src/jmix/archive/zip.ts';
import { writeZip } from '../src/jmix/archive/zip-write.ts';
import { EnvelopeError, openEnvelope } from '../src/jmix/index.ts';
import { readJson } from '../src/jmix/json.ts';
import { payloadFilesFromTar } from '../src/jmix/payload-tar.ts';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip, toTarGz } from '../fixtures/envelopes/pack.ts';

const SEED = 0x6a6d6978; // "jmix"
const RUNS = 300;
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Runs fn; anything thrown must be an EnvelopeError. */
async function onlyEnvelopeErrors(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof EnvelopeError)) throw new Error(`threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
    expect(e.message.length).toBeGreaterThan(20);
  }
}

/** A valid input with a few bytes overwritten, a slice cut out, or truncated: the classic mutations. */
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = valid.length;
  const flips = fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
    const b = valid.slice();
    for (const [at, v] of edits) b[at] = v;
    return b;
  });
  const truncated = fc.nat(n).map((cut) => valid.slice(0, cut));
  const hole = fc
    .tuple(fc.nat(n), fc.integer({ min: 1, max: 600 }))
    .map(([at, len]) => new Uint8Array([...valid.subarray(0, at), ...valid.subarray(at + len)]));
  // Overwrite a little-endian 32-bit field with an extreme value (sizes, offsets, counts).
  const field = fc.tuple(fc.nat(Math.max(0, n - 4)), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0xfffffff0, 65535)).map(([at, v]) => {
    const b = valid.slice();
    new DataView(b.buffer).setUint32(at, v >>> 0, true);
    return b;
  });
  return fc.oneof(flips, truncated, hole, field);
}

const arbitraryBytes = fc.uint8Array({ maxLength: 4096 });
const enc = new TextEncoder();

const study = syntheticStudy({ seed: 3, ctSlices: 1, ctSize: 8, mrSlices: 1, mrSize: 8, usFrames: 1 });
const validZip = writeZip([
  { name: 'env/manifest.json', data: enc.encode('{"id":"x"}') },
  { name: 'env/payload/a.dcm', data: study.files[0]!.bytes },
  { name: 'env/payload/b.txt', data: enc.encode('hello '.repeat(50)) },
]);
const validTar = writeTar(
  [
    { name: 'env/', type: 'directory' },
    { name: 'env/manifest.json', data: enc.encode('{"id":"x"}') },
    { name: `env/payload/${'long-name-'.repeat(12)}.dcm`, data: study.files[1]!.bytes },
  ],
  'ustar',
);
const validGnuTar = writeTar(
  [
    { name: `./${'g'.repeat(120)}`, data: enc.encode('x') },
    { name: './b', data: enc.encode('y') },
  ],
  'gnu',
);
const validJson = enc.encode(
  JSON.stringify(
    {
      version: '1.0',
      id: 'x',
      sender: { name: 'a', assertion: { signed_fields: ['a'] } },
      receiver: [{ id: 'r' }],
      security: { payload_hash: 'sha256:00' },
    },
    null,
    2,
  ),
);

describe('fuzz: zip reader', () => {
  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryBytes, (b) => onlyEnvelopeErrors(() => readZip(b, 'zip:fuzz.zip'))),
      params(),
    );
  });
  it('mutated valid zip', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(validZip), (b) => onlyEnvelopeErrors(() => readZip(b, 'zip:fuzz.zip'))),
      params(),
    );
  });
});

describe('fuzz: tar reader', () => {
  // readTar reports damage as problems and never throws; payloadFilesFromTar may add EnvelopeErrors.
  it('arbitrary bytes (as 512-byte blocks)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3 * 512 }), async (b) => {
        const r = readTar(b, 'tar:fuzz');
        expect(Array.isArray(r.entries)).toBe(true);
        await onlyEnvelopeErrors(() => payloadFilesFromTar(b, 'payload.encrypted'));
      }),
      params(),
    );
  });
  it('mutated valid ustar and GNU tars', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(validTar), mutated(validGnuTar)), async (b) => {
        const r = readTar(b, 'tar:fuzz');
        for (const e of r.entries) expect(e.data.length).toBeLessThanOrEqual(b.length);
        await onlyEnvelopeErrors(() => payloadFilesFromTar(b, 'payload.encrypted'));
      }),
      params(),
    );
  });
});

describe('fuzz: JSON reader', () => {
  it('arbitrary bytes and arbitrary JSON text', async () => {
    const jsonText = fc.json({ maxDepth: 6 }).map((s) => enc.encode(s));
    await fc.assert(
      fc.property(fc.oneof(arbitraryBytes, jsonText, mutated(validJson)), (b) => {
        const r = readJson(b, 'manifest.json');
        if (!r.ok) expect(r.problems[0]!.message).toMatch(/manifest\.json/);
      }),
      params(),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fuzz: DICOM header reader', () => {
  it('never throws, on arbitrary and mutated files', async () => {
    await fc.assert(
      fc.property(fc.oneof(arbitraryBytes, mutated(study.files[0]!.bytes), mutated(study.files[study.files.length - 1]!.bytes)), (b) => {
        const r = parseDicomHeader(b, 'fuzz.dcm');
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
      }),
      params(),
    );
  });
});

describe('fuzz: openEnvelope from bytes', () => {
  it('mutated zip and tar.gz envelopes end in an EnvelopeError or a verdict, never anything else', async () => {
    const env = await packEnvelope({
      dialect: 'spec',
      payloadFiles: study.files.slice(0, 2).map((f) => ({ path: f.path, bytes: f.bytes })),
      id: '00000000-0000-4000-8000-000000000000',
      timestamp: '2025-01-01T00:00:00Z',
    });
    const zip = toZip(env, 'wrapped');
    const tgz = toTarGz(env, 'wrapped');
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(zip), mutated(tgz), arbitraryBytes), async (b) => {
        await onlyEnvelopeErrors(async () => {
          const r = await openEnvelope({ kind: 'bytes', bytes: b, name: 'fuzz.zip' });
          // Whatever opened: a damaged envelope is never "Genuine and complete" (this one is unsigned).
          expect(r.report.verdict).not.toBe('pass');
        });
      }),
      params(200),
    );
  });
});
