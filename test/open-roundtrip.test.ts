// Every dialect × plain/encrypted × carrier, written by our packer and opened by openEnvelope.
import { describe, expect, it } from 'vitest';
import { toTarGz, toZip, type PackedEnvelope } from '../fixtures/envelopes/pack.ts';
import { openEnvelope } from '../src/jmix/index.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import type { CheckId, EnvelopeSource, VerificationReport } from '../src/jmix/types.ts';
import {
  DIALECTS,
  asFolderSource,
  pack,
  recipient,
  signingPublicKey,
  signingSeed,
  smallStudy,
  wrongRecipient,
} from './helpers/fixtures.ts';

type Layout = 'folder' | 'folder-bare' | 'zip-root' | 'zip-wrapped' | 'tar.gz';
const LAYOUTS: Layout[] = ['folder', 'folder-bare', 'zip-root', 'zip-wrapped', 'tar.gz'];

function carrier(env: PackedEnvelope, layout: Layout): EnvelopeSource {
  switch (layout) {
    case 'folder':
      return asFolderSource(env, true);
    case 'folder-bare':
      return asFolderSource(env, false);
    case 'zip-root':
      return { kind: 'bytes', bytes: toZip(env, 'root'), name: `${env.id}.zip` };
    case 'zip-wrapped':
      return { kind: 'bytes', bytes: toZip(env, 'wrapped'), name: `${env.id}.zip` };
    case 'tar.gz':
      return { kind: 'bytes', bytes: toTarGz(env, 'wrapped'), name: `${env.id}.tar.gz` };
  }
}

const status = (r: VerificationReport, id: CheckId) => r.checks.find((c) => c.id === id)?.status;
const expectedImages = () => smallStudy().study.series.reduce((n, s) => n + s.count, 0);

describe.each(DIALECTS)('dialect %s', (dialect) => {
  describe.each([false, true])('encrypted=%s', (encrypted) => {
    it.each(LAYOUTS)('opens, decrypts and verifies from %s', async (layout) => {
      const env = await pack(dialect, encrypted ? { encryptTo: recipient.publicKey } : {});
      const { envelope, report, dicom } = await openEnvelope(
        carrier(env, layout),
        encrypted ? { key: bytesToBase64(recipient.privateKey) } : {},
      );
      expect(envelope.id).toBe(env.id);
      expect(report.envelopeId).toBe(env.id);
      expect(report.encrypted).toBe(encrypted);
      // A spec envelope encrypted with the php info string is indistinguishable from jmix-php's.
      expect(report.dialect).toBe(dialect === 'spec' && encrypted ? 'jmix-php' : dialect);
      expect(status(report, 'payload-hash')).toBe('pass');
      expect(status(report, 'decrypt')).toBe(encrypted ? 'pass' : 'not-present');
      expect(report.verdict).not.toBe('fail');
      expect(envelope.payloadAvailable).toBe(true);
      const images = dicom!.studies.flatMap((s) => s.series).reduce((n, s) => n + s.instances.length, 0);
      expect(images).toBe(expectedImages());
      expect(envelope.metadata).not.toBeNull();
      expect(envelope.report?.present).toBe(true);
    });
  });

  it('names the recipe that matched', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey });
    const { report } = await openEnvelope(asFolderSource(env), { key: bytesToBase64(recipient.privateKey) });
    const recipe = report.checks.find((c) => c.id === 'payload-hash')!.data!.recipe;
    expect(recipe).toBe({ 'jmix-js': 'recipe-a', 'jmix-rs': 'plaintext-tar', 'jmix-php': 'ciphertext', spec: 'ciphertext' }[dialect]);
  });

  it('without a key shows the manifest and asks for one', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey });
    const { envelope, report, dicom } = await openEnvelope(asFolderSource(env));
    expect(envelope.payloadAvailable).toBe(false);
    expect(dicom).toBeNull();
    expect(status(report, 'decrypt')).toBe('unverifiable');
    expect(report.verdict).toBe('warn');
    expect(envelope.manifest.sender?.name).toBe('Harbour Imaging');
    // php/spec hash the ciphertext, so their payload hash is checkable without the key.
    expect(status(report, 'payload-hash')).toBe(dialect === 'jmix-php' || dialect === 'spec' ? 'pass' : 'unverifiable');
  });

  it('with the wrong key fails decryption and releases nothing', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey });
    const { envelope, report, dicom } = await openEnvelope(asFolderSource(env), { key: bytesToBase64(wrongRecipient.privateKey) });
    expect(status(report, 'decrypt')).toBe('fail');
    expect(report.verdict).toBe('fail');
    expect(report.headline).toMatch(/wrong key or damaged/i);
    expect(report.checks.find((c) => c.id === 'decrypt')!.detail).toMatch(/key.*altered|altered.*key/is);
    expect(envelope.payloadAvailable).toBe(false);
    expect(envelope.payload).toHaveLength(0);
    expect(dicom).toBeNull();
  });
});

describe('tampering fails on the right check', () => {
  const cases: [string, Parameters<typeof pack>[0], Parameters<typeof pack>[1], CheckId][] = [
    ['a DICOM byte in a plain js envelope', 'jmix-js', { tamper: 'payload-byte' }, 'payload-hash'],
    ['a DICOM byte in a plain php envelope', 'jmix-php', { tamper: 'payload-byte' }, 'payload-hash'],
    ['a DICOM byte in a plain rs envelope (also files.json)', 'jmix-rs', { tamper: 'payload-byte' }, 'files-json'],
    ['a DICOM byte before encryption (js)', 'jmix-js', { tamper: 'payload-byte', encryptTo: recipient.publicKey }, 'payload-hash'],
    ['a ciphertext byte (rs)', 'jmix-rs', { tamper: 'ciphertext-byte', encryptTo: recipient.publicKey }, 'decrypt'],
    ['a ciphertext byte (php)', 'jmix-php', { tamper: 'ciphertext-byte', encryptTo: recipient.publicKey }, 'decrypt'],
    ['the GCM tag (spec)', 'spec', { tamper: 'tag-byte', encryptTo: recipient.publicKey }, 'decrypt'],
    ['files.json lying about a hash (php)', 'jmix-php', { tamper: 'files-json-lie' }, 'files-json'],
    ['a removed file (spec)', 'spec', { tamper: 'remove-file' }, 'payload-hash'],
    ['an added file (rs)', 'jmix-rs', { tamper: 'add-file' }, 'payload-hash'],
    ['the manifest edited after signing (rs)', 'jmix-rs', { tamper: 'manifest-after-signing', signWith: signingSeed }, 'manifest-jws'],
    [
      'the manifest edited after signing (rs assertion)',
      'jmix-rs',
      { tamper: 'manifest-after-signing', signWith: signingSeed },
      'assertion:sender',
    ],
    ['the manifest edited after signing (php)', 'jmix-php', { tamper: 'manifest-after-signing', signWith: signingSeed }, 'manifest-jws'],
  ];
  it.each(cases)('%s', async (_name, dialect, opts, failing) => {
    const env = await pack(dialect, opts);
    const { report } = await openEnvelope(asFolderSource(env), opts?.encryptTo ? { key: bytesToBase64(recipient.privateKey) } : {});
    expect(status(report, failing)).toBe('fail');
    expect(report.verdict).toBe('fail');
    expect(report.headline).not.toMatch(/genuine/i);
  });
});

describe('signatures', () => {
  it('an rs-signed envelope verifies as genuine', async () => {
    const env = await pack('jmix-rs', { signWith: signingSeed, encryptTo: recipient.publicKey });
    const { report } = await openEnvelope(asFolderSource(env), { key: bytesToBase64(recipient.privateKey) });
    expect(status(report, 'manifest-jws')).toBe('pass');
    expect(status(report, 'assertion:sender')).toBe('pass');
    expect(status(report, 'assertion:requester')).toBe('pass');
    expect(status(report, 'assertion:receiver:0')).toBe('pass');
    // Intact, but the key that verified it came with the envelope: not "Genuine" until the user trusts it.
    expect(status(report, 'origin')).toBe('warn');
    expect(report.verdict).toBe('warn');
    expect(report.headline).toMatch(/^Intact, signed by key SHA256:[0-9a-f]{16}… that you have not marked as trusted$/);
    const trusted = await openEnvelope(asFolderSource(env), {
      key: bytesToBase64(recipient.privateKey),
      trustedPublicKeys: [bytesToBase64(signingPublicKey)],
    });
    expect(status(trusted.report, 'origin')).toBe('pass');
    expect(trusted.report.verdict).toBe('pass');
    expect(trusted.report.headline).toBe('Genuine and complete');
  });

  it('a php-signed envelope verifies with the php warnings', async () => {
    const env = await pack('jmix-php', { signWith: signingSeed });
    const { report } = await openEnvelope(asFolderSource(env));
    expect(status(report, 'manifest-jws')).toBe('warn');
    expect(status(report, 'assertion:sender')).toBe('warn');
    expect(
      report.checks.find((c) => c.id === 'assertion:sender')!.title + report.checks.find((c) => c.id === 'assertion:sender')!.detail,
    ).toMatch(/binds no manifest values/i);
    expect(report.verdict).toBe('warn');
  });

  it('an expired assertion is a warning with its date, not a bad signature', async () => {
    const env = await pack('jmix-rs', { signWith: signingSeed, assertionExpiresAt: '2020-01-01T00:00:00Z' });
    const { report } = await openEnvelope(asFolderSource(env));
    const sender = report.checks.find((c) => c.id === 'assertion:sender')!;
    expect(sender.status).toBe('warn');
    expect(sender.title + sender.detail).toMatch(/2020-01-01/);
  });

  it('an unsigned envelope is complete but its sender unverified', async () => {
    const env = await pack('spec');
    const { report } = await openEnvelope(asFolderSource(env));
    expect(status(report, 'manifest-jws')).toBe('not-present');
    expect(status(report, 'assertion:sender')).toBe('not-present');
    expect(report.verdict).toBe('warn');
    expect(report.headline).toMatch(/sender could not be verified/);
  });
});

describe('trusted keys', () => {
  it('a signature by a key the user did not name as trusted is only a warning', async () => {
    const stranger = new Uint8Array(32).fill(9);
    const env = await pack('jmix-rs', { signWith: stranger });
    const { report } = await openEnvelope(asFolderSource(env), { trustedPublicKeys: [bytesToBase64(signingPublicKey)] });
    const origin = report.checks.find((c) => c.id === 'origin')!;
    expect(origin.status).toBe('warn');
    expect(origin.title).toMatch(/that you have not marked as trusted/);
    expect(report.verdict).not.toBe('pass');
  });

  it('a signature by a trusted key passes', async () => {
    const env = await pack('jmix-rs', { signWith: signingSeed });
    const { report } = await openEnvelope(asFolderSource(env), { trustedPublicKeys: [bytesToBase64(signingPublicKey)] });
    const jws = report.checks.find((c) => c.id === 'manifest-jws')!;
    expect(jws.status).toBe('pass');
    expect(jws.detail).toMatch(/trusted key/);
    expect(report.verdict).toBe('pass');
  });
});
