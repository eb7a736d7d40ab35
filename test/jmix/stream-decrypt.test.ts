// Large-input paths, exercised on small envelopes by lowering the thresholds: a zip Blob read lazily
// entry by entry, and the encrypted payload decrypted as a stream. They must agree with the
// whole-buffer paths on every dialect and vector, and tampering must fail on the same checks.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toZip } from '../../fixtures/envelopes/pack.ts';
import { bytesToBase64 } from '../../src/jmix/crypto/bytes.ts';
import { openEnvelope, type OpenResult } from '../../src/jmix/index.ts';
import type { EnvelopeSource } from '../../src/jmix/types.ts';
import { inThreadHasher, inThreadStreamHash, type Hasher } from '../../src/jmix/hash.ts';
import { DIALECTS, pack, recipient, signingSeed, wrongRecipient } from '../helpers/fixtures.ts';
import { sharedPath, describeWithShared } from '../shared.ts';

const STREAM = { zip: 0, decrypt: 0 };
const summary = async (r: OpenResult) => ({
  verdict: r.report.verdict,
  dialect: r.report.dialect,
  checks: r.report.checks.map((c) => [c.id, c.status]),
  recipe: r.report.checks.find((c) => c.id === 'payload-hash')?.data?.recipe ?? null,
  files: await Promise.all(
    [...r.envelope.payload]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map(async (f) => [
        f.path,
        Buffer.from(await f.bytes())
          .toString('base64')
          .slice(0, 64),
        f.size,
      ]),
  ),
  images: r.dicom?.studies.flatMap((s) => s.series).reduce((n, s) => n + s.instances.length, 0) ?? null,
});
const blobSource = (zip: Uint8Array, name: string): EnvelopeSource => ({
  kind: 'blob',
  blob: new Blob([zip as Uint8Array<ArrayBuffer>]),
  name,
});

describe.each(DIALECTS)('streamed decryption agrees with one-shot: %s', (dialect) => {
  it('same checks, recipe, files and images', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey, signWith: signingSeed });
    const zip = toZip(env, 'wrapped');
    const key = bytesToBase64(recipient.privateKey);
    const oneShot = await openEnvelope({ kind: 'bytes', bytes: zip, name: 'e.zip' }, { key });
    const streamed = await openEnvelope(blobSource(zip, 'e.zip'), { key, streamAbove: STREAM });
    expect(streamed.report.checks.find((c) => c.id === 'decrypt')!.data!.streamed).toBe(true);
    expect(await summary(streamed)).toEqual(await summary(oneShot));
  });

  it('a flipped ciphertext byte fails on decrypt and releases nothing', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey, tamper: 'ciphertext-byte' });
    const r = await openEnvelope(blobSource(toZip(env, 'root'), 't.zip'), {
      key: bytesToBase64(recipient.privateKey),
      streamAbove: STREAM,
    });
    expect(r.report.checks.find((c) => c.id === 'decrypt')!.status).toBe('fail');
    expect(r.envelope.payload).toHaveLength(0);
    expect(r.report.verdict).toBe('fail');
  });

  it('a wrong key fails on decrypt with the plain message', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey });
    const r = await openEnvelope(blobSource(toZip(env, 'root'), 'w.zip'), {
      key: bytesToBase64(wrongRecipient.privateKey),
      streamAbove: STREAM,
    });
    const check = r.report.checks.find((c) => c.id === 'decrypt')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/not the recipient key.*altered or damaged/s);
    expect(r.envelope.payload).toHaveLength(0);
  });

  it('a payload byte changed before encryption fails on the payload hash', async () => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey, tamper: 'payload-byte' });
    const r = await openEnvelope(blobSource(toZip(env, 'root'), 'p.zip'), {
      key: bytesToBase64(recipient.privateKey),
      streamAbove: STREAM,
    });
    expect(r.report.checks.find((c) => c.id === 'decrypt')!.status).toBe('pass');
    // js hashes the plaintext files (recipe A) before encrypting; rs and php/spec hash what they
    // encrypt (tar, ciphertext), so there files.json — which lists the changed DICOM for rs and
    // spec — is what catches it, and php (files.json lists files/ only) cannot.
    const failing = r.report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    if (dialect === 'jmix-js') expect(failing).toContain('payload-hash');
    if (dialect === 'spec' || dialect === 'jmix-rs') expect(failing).toContain('files-json');
    if (dialect === 'jmix-php') expect(failing).toEqual([]);
  });
});

// The browser's tar hash runs on a worker that borrows each decrypted chunk's buffer (moved there
// and back, no copy). This hash stream really detaches what it is lent until it gives it back a
// tick later, and the per-file hasher reads its input a tick late (as hash-wasm does), so any use of
// a chunk while it is away shows up as wrong bytes or a TypeError. Chunks of 1,000 bytes make files
// and tar headers straddle them.
describe('streamed decryption with chunks lent to the hash worker', () => {
  let given = 0;
  const detachingHasher: Hasher = {
    async sha256(parts) {
      await new Promise((r) => setTimeout(r, 0));
      return inThreadHasher.sha256(parts);
    },
    async stream() {
      const inner = await inThreadStreamHash();
      return {
        update: (chunk) => inner.update(chunk),
        async lend(chunk) {
          const moved = structuredClone(chunk, { transfer: [chunk.buffer] });
          given++;
          await new Promise((r) => setTimeout(r, 0));
          await inner.update(moved);
          return structuredClone(moved, { transfer: [moved.buffer] });
        },
        digest: () => inner.digest(),
      };
    },
  };

  const cases = DIALECTS.flatMap(
    (d) =>
      [
        [d, 'memory'],
        [d, 'Blob'],
      ] as const,
  );
  it.each(cases)('%s, decrypted files in %s: same checks, files, hashes and images as one-shot', async (dialect, store) => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey, signWith: signingSeed });
    const zip = toZip(env, 'wrapped');
    const key = bytesToBase64(recipient.privateKey);
    const oneShot = await openEnvelope({ kind: 'bytes', bytes: zip, name: 'e.zip' }, { key });
    given = 0;
    const streamed = await openEnvelope(blobSource(zip, 'e.zip'), {
      key,
      streamAbove: STREAM,
      streamChunkBytes: 1000,
      hasher: detachingHasher,
      streamInMemoryUpTo: store === 'memory' ? 1 << 30 : 0,
    });
    expect(streamed.report.checks.find((c) => c.id === 'decrypt')!.data!.streamed).toBe(true);
    expect(streamed.envelope.payload.every((f) => (store === 'Blob' ? f.blob instanceof Blob : f.blob === undefined))).toBe(true);
    expect(await summary(streamed)).toEqual(await summary(oneShot));
    // Only jmix-rs (payload.enc) hashes the plaintext tar as it streams; the others never lend chunks.
    if (dialect === 'jmix-rs') expect(given).toBeGreaterThan(10);
    else expect(given).toBe(0);
  });

  it('a payload byte changed before encryption still fails on the files.json check', async () => {
    const env = await pack('jmix-rs', { encryptTo: recipient.publicKey, tamper: 'payload-byte' });
    const r = await openEnvelope(blobSource(toZip(env, 'root'), 't.zip'), {
      key: bytesToBase64(recipient.privateKey),
      streamAbove: STREAM,
      streamChunkBytes: 1000,
      hasher: detachingHasher,
    });
    expect(r.report.checks.find((c) => c.id === 'decrypt')!.status).toBe('pass');
    expect(r.report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toContain('files-json');
    expect(r.report.verdict).toBe('fail');
  });
});

describeWithShared(['jmix', 'vectors'], 'streamed decryption of the real vectors', () => {
  const cases = [
    ['jmix-js', 'jmix-js/encrypted', 'jmix-js/encrypted/keys.json'],
    ['jmix-php', 'jmix-php/encrypted', 'jmix-php/keys.json'],
    ['jmix-php', 'jmix-php/full', 'jmix-php/keys.json'],
  ] as const;
  it.each(cases)('%s %s', async (_d, dir, keysFile) => {
    const root = sharedPath('jmix', 'vectors', dir);
    const envDir = readdirSync(root).find((n) => n.endsWith('.JMIX'))!;
    const files = readdirSync(join(root, envDir)).map((name) => {
      const bytes = new Uint8Array(readFileSync(join(root, envDir, name)));
      return { path: `${envDir}/${name}`, size: bytes.length, origin: 'folder', blob: new Blob([bytes]), bytes: async () => bytes };
    });
    const key = JSON.parse(readFileSync(sharedPath('jmix', 'vectors', keysFile), 'utf8')).recipient_private_key_b64;
    const oneShot = await openEnvelope({ kind: 'files', files }, { key });
    const streamed = await openEnvelope({ kind: 'files', files }, { key, streamAbove: STREAM });
    expect(streamed.report.checks.find((c) => c.id === 'decrypt')!.data!.streamed).toBe(true);
    expect(await summary(streamed)).toEqual(await summary(oneShot));
    expect(streamed.report.checks.find((c) => c.id === 'payload-hash')!.status).toBe('pass');
  });
});
