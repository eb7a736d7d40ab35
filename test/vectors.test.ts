// The real envelopes written by jmix-js 0.2.1 and jmix-php 0.4 (../shared/jmix/vectors), opened
// through the one entry point. Their expected.json files say what must happen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourceFromPath } from '../src/cli/node-source.ts';
import { openEnvelope } from '../src/jmix/index.ts';
import type { CheckId, VerificationReport } from '../src/jmix/types.ts';
import { hasShared, sharedPath } from './shared.ts';

const status = (r: VerificationReport, id: CheckId) => r.checks.find((c) => c.id === id)?.status;
const check = (r: VerificationReport, id: CheckId) => r.checks.find((c) => c.id === id)!;
const images = (d: Awaited<ReturnType<typeof openEnvelope>>['dicom']) =>
  d!.studies.flatMap((s) => s.series).reduce((n, s) => n + s.instances.length, 0);

const haveJs = hasShared('jmix', 'vectors', 'jmix-js');
describe.skipIf(!haveJs)('jmix-js 0.2.1 vectors (../shared/jmix/vectors/jmix-js)', () => {
  const js = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-js', ...p);
  const expected = haveJs ? JSON.parse(readFileSync(js('expected.json'), 'utf8')) : null;
  const keys = haveJs ? JSON.parse(readFileSync(js('encrypted', 'keys.json'), 'utf8')) : null;

  it.each([
    ['plaintext folder', () => js(expected.plaintext.dir)],
    ['plaintext.root.zip', () => js('zip', 'plaintext.root.zip')],
    ['plaintext.wrapped.zip', () => js('zip', 'plaintext.wrapped.zip')],
    ['plaintext.wrapped.tar.gz', () => js('tar', 'plaintext.wrapped.tar.gz')],
  ])('%s opens with integrity OK under the jmix-js recipe', async (_n, path) => {
    const { envelope, report, dicom } = await openEnvelope(await sourceFromPath(path()));
    expect(report.dialect).toBe('jmix-js');
    expect(envelope.id).toBe(expected.plaintext.envelope_id);
    expect(status(report, 'payload-hash')).toBe('pass');
    expect(check(report, 'payload-hash').data!.recipe).toBe('recipe-a');
    expect(report.verdict).toBe('warn'); // complete, but nothing is signed
    expect(dicom!.studies).toHaveLength(1);
    expect(dicom!.studies[0]!.studyUid).toBe('1.2.826.0.1.3680043.9.7133.3280065491876470');
    expect(dicom!.studies[0]!.series).toHaveLength(3);
    expect(images(dicom)).toBe(15);
    expect(dicom!.studies[0]!.patient.name).toMatch(/Brown\^Jane/);
    // Patient in the manifest (jmix-js puts PII there) differs from the DICOM: both kept.
    expect(envelope.manifest.patient?.name?.text).toBe('John Doe');
    expect(envelope.report).toMatchObject({ declared: 'files/radiology-report.pdf', present: false });
    expect(report.problems.some((p) => /radiology-report\.pdf.*not in the payload/.test(p.message))).toBe(true);
  });

  it.each([
    ['encrypted folder', () => js(expected.encrypted.dir)],
    ['encrypted.root.zip', () => js('zip', 'encrypted.root.zip')],
    ['encrypted.wrapped.zip', () => js('zip', 'encrypted.wrapped.zip')],
  ])('%s decrypts with the recipient key and verifies', async (_n, path) => {
    const { envelope, report, dicom } = await openEnvelope(await sourceFromPath(path()), { key: keys.recipient_private_key_b64 });
    expect(report.dialect).toBe('jmix-js');
    expect(envelope.decryption?.infoString).toBe('JMIX-Payload-Encryption');
    expect(status(report, 'decrypt')).toBe('pass');
    expect(status(report, 'payload-hash')).toBe('pass');
    expect(check(report, 'payload-hash').data!.recipe).toBe('recipe-a');
    expect(images(dicom)).toBe(15);
  });

  it('encrypted with no key shows only the manifest', async () => {
    const { envelope, report } = await openEnvelope(await sourceFromPath(js(expected.encrypted.dir)));
    expect(envelope.payloadAvailable).toBe(false);
    expect(status(report, 'decrypt')).toBe('unverifiable');
    // The ciphertext hash (php/spec rule) is not this envelope's recipe: that is not a mismatch.
    expect(status(report, 'payload-hash')).toBe('unverifiable');
    expect(envelope.manifest.sender?.name).toBeTruthy();
  });

  it('encrypted with the wrong key fails on decrypt and shows nothing', async () => {
    const { envelope, report } = await openEnvelope(await sourceFromPath(js(expected.encrypted.dir)), { key: keys.wrong_private_key_b64 });
    expect(status(report, 'decrypt')).toBe('fail');
    expect(check(report, 'decrypt').detail).toMatch(/not the recipient key|altered|damaged/);
    expect(envelope.payload).toHaveLength(0);
    expect(report.verdict).toBe('fail');
  });

  it.each([
    ['corrupted plaintext folder', () => js(expected.corrupted.plaintext_dicom_byteflip.dir)],
    ['corrupted plaintext zip', () => js('zip', 'corrupted-plaintext-dicom-byteflip.root.zip')],
  ])('%s fails on payload-hash with the computed value', async (_n, path) => {
    const { report, dicom } = await openEnvelope(await sourceFromPath(path()));
    expect(status(report, 'payload-hash')).toBe('fail');
    const tried = check(report, 'payload-hash').data!.tried as { recipe: string; computed: string }[];
    expect(tried.find((t) => t.recipe === 'recipe-a')!.computed).toBe(
      expected.corrupted.plaintext_dicom_byteflip.recomputed_hash.replace('sha256:', ''),
    );
    expect(report.verdict).toBe('fail');
    expect(images(dicom)).toBe(15);
  });

  it.each([
    ['corrupted encrypted folder', () => js(expected.corrupted.encrypted_ciphertext_byteflip.dir)],
    ['corrupted encrypted zip', () => js('zip', 'corrupted-encrypted-ciphertext-byteflip.root.zip')],
  ])('%s fails on decrypt', async (_n, path) => {
    const { envelope, report } = await openEnvelope(await sourceFromPath(path()), { key: keys.recipient_private_key_b64 });
    expect(status(report, 'decrypt')).toBe('fail');
    expect(envelope.payload).toHaveLength(0);
    expect(report.verdict).toBe('fail');
  });
});

const havePhp = hasShared('jmix', 'vectors', 'jmix-php');
describe.skipIf(!havePhp)('jmix-php 0.4 vectors (../shared/jmix/vectors/jmix-php)', () => {
  const php = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-php', ...p);
  const expected = havePhp ? JSON.parse(readFileSync(php('expected.json'), 'utf8')) : null;
  const keys = havePhp ? JSON.parse(readFileSync(php('keys.json'), 'utf8')) : null;
  const now = new Date('2026-11-24T00:00:00Z');

  it.each(['plaintext', 'signed', 'report'])('%s opens with the php recipe', async (name) => {
    const e = expected.envelopes[name];
    const { envelope, report, dicom } = await openEnvelope(await sourceFromPath(php(e.dir)), { now });
    expect(report.dialect).toBe('jmix-php');
    expect(envelope.id).toBe(e.envelope_id);
    expect(status(report, 'payload-hash')).toBe('pass');
    expect(check(report, 'payload-hash').data!.recipe).toBe('recipe-b');
    expect(images(dicom)).toBe(15);
    expect(report.verdict).not.toBe('fail');
  });

  it('signed: JWS verifies with the sender key in the manifest, php style; assertions bind no values', async () => {
    const { report } = await openEnvelope(await sourceFromPath(php(expected.envelopes.signed.dir)), { now });
    expect(status(report, 'manifest-jws')).toBe('warn');
    expect(check(report, 'manifest-jws').detail).toMatch(/sender/);
    for (const id of ['assertion:sender', 'assertion:requester', 'assertion:receiver:0'] as const) {
      expect(status(report, id)).toBe('warn');
      expect(check(report, id).title + check(report, id).detail).toMatch(/binds no manifest values/);
    }
    expect(report.verdict).toBe('warn');
  });

  it('signed: a trusted key from the user also verifies the JWS', async () => {
    const { report } = await openEnvelope(await sourceFromPath(php(expected.envelopes.signed.dir)), {
      now,
      trustedPublicKeys: [keys.ed25519.sender.public_key],
    });
    expect(check(report, 'manifest-jws').detail).toMatch(/trusted key/);
  });

  it('report: files.json verifies and the PDF is found', async () => {
    const { envelope, report } = await openEnvelope(await sourceFromPath(php(expected.envelopes.report.dir)), { now });
    expect(status(report, 'files-json')).toBe('pass');
    expect(envelope.report).toMatchObject({ path: 'files/report.pdf', present: true });
    expect(envelope.metadata?.patient?.name?.text).toMatch(/Zoë Brown/);
  });

  it.each(['encrypted', 'full'])('%s: hash checkable before the key, decrypts with the php info string', async (name) => {
    const e = expected.envelopes[name];
    const locked = await openEnvelope(await sourceFromPath(php(e.dir)), { now });
    expect(status(locked.report, 'payload-hash')).toBe('pass');
    expect(check(locked.report, 'payload-hash').data!.recipe).toBe('ciphertext');
    const { envelope, report, dicom } = await openEnvelope(await sourceFromPath(php(e.dir)), { now, key: keys.recipient_private_key_b64 });
    expect(report.dialect).toBe('jmix-php');
    expect(envelope.decryption?.infoString).toBe('JMIX-payload-encryption');
    expect(status(report, 'decrypt')).toBe('pass');
    expect(images(dicom)).toBe(15);
  });

  it('corrupted plaintext fails on payload-hash', async () => {
    const c = expected.corrupted.plaintext_dicom_byteflip;
    const { report } = await openEnvelope(await sourceFromPath(php(c.dir)), { now });
    expect(status(report, 'payload-hash')).toBe('fail');
    const tried = check(report, 'payload-hash').data!.tried as { recipe: string; computed: string }[];
    expect(tried.find((t) => t.recipe === 'recipe-b')!.computed).toBe(c.recomputed_recipe_b.replace('sha256:', ''));
    expect(report.verdict).toBe('fail');
  });

  it('corrupted ciphertext fails on payload-hash before the key and on decrypt with it', async () => {
    const c = expected.corrupted.encrypted_ciphertext_byteflip;
    const locked = await openEnvelope(await sourceFromPath(php(c.dir)), { now });
    expect(status(locked.report, 'payload-hash')).toBe('unverifiable');
    const { report } = await openEnvelope(await sourceFromPath(php(c.dir)), { now, key: keys.recipient_private_key_b64 });
    expect(status(report, 'decrypt')).toBe('fail');
    expect(report.verdict).toBe('fail');
  });
});
