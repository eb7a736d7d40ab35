// payloadFilesFromTar: the decrypted payload tar in each producer's layout, and the decrypted
// payload tars of the real jmix-js and jmix-php vectors.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { EnvelopeError } from '../../src/jmix/api.ts';
import { readTar } from '../../src/jmix/archive/tar.ts';
import { writeTar } from '../../src/jmix/archive/tar-write.ts';
import { payloadFilesFromTar } from '../../src/jmix/payload-tar.ts';
import { sharedPath, describeWithShared } from '../shared.ts';
import { patternedBytes } from '../helpers/tar.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
const content = (name: string, length = 700) => patternedBytes(name, length, 31);

// ---------------------------------------------------------------------------------------------

describe('payloadFilesFromTar on the three producer layouts', () => {
  const payload: Record<string, Uint8Array> = {
    'metadata.json': enc.encode('{"m":1}'),
    'dicom/series_1/CT.1.1.dcm': content('1.1', 2582),
    'files/report.pdf': content('pdf', 697),
  };

  it('jmix-js: ustar with payload/ prefix and directory entries', () => {
    const tar = writeTar(
      [
        { name: 'payload/', type: 'directory' },
        { name: 'payload/dicom/', type: 'directory' },
        ...Object.entries(payload).map(([n, d]) => ({ name: `payload/${n}`, data: d })),
      ],
      'ustar',
    );
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('payload-prefix');
    expect(Object.fromEntries(r.files)).toEqual(payload);
  });

  it('jmix-rs: GNU tar rooted at ./ with a long name', () => {
    const long = `dicom/${'1.2.840.113619.2.55.3.604688119.969.1268071029.320.'.repeat(3)}.dcm`;
    const withLong = { ...payload, [long]: content('long', 100) };
    const tar = writeTar(
      [
        { name: './', type: 'directory' },
        { name: './dicom', type: 'directory' },
        ...Object.entries(withLong).map(([n, d]) => ({ name: `./${n}`, data: d })),
      ],
      'gnu',
    );
    const r = payloadFilesFromTar(tar, 'payload.enc');
    expect(r.layout).toBe('dot-root');
    expect(Object.fromEntries(r.files)).toEqual(withLong);
  });

  it('jmix-php: files only', () => {
    const tar = writeTar(
      Object.entries(payload).map(([n, d]) => ({ name: n, data: d })),
      'php',
    );
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('files-only');
    expect(Object.fromEntries(r.files)).toEqual(payload);
  });

  it('keeps a payload/ prefix unless every file has it', () => {
    const tar = writeTar(
      [
        { name: 'payload/a.txt', data: enc.encode('a') },
        { name: 'b.txt', data: enc.encode('b') },
      ],
      'php',
    );
    expect([...payloadFilesFromTar(tar, 'p').files.keys()]).toEqual(['payload/a.txt', 'b.txt']);
  });

  it('gunzips a gzipped payload tar first', () => {
    const tar = writeTar(
      Object.entries(payload).map(([n, d]) => ({ name: n, data: d })),
      'php',
    );
    const r = payloadFilesFromTar(gzipSync(tar), 'payload.encrypted');
    expect(Object.fromEntries(r.files)).toEqual(payload);
    expect(r.problems).toEqual([]);
  });

  it('refuses entries that escape the payload', () => {
    for (const bad of ['../escape.txt', 'dicom/../../escape.txt', '/etc/passwd']) {
      const tar = writeTar(
        [
          { name: 'metadata.json', data: enc.encode('{}') },
          { name: bad, data: enc.encode('x') },
        ],
        'ustar',
      );
      let caught: unknown;
      try {
        payloadFilesFromTar(tar, 'payload.encrypted');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EnvelopeError);
      expect((caught as EnvelopeError).code).toBe('unsafe-path');
      expect((caught as EnvelopeError).message).toContain(`"${bad}"`);
    }
  });

  it('reports a duplicate file as an error and keeps the first', () => {
    const tar = writeTar(
      [
        { name: 'a.txt', data: enc.encode('1') },
        { name: './a.txt', data: enc.encode('2') },
      ],
      'gnu',
    );
    const r = payloadFilesFromTar(tar, 'p');
    expect(dec.decode(r.files.get('a.txt'))).toBe('1');
    expect(r.problems.some((p) => p.severity === 'error' && p.message.includes('"a.txt" appears more than once'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The decrypted payload tars of the real producers' vectors. Decryption follows INTEROP §3
// (X25519 → HKDF-SHA256, empty salt → AES-256-GCM with the tag from the manifest).

async function decryptPayload(dir: string, keyB64: string, info: string): Promise<Uint8Array> {
  const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const e = manifest.security.encryption;
  const shared = x25519.getSharedSecret(b64(keyB64), b64(e.ephemeral_public_key));
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode(info) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  const ciphertext = readFileSync(join(dir, 'payload.encrypted'));
  const sealed = new Uint8Array(ciphertext.length + 16);
  sealed.set(ciphertext);
  sealed.set(b64(e.auth_tag), ciphertext.length);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64(e.iv) }, key, sealed));
}

const sha256Hex = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

describeWithShared(['jmix', 'vectors', 'jmix-js'], 'jmix-js encrypted vector: node-tar ustar with payload/ prefix', () => {
  it('yields the 16 payload files, identical to the plaintext envelope', async () => {
    const v = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-js', ...p);
    const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
    const keys = JSON.parse(readFileSync(v('encrypted', 'keys.json'), 'utf8'));
    const tar = await decryptPayload(v(expected.encrypted.dir), keys.recipient_private_key_b64, 'JMIX-Payload-Encryption');
    expect(tar.length).toBe(expected.encrypted.plaintext_tar_bytes);
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.problems).toEqual([]);
    expect(r.layout).toBe('payload-prefix');
    expect(r.files.size).toBe(16);
    for (const [path, data] of r.files) {
      expect(data).toEqual(new Uint8Array(readFileSync(v(expected.plaintext.dir, 'payload', path))));
    }
  });
});

describeWithShared(['jmix', 'vectors', 'jmix-php'], 'jmix-php encrypted vector: PharData files-only tar', () => {
  it('matches the entry list published in expected.json', async () => {
    const v = (...p: string[]) => sharedPath('jmix', 'vectors', 'jmix-php', ...p);
    const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
    const keys = JSON.parse(readFileSync(v('keys.json'), 'utf8'));
    const envelope = expected.envelopes.encrypted;
    const tar = await decryptPayload(v(envelope.dir), keys.recipient_private_key_b64, 'JMIX-payload-encryption');
    const { entries, problems } = readTar(tar, 'payload.encrypted');
    expect(problems).toEqual([]);
    const published = envelope.plaintext_tar.entries as { name: string; size: number; mtime: number; sha256: string }[];
    expect(entries.map((e) => ({ name: e.name, size: e.size, mtime: e.mtime, sha256: sha256Hex(e.data) }))).toEqual(
      published.map((p) => ({ name: p.name, size: p.size, mtime: p.mtime, sha256: p.sha256 })),
    );
    const r = payloadFilesFromTar(tar, 'payload.encrypted');
    expect(r.layout).toBe('files-only');
    expect(r.files.size).toBe(published.length);
  });
});
