// The one key derivation: X25519 → HKDF-SHA256 (empty salt, info), checked against @noble's HKDF.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { deriveAes256Key, hkdfAes256Key, hkdfInputKey } from '../../../src/jmix/crypto/kdf.ts';
import { HKDF_INFO } from '../../../src/jmix/crypto/payload-cipher.ts';
import { generateX25519KeyPair, KeyAgreementError, sharedSecret } from '../../../src/jmix/crypto/x25519.ts';

describe('kdf', () => {
  it('derives the HKDF-SHA256 key of the X25519 secret for every info string', async () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    const secret = await sharedSecret(a.privateKey, b.publicKey);
    const ikm = await hkdfInputKey(a.privateKey, b.publicKey);
    for (const info of Object.values(HKDF_INFO)) {
      const expected = hkdf(sha256, secret, new Uint8Array(0), new TextEncoder().encode(info), 32);
      expect(await hkdfAes256Key(ikm, info)).toEqual(expected);
      expect(await deriveAes256Key(b.privateKey, a.publicKey, info)).toEqual(expected);
    }
  });

  it('passes key agreement failures on as KeyAgreementError', async () => {
    await expect(deriveAes256Key(new Uint8Array(31), new Uint8Array(32), 'x')).rejects.toBeInstanceOf(KeyAgreementError);
  });
});
