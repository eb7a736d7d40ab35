// The trust model (issue 11): "Genuine and complete" only when the payload hash matches and a
// signature over the manifest holding it verifies under a key the user trusts; every payload file
// shown is covered by a check or listed as not covered.
import { describe, expect, it } from 'vitest';
import { packEnvelope } from '../fixtures/envelopes/pack.ts';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { coverageOf } from '../src/jmix/checks/coverage.ts';
import { originCheck } from '../src/jmix/checks/signatures.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint } from '../src/jmix/crypto/ed25519.ts';
import { openEnvelope, type OpenOptions } from '../src/jmix/index.ts';
import type { Check, CheckId, CheckStatus, Coverage, EnvelopeSource, PayloadFile } from '../src/jmix/types.ts';
import { decideVerdict } from '../src/jmix/verdict.ts';

const seed = (mul: number, add: number) => new Uint8Array(32).map((_, i) => (i * mul + add) & 0xff);
const senderSeed = seed(7, 3);
const otherSeed = seed(11, 200);
const pub = (s: Uint8Array) => bytesToBase64(ed25519PublicKey(s));
const study = syntheticStudy({ seed: 5, ctSlices: 2, ctSize: 16, mrSlices: 1, mrSize: 16, usFrames: 1 });

const check = (id: CheckId, status: CheckStatus, data?: Record<string, unknown>): Check => ({
  id,
  status,
  title: `${id} ${status}`,
  detail: '',
  ...(data ? { data } : {}),
});
const noCoverageGap: Coverage = { payloadRecipe: 'recipe-b', uncoveredFiles: [], manifest: 'signed', audit: 'not-covered' };

async function open(env: Awaited<ReturnType<typeof packEnvelope>>, options: OpenOptions = {}) {
  const source: EnvelopeSource = {
    kind: 'files',
    name: env.rootName,
    files: env.files.map((f) => ({
      path: `${env.rootName}/${f.path}`,
      size: f.bytes.length,
      origin: 'folder',
      bytes: async () => f.bytes,
    })),
  };
  return openEnvelope(source, options);
}
const status = (r: Awaited<ReturnType<typeof open>>, id: string) => r.report.checks.find((c) => c.id === id)?.status;

describe('decideVerdict', () => {
  const verifiedBy = { label: 'k', fingerprint: 'SHA256:' + 'a'.repeat(64), publicKey: 'x', trusted: true };
  it('passes only with a matching payload hash and a trusted origin, and nothing else in doubt', () => {
    const good = [
      check('payload-hash', 'pass'),
      check('manifest-jws', 'pass', { verifiedBy }),
      check('origin', 'pass', { kind: 'trusted' }),
    ];
    expect(decideVerdict(good, noCoverageGap).verdict).toBe('pass');
    // Any single weakness takes "Genuine" away.
    expect(decideVerdict([check('payload-hash', 'not-present'), ...good.slice(1)], noCoverageGap).verdict).toBe('warn');
    expect(decideVerdict([...good.slice(0, 2), check('origin', 'warn', { kind: 'untrusted-key' })], noCoverageGap).verdict).toBe('warn');
    expect(decideVerdict([...good, check('audit', 'warn')], noCoverageGap).verdict).toBe('warn');
    expect(decideVerdict(good, { ...noCoverageGap, payloadRecipe: null, uncoveredFiles: ['dicom/x.dcm'] }).verdict).toBe('warn');
    expect(decideVerdict([...good, check('dicom', 'fail')], noCoverageGap).verdict).toBe('fail');
  });

  it('valid entity assertions alone never make it genuine', () => {
    const checks = [
      check('payload-hash', 'pass'),
      check('manifest-jws', 'not-present'),
      check('origin', 'not-present', { kind: 'unsigned' }),
      check('assertion:sender', 'pass'),
      check('assertion:requester', 'pass'),
    ];
    expect(decideVerdict(checks, noCoverageGap)).toEqual({ verdict: 'warn', headline: 'Complete, but the sender could not be verified' });
  });

  it('says plainly which trust gap it is', () => {
    const base = [check('payload-hash', 'pass'), check('manifest-jws', 'unverifiable')];
    expect(decideVerdict([...base, check('origin', 'unverifiable', { kind: 'unknown-key' })], noCoverageGap).headline).toBe(
      "Intact, but signed by a key you have not given: paste the sender's public key",
    );
    const mismatch = {
      ...check('origin', 'warn', { kind: 'key-mismatch' }),
      title: 'Signed by a different key than the one you trusted for Harbour',
    };
    expect(decideVerdict([...base, mismatch], noCoverageGap).headline).toBe(
      'Warning: signed by a different key than the one you trusted for Harbour',
    );
    expect(decideVerdict([...base, check('origin', 'warn', { kind: 'hash-not-signed' })], noCoverageGap).headline).toMatch(
      /does not cover the contents/,
    );
  });
});

describe('originCheck', () => {
  const manifest = { sender: { id: 'org:harbour', name: 'Harbour' } };
  const jwsBy = (key: string, trusted: boolean, coversPayloadHash = true) =>
    check('manifest-jws', 'pass', {
      verifiedBy: {
        label: trusted ? 'your trusted key #1' : 'the sender assertion key (carried in the envelope)',
        fingerprint: fingerprint(ed25519PublicKey(senderSeed)),
        publicKey: key,
        trusted,
      },
      coversPayloadHash,
      style: coversPayloadHash ? 'rs' : 'php',
    });
  const none = { trustedPublicKeys: [], rememberedSenders: [] };

  it('a key carried in the envelope proves intactness, not origin', () => {
    const o = originCheck(jwsBy(pub(senderSeed), false), manifest, none);
    expect(o.status).toBe('warn');
    expect(o.title).toBe(
      `Intact, signed by key ${fingerprint(ed25519PublicKey(senderSeed)).slice(0, 23)}… that you have not marked as trusted`,
    );
    expect(o.detail).toContain(fingerprint(ed25519PublicKey(senderSeed)));
  });

  it('a trusted key that signed only a snapshot without payload_hash does not cover the payload', () => {
    expect(originCheck(jwsBy(pub(senderSeed), true, false), manifest, none)).toMatchObject({
      status: 'warn',
      data: { kind: 'hash-not-signed' },
    });
    expect(originCheck(jwsBy(pub(senderSeed), true, true), manifest, none)).toMatchObject({ status: 'pass', data: { kind: 'trusted' } });
  });

  it('a remembered sender signed by another key, or not signed at all, is a loud warning', () => {
    const remembered = {
      trustedPublicKeys: [],
      rememberedSenders: [{ senderId: 'org:harbour', senderName: 'Harbour', publicKey: pub(otherSeed) }],
    };
    const other = originCheck(jwsBy(pub(senderSeed), false), manifest, remembered);
    expect(other).toMatchObject({ status: 'warn', data: { kind: 'key-mismatch' } });
    expect(other.detail).toContain(fingerprint(ed25519PublicKey(otherSeed)));
    expect(originCheck(check('manifest-jws', 'not-present'), manifest, remembered)).toMatchObject({
      status: 'warn',
      data: { kind: 'key-mismatch' },
    });
    // Remembered for another sender id: no bearing on this one.
    expect(originCheck(check('manifest-jws', 'not-present'), { sender: { id: 'org:other' } }, remembered)).toMatchObject({
      status: 'not-present',
    });
  });
});

describe('coverageOf', () => {
  const files: PayloadFile[] = ['dicom/a.dcm', 'dicom/b.dcm', 'files.json'].map((path) => ({
    path,
    size: 1,
    bytes: async () => new Uint8Array(1),
  }));
  it('a matched recipe covers every payload file; without one only files.json-verified files are covered', () => {
    expect(coverageOf({ payload: files, checks: [check('payload-hash', 'pass', { recipe: 'recipe-a' })], hasAudit: true })).toEqual({
      payloadRecipe: 'recipe-a',
      uncoveredFiles: [],
      manifest: 'not-covered',
      audit: 'not-covered',
    });
    const partial = coverageOf({
      payload: files,
      checks: [check('payload-hash', 'not-present'), check('files-json', 'pass', { verifiedFiles: ['dicom/a.dcm'] })],
      hasAudit: false,
    });
    expect(partial.uncoveredFiles).toEqual(['dicom/b.dcm', 'files.json']);
    // A files.json with changed entries vouches for nothing.
    expect(
      coverageOf({
        payload: files,
        checks: [check('payload-hash', 'fail'), check('files-json', 'fail', { verifiedFiles: ['dicom/a.dcm'] })],
        hasAudit: false,
      }).uncoveredFiles,
    ).toHaveLength(3);
  });
});

describe('the trust model end to end (packed envelopes)', () => {
  it('rs: intact with the embedded key (warn), genuine with the pasted key, genuine when the sender is remembered', async () => {
    const env = await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: senderSeed });
    const embedded = await open(env);
    expect(embedded.report.verdict).toBe('warn');
    expect(status(embedded, 'origin')).toBe('warn');
    expect(embedded.report.coverage).toEqual({ payloadRecipe: 'recipe-a', uncoveredFiles: [], manifest: 'signed', audit: 'not-covered' });
    expect((await open(env, { trustedPublicKeys: [pub(senderSeed)] })).report.headline).toBe('Genuine and complete');
    const remembered = await open(env, {
      rememberedSenders: [{ senderId: 'org:harbour-imaging', senderName: 'Harbour Imaging', publicKey: pub(senderSeed) }],
    });
    expect(remembered.report.verdict).toBe('pass');
    expect(remembered.report.checks.find((c) => c.id === 'origin')!.detail).toContain('the key you trusted for Harbour Imaging');
  });

  it('a remembered sender id on an envelope signed by another key: loud warning, never genuine', async () => {
    const env = await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: otherSeed });
    const r = await open(env, {
      rememberedSenders: [{ senderId: 'org:harbour-imaging', senderName: 'Harbour Imaging', publicKey: pub(senderSeed) }],
    });
    expect(r.report.verdict).toBe('warn');
    expect(r.report.headline).toBe('Warning: signed by a different key than the one you trusted for Harbour Imaging');
  });

  it('rs with its JWS key recorded nowhere: unverifiable without it (not damage), genuine once pasted', async () => {
    const jwsSeed = seed(17, 9);
    const env = await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: senderSeed, jwsWith: jwsSeed });
    const without = await open(env);
    expect(status(without, 'manifest-jws')).toBe('unverifiable');
    expect(without.report.verdict).toBe('warn');
    expect(without.report.headline).toBe("Intact, but signed by a key you have not given: paste the sender's public key");
    const withKey = await open(env, { trustedPublicKeys: [pub(jwsSeed)] });
    expect(withKey.report.verdict).toBe('pass');
  });

  it('a JWS whose payload contradicts manifest.json fails even when no key verifies it', async () => {
    const env = await packEnvelope({
      dialect: 'jmix-rs',
      payloadFiles: study.files,
      signWith: senderSeed,
      jwsWith: seed(17, 9),
      tamper: 'manifest-after-signing',
    });
    const r = await open(env);
    expect(status(r, 'manifest-jws')).toBe('fail');
    expect(r.report.verdict).toBe('fail');
  });

  it('php: a trusted signature still does not cover the payload hash (warn)', async () => {
    const env = await packEnvelope({ dialect: 'jmix-php', payloadFiles: study.files, signWith: senderSeed });
    const r = await open(env, { trustedPublicKeys: [pub(senderSeed)] });
    expect(r.report.coverage.manifest).toBe('signed-except-late-fields');
    expect(r.report.checks.find((c) => c.id === 'origin')).toMatchObject({ status: 'warn', data: { kind: 'hash-not-signed' } });
    expect(r.report.verdict).toBe('warn');
  });

  it('jmix-js cannot sign: complete at best, every payload file covered by the recipe', async () => {
    const env = await packEnvelope({ dialect: 'jmix-js', payloadFiles: study.files });
    const r = await open(env, { trustedPublicKeys: [pub(senderSeed)] });
    expect(r.report.headline).toBe('Complete, but the sender could not be verified');
    expect(r.report.coverage.uncoveredFiles).toEqual([]);
  });

  it('no payload hash: every payload file is listed as not covered', async () => {
    const env = await packEnvelope({ dialect: 'jmix-js', payloadFiles: study.files });
    const files = env.files.map((f) =>
      f.path === 'manifest.json'
        ? {
            ...f,
            bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace(/"payload_hash": "[^"]*"/, '"payload_hash": ""')),
          }
        : f,
    );
    const r = await open({ ...env, files });
    expect(status(r, 'payload-hash')).toBe('not-present');
    expect(r.report.coverage.payloadRecipe).toBeNull();
    expect(new Set(r.report.coverage.uncoveredFiles)).toEqual(new Set(r.envelope.payload.map((f) => f.path)));
    expect(r.report.coverage.uncoveredFiles.length).toBeGreaterThan(3);
  });
});
