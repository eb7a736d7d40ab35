// X25519 key agreement: Web Crypto where the browser has it, @noble/curves where it does not.
import { x25519 } from '@noble/curves/ed25519.js';
import { bs, concatBytes, hexToBytes, isAllZero } from './bytes.ts';
import { X25519_PKCS8_PREFIX } from './keys.ts';

export class KeyAgreementError extends Error {
  readonly reason: 'bad-length' | 'small-order';
  constructor(reason: 'bad-length' | 'small-order', message: string) {
    super(message);
    this.name = 'KeyAgreementError';
    this.reason = reason;
  }
}

const PKCS8_PREFIX = hexToBytes(X25519_PKCS8_PREFIX);
const SMALL_ORDER =
  "The public key is a small-order point: X25519 with it gives an all-zero shared secret, so no real sender could have made it. In an envelope this means the manifest's security.encryption.ephemeral_public_key is damaged or forged.";

let webCryptoX25519: Promise<boolean> | null = null;

/** Pin the implementation (tests exercise both paths on one machine); 'auto' = feature-detect. */
export function setX25519Backend(backend: 'auto' | 'webcrypto' | 'noble'): void {
  webCryptoX25519 = backend === 'auto' ? null : Promise.resolve(backend === 'webcrypto');
}

/** Feature-detect once: older Safari/Firefox lack X25519 in Web Crypto. */
export function hasWebCryptoX25519(): Promise<boolean> {
  webCryptoX25519 ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) return false;
      await subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
      return true;
    } catch {
      return false;
    }
  })();
  return webCryptoX25519;
}

/** X25519(priv, pub) as 32 bytes. Rejects wrong lengths and small-order public keys. */
export async function sharedSecret(priv32: Uint8Array, pub32: Uint8Array): Promise<Uint8Array> {
  if (priv32.length !== 32) {
    throw new KeyAgreementError('bad-length', `The X25519 private key is ${priv32.length} bytes; it must be 32.`);
  }
  if (pub32.length !== 32) {
    throw new KeyAgreementError('bad-length', `The X25519 public key is ${pub32.length} bytes; it must be 32.`);
  }
  let secret: Uint8Array | null = null;
  if (await hasWebCryptoX25519()) {
    const subtle = globalThis.crypto.subtle;
    let priv: CryptoKey | null = null;
    let pub: CryptoKey | null = null;
    try {
      priv = await subtle.importKey('pkcs8', concatBytes(PKCS8_PREFIX, priv32), { name: 'X25519' }, false, ['deriveBits']);
      pub = await subtle.importKey('raw', bs(pub32), { name: 'X25519' }, false, []);
    } catch {
      // A browser that can generate X25519 keys but not import these forms: use @noble below.
    }
    if (priv && pub) {
      try {
        secret = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256));
      } catch {
        // Node (and some browsers) refuse small-order points here instead of returning zeros.
        throw new KeyAgreementError('small-order', SMALL_ORDER);
      }
    }
  }
  if (!secret) {
    try {
      secret = x25519.getSharedSecret(priv32, pub32);
    } catch {
      throw new KeyAgreementError('small-order', SMALL_ORDER);
    }
  }
  if (isAllZero(secret)) throw new KeyAgreementError('small-order', SMALL_ORDER);
  return secret;
}

/** A fresh X25519 key pair as raw 32-byte arrays (packer and tests). */
export function generateX25519KeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}
