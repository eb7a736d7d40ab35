// Payload cipher test helpers: manifest encryption fields as EncryptionInfo, a flipped bit, and
// the DecryptError expected.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/jmix/crypto/bytes.ts';
import { DecryptError } from '../../src/jmix/crypto/payload-cipher.ts';
import type { EncryptionInfo } from '../../src/jmix/types.ts';

export const sha256hex = (u: Uint8Array) => createHash('sha256').update(u).digest('hex');
export const toInfo = (e: { algorithm: string; ephemeral_public_key: string; iv: string; auth_tag?: string | null }): EncryptionInfo => ({
  algorithm: e.algorithm,
  ephemeralPublicKey: e.ephemeral_public_key,
  iv: e.iv,
  authTag: e.auth_tag ?? null,
});
export function flipBase64Bit(b64: string, byte: number, bit = 0): string {
  const u = base64ToBytes(b64);
  u[byte]! ^= 1 << bit;
  return bytesToBase64(u);
}
export async function expectDecryptError(p: Promise<unknown>, reason: DecryptError['reason']): Promise<DecryptError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DecryptError);
  expect((e as DecryptError).reason).toBe(reason);
  return e as DecryptError;
}
