// Streaming GCM test helpers: one-shot Web Crypto AES-GCM to compare with, a streamed open cut
// at given places, and the failures expected.
import { expect } from 'vitest';
import { bs, concatBytes } from '../../src/jmix/crypto/bytes.ts';
import { DecryptError } from '../../src/jmix/crypto/payload-cipher.ts';
import { createGcmDecryptor, type GhashEngine } from '../../src/jmix/crypto/stream-gcm.ts';

export const subtle = globalThis.crypto.subtle;

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** One-shot Web Crypto AES-GCM, split the way JMIX stores it: ciphertext, and the tag apart. */
export async function sealOneShot(key: Uint8Array, iv: Uint8Array, plain: Uint8Array) {
  const k = await subtle.importKey('raw', bs(key), 'AES-GCM', false, ['encrypt']);
  const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: bs(iv), tagLength: 128 }, k, bs(plain)));
  return { ciphertext: sealed.slice(0, -16), tag: sealed.slice(-16) };
}

export async function openOneShot(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', bs(key), 'AES-GCM', false, ['decrypt']);
  return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: bs(iv), tagLength: 128 }, k, concatBytes(ciphertext, tag)));
}

/** Streams `ciphertext` cut at `cuts` (or every `chunk` bytes); returns the plaintext only if finish() passed. */
export async function streamOpen(
  key: Uint8Array | CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  chunk: number | number[],
  ghash: GhashEngine = 'webcrypto',
): Promise<Uint8Array> {
  const dec = createGcmDecryptor(key, iv, tag, { ghash });
  const parts: Uint8Array[] = [];
  const sizes = typeof chunk === 'number' ? null : chunk;
  let at = 0;
  let i = 0;
  while (at < ciphertext.length) {
    const n = sizes ? (sizes[i++ % sizes.length] ?? 1) : (chunk as number);
    const piece = ciphertext.subarray(at, Math.min(ciphertext.length, at + n));
    const plain = await dec.update(piece);
    expect(plain.length).toBe(piece.length);
    parts.push(plain);
    at += piece.length;
  }
  await dec.finish();
  return concatBytes(...parts);
}

/** Byte equality without vitest's element-by-element diffing, which is slow on large arrays. */
export function expectSameBytes(a: Uint8Array, b: Uint8Array): void {
  expect(a.length).toBe(b.length);
  expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length))).toBe(0);
}

export async function expectAuthFailure(run: () => Promise<unknown>): Promise<void> {
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DecryptError);
  expect((error as DecryptError).reason).toBe('auth-failed');
}
