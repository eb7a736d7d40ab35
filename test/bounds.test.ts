// Resource bounds (issue 11, class 5; issue 16's raw engine errors): inputs that declare huge counts
// open to the end, quickly, and name the limit they crossed. None may hang, exhaust memory or the
// stack, or show the engine's own words ("Maximum call stack size exceeded", "Invalid array length").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { el, writeDicomFile } from '../fixtures/dicom/writer.ts';
import { auditOfIntegers, framesDicom, signedWithFile } from '../fixtures/hostile/bounds.ts';
import { folder, HOSTILE_KEYS, packBase, replaceFile, reseal, text, toEnvelopeSource } from '../fixtures/hostile/index.ts';
import { type PackedEnvelope } from '../fixtures/envelopes/pack.ts';
import { writeFolder } from '../fixtures/envelopes/pack-node.ts';
import { parseDicomHeader } from '../src/dicom/header.ts';
import { indexDicom } from '../src/dicom/index.ts';
import { main } from '../src/cli/main.ts';
import { EnvelopeError, openEnvelope, type OpenResult } from '../src/jmix/index.ts';
import { readJson } from '../src/jmix/json.ts';
import { MAX_AUDIT_ENTRIES, MAX_FRAMES_PER_INSTANCE, MAX_RECEIVERS, MAX_TOTAL_FRAMES } from '../src/jmix/limits.ts';
import type { PayloadFile } from '../src/jmix/types.ts';

const RAW_ENGINE_ERRORS = /Maximum call stack size exceeded|Invalid array length|cannot be cloned|out of memory/i;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmix-bounds-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(env: PackedEnvelope, files = env.files): Promise<OpenResult> {
  return openEnvelope(toEnvelopeSource(folder(env, files)));
}

const check = (r: OpenResult, id: string) => r.report.checks.find((c) => c.id === id)!;

/** The CLI's verify on the envelope, as a folder on disk: exit code and everything it said. */
async function verifyCli(env: PackedEnvelope, files = env.files) {
  const path = await writeFolder({ ...env, files }, mkdtempSync(join(dir, 'env-')));
  const said: string[] = [];
  const code = await main(['verify', path], { log: (s) => said.push(s), error: (s) => said.push(s) });
  return { code, said: said.join('\n') };
}

describe('DICOM frames', () => {
  const signed = signedWithFile;
  const LIMIT_MESSAGE =
    /NumberOfFrames \(0028,0008\) is 999,999,999, over the limit of 100,000 frames in one image, so the file was not read as an image/;

  it('NumberOfFrames 999,999,999 is a DICOM problem for that file, and the open completes at once', async () => {
    expect(MAX_FRAMES_PER_INSTANCE).toBe(100_000);
    const started = Date.now();
    const r = await open(await signed('dicom/bounds/billion.dcm', framesDicom('999999999')));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.dicom!.nonDicom).toEqual([{ path: 'dicom/bounds/billion.dcm', reason: expect.stringMatching(LIMIT_MESSAGE) }]);
    expect(r.report.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'payload/dicom/bounds/billion.dcm',
        message: expect.stringMatching(LIMIT_MESSAGE),
      }),
    );
    expect(check(r, 'dicom').status).toBe('warn');
    expect(check(r, 'dicom').detail).toMatch(LIMIT_MESSAGE);
    // The rest of the study is still there.
    expect(r.dicom!.studies.flatMap((s) => s.series).length).toBe(3);
  });

  it('the header parser refuses the count as a limit, whatever the digits say', () => {
    for (const frames of ['999999999', '100001', '99999999999999999999999']) {
      const h = parseDicomHeader(framesDicom(frames), 'x.dcm');
      expect(h, frames).toMatchObject({
        ok: false,
        kind: 'limit',
        reason: expect.stringMatching(/^NumberOfFrames \(0028,0008\) is [\d,]+, over the limit of 100,000/),
      });
    }
    expect(parseDicomHeader(framesDicom('100000', 16 * 100_000), 'x.dcm')).toMatchObject({ ok: true, instance: { frameCount: 100_000 } });
  });

  it('never lists more frames than the pixel data holds', async () => {
    const r = await open(await signed('dicom/bounds/short.dcm', framesDicom('50000', 32, '2.25.8184')));
    const series = r.dicom!.studies.flatMap((s) => s.series).find((s) => s.instances.some((i) => i.path === 'dicom/bounds/short.dcm'))!;
    expect(series.instances[0]!.frameCount).toBe(2);
    expect(series.frames.map((f) => f.frame)).toEqual([0, 1]);
    expect(r.report.problems).toContainEqual(
      expect.objectContaining({
        file: 'payload/dicom/bounds/short.dcm',
        message: expect.stringMatching(
          /^NumberOfFrames \(0028,0008\) is 50,000 but Pixel Data holds only 2 whole frame\(s\); 2 frame\(s\) are listed/,
        ),
      }),
    );
    expect(check(r, 'dicom').status).toBe('warn');
  });

  it('stops listing frames at the limit for the whole payload', async () => {
    // 1×1-pixel images of 100,000 real frames each (100 kB apiece): the eleventh crosses 1,000,000.
    const image = (i: number) =>
      writeDicomFile({
        sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
        sopInstanceUid: `2.25.7000${i}`,
        elements: [
          el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
          el(0x00080018, 'UI', `2.25.7000${i}`),
          el(0x0020000d, 'UI', '2.25.7001'),
          el(0x0020000e, 'UI', '2.25.7002'),
          el(0x00200013, 'IS', i + 1),
          el(0x00280002, 'US', 1),
          el(0x00280008, 'IS', MAX_FRAMES_PER_INSTANCE),
          el(0x00280010, 'US', 1),
          el(0x00280011, 'US', 1),
          el(0x00280100, 'US', 8),
          el(0x7fe00010, 'OB', new Uint8Array(MAX_FRAMES_PER_INSTANCE)),
        ],
      });
    const files: PayloadFile[] = Array.from({ length: 11 }, (_, i) => {
      const bytes = image(i);
      return { path: `dicom/cine${i}.dcm`, size: bytes.length, bytes: async () => bytes };
    });
    const index = await indexDicom(files);
    const frames = index.studies.flatMap((s) => s.series).reduce((n, s) => n + s.frames.length, 0);
    expect(frames).toBe(MAX_TOTAL_FRAMES);
    expect(index.nonDicom).toEqual([
      {
        path: 'dicom/cine10.dcm',
        reason:
          "not indexed: with its 100,000 frame(s) the payload's images would hold more than 1,000,000 frames, the most this viewer lists in one envelope",
      },
    ]);
    expect(index.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'payload/dicom/cine10.dcm',
        message: expect.stringMatching(/^Skipped: not indexed: .*1,000,000 frames/),
      }),
    );
  });

  it('the CLI reports the frame limit and exits 0 (warn) instead of hanging', async () => {
    const { code, said } = await verifyCli(await signed('dicom/bounds/billion.dcm', framesDicom('999999999')));
    expect(code).toBe(0);
    expect(said).toMatch(/^WARN: /);
    expect(said).toMatch(LIMIT_MESSAGE);
  });
});

describe('audit entries', () => {
  let spec: PackedEnvelope;
  beforeAll(async () => {
    spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  });
  const AUDIT_LIMIT =
    /audit\.json lists 1,000,000 audit entries, over the limit of 1,000\. A real audit trail has a few events per hand-over; this one was not read/;

  it('10^6 entries (2 MB of JSON; this overflowed the stack) open with the audit check naming the limit', async () => {
    expect(MAX_AUDIT_ENTRIES).toBe(1_000);
    const r = await open(spec, replaceFile(spec.files, 'audit.json', auditOfIntegers(1_000_000)));
    const audit = check(r, 'audit');
    expect(audit.status).toBe('warn');
    expect(audit.title).toMatch(/audit\.json is damaged/);
    expect(audit.detail).toMatch(AUDIT_LIMIT);
    expect(r.envelope.audit).toEqual([]);
    expect(check(r, 'payload-hash').status).toBe('pass');
  });

  it('through the CLI: the limit, never the engine error', async () => {
    const { code, said } = await verifyCli(spec, replaceFile(spec.files, 'audit.json', auditOfIntegers(1_000_000)));
    expect(code).toBe(0);
    expect(said).toMatch(AUDIT_LIMIT);
    expect(said).not.toMatch(RAW_ENGINE_ERRORS);
  });

  it('at the limit the trail is read, and 1,000 broken entries are one finding, not 1,000 lines', async () => {
    const r = await open(spec, replaceFile(spec.files, 'audit.json', auditOfIntegers(MAX_AUDIT_ENTRIES)));
    const skipped = r.report.problems.filter((p) => p.file === 'audit.json' && /not an object|more audit entries/.test(p.message));
    expect(skipped).toHaveLength(21);
    expect(skipped[20]!.message).toBe(
      '980 more audit entries that are not objects were skipped (only the first 20 are listed one by one).',
    );
    expect(check(r, 'audit').status).toBe('warn');
  });
});

describe('receivers', () => {
  let spec: PackedEnvelope;
  beforeAll(async () => {
    spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  });
  const receivers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Clinic ${i + 1}`, id: `org:clinic-${i + 1}` }));

  it(`more than ${MAX_RECEIVERS} receivers is unusable input, with the limit named`, async () => {
    const files = await reseal(spec, { manifest: (m) => (m.receiver = receivers(5_000)) });
    const err = await open(spec, files).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnvelopeError);
    expect((err as EnvelopeError).code).toBe('bad-manifest');
    expect((err as EnvelopeError).message).toBe(
      'manifest.json lists 5,000 receivers, over the limit of 100. An envelope goes to one recipient or a few, and each receiver is checked on its own: this manifest is crafted or damaged, so the envelope was not opened. Ask the sender for a fresh copy.',
    );
    const { code, said } = await verifyCli(spec, files);
    expect(code).toBe(2);
    expect(said).toMatch(/: manifest\.json lists 5,000 receivers, over the limit of 100\./);
  });

  it(`exactly ${MAX_RECEIVERS} receivers open`, async () => {
    const r = await open(spec, await reseal(spec, { manifest: (m) => (m.receiver = receivers(MAX_RECEIVERS)) }));
    expect(r.envelope.manifest.receivers).toHaveLength(MAX_RECEIVERS);
  });
});

describe('files.json entries', () => {
  it('more entries than an envelope may hold: files.json is not read, and the check says why', async () => {
    const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
    const list = text(JSON.stringify(new Array(50_001).fill({ file: 'x' })));
    const r = await open(spec, await reseal(spec, { payload: (p) => replaceFile(p, 'files.json', list) }));
    const files = check(r, 'files-json');
    expect(files.status).toBe('warn');
    expect(files.detail).toMatch(
      /payload\/files\.json lists 50,001 files, over the limit of 50,000 \(the most entries an envelope may hold\)\. It was not read/,
    );
  });
});

describe('JSON nesting', () => {
  it('is measured by a loop, so 10^6 levels are refused without touching the stack', () => {
    const deep = text(`{"audit": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
    const r = readJson(deep, 'audit.json');
    expect(r).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({
          message: 'audit.json nests 1000001 levels deep, over the limit of 64. No JMIX file needs that; it was not read.',
        }),
      ],
    });
    // Brackets inside strings are text, not nesting.
    expect(readJson(text(`{"a": "${'['.repeat(1_000_000)}"}`), 'audit.json').ok).toBe(true);
  });
});

describe('engine errors no limit caught', () => {
  it('the CLI explains them instead of printing the engine words alone', async () => {
    vi.resetModules();
    vi.doMock('../src/jmix/index.ts', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/jmix/index.ts')>()),
      openEnvelope: async () => {
        throw new RangeError('Invalid array length');
      },
    }));
    try {
      const { main: mockedMain } = await import('../src/cli/main.ts');
      const said: string[] = [];
      const path = await writeFolder(await packBase('spec'), mkdtempSync(join(dir, 'env-')));
      expect(await mockedMain(['verify', path], { log: (s) => said.push(s), error: (s) => said.push(s) })).toBe(2);
      expect(said.join('\n')).toMatch(
        /: it is larger or built more deeply than this viewer can hold, and no limit caught it first \(the JavaScript engine said: Invalid array length\)\. The envelope is crafted or damaged/,
      );
    } finally {
      vi.doUnmock('../src/jmix/index.ts');
      vi.resetModules();
    }
  });
});

describe('input-sized lists never reach the stack', () => {
  it('200,000 custom tags that are not strings: each schema difference is kept, and the open completes', async () => {
    const env = await packBase('spec');
    const m = JSON.parse(new TextDecoder().decode(env.files.find((f) => f.path === 'manifest.json')!.bytes)) as Record<string, any>;
    m.extensions.custom_tags = Array.from({ length: 200_000 }, (_, i) => i);
    const r = await open(env, replaceFile(env.files, 'manifest.json', text(JSON.stringify(m))));
    expect(check(r, 'schema').status).toBe('warn');
    expect(r.report.problems.length).toBeGreaterThan(1000);
    expect(JSON.stringify(r.report.checks)).not.toMatch(RAW_ENGINE_ERRORS);
  });
});
