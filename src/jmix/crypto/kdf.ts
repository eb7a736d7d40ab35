// The one key derivation every JMIX producer uses: X25519(private, public) → HKDF-SHA256 with an
// empty salt and the producer's info string → a 32-byte AES-256 key. Web Crypto does the HKDF;
// x25519.ts picks Web Crypto or @noble for the key agreement.
import { bs } from './bytes.ts';
import { sharedSecret } from './x25519.ts';

/** The X25519 shared secret as HKDF input keying material. Throws KeyAgreementError (bad lengths, small-order keys). */
export async function hkdfInputKey(privateKey: Uint8Array, publicKey: Uint8Array): Promise<CryptoKey> {
  const secret = await sharedSecret(privateKey, publicKey);
  return globalThis.crypto.subtle.importKey('raw', bs(secret), 'HKDF', false, ['deriveBits']);
}

/** HKDF-SHA256(ikm, salt = empty, info) → 32 bytes: an AES-256 key. */
export async function hkdfAes256Key(ikm: CryptoKey, info: string): Promise<Uint8Array> {
  const bits = await globalThis.crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

/** Both steps, for one info string. */
export async function deriveAes256Key(privateKey: Uint8Array, publicKey: Uint8Array, info: string): Promise<Uint8Array> {
  return hkdfAes256Key(await hkdfInputKey(privateKey, publicKey), info);
}
