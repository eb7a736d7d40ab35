// Ed25519 for manifest.jws and entity assertions: Web Crypto verify where available, @noble otherwise.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bs, bytesToHex, constantTimeEqual } from './bytes.ts';

let webCryptoEd25519: Promise<boolean> | null = null;

export function hasWebCryptoEd25519(): Promise<boolean> {
  webCryptoEd25519 ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) return false;
      await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return webCryptoEd25519;
}

/** Pin the implementation (tests exercise both paths); 'auto' = feature-detect. */
export function setEd25519Backend(backend: 'auto' | 'webcrypto' | 'noble'): void {
  webCryptoEd25519 = backend === 'auto' ? null : Promise.resolve(backend === 'webcrypto');
}

/** True only for a valid signature. Wrong lengths or an undecodable key give false, never a throw. */
export async function verifyEd25519(publicKey32: Uint8Array, message: Uint8Array, signature64: Uint8Array): Promise<boolean> {
  if (publicKey32.length !== 32 || signature64.length !== 64) return false;
  if (await hasWebCryptoEd25519()) {
    try {
      const subtle = globalThis.crypto.subtle;
      const key = await subtle.importKey('raw', bs(publicKey32), { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, key, bs(signature64), bs(message));
    } catch {
      return false; // e.g. the 32 bytes are not a curve point
    }
  }
  try {
    // zip215:false = RFC 8032 strict checks, the closest match to Web Crypto's verify.
    return ed25519.verify(signature64, message, publicKey32, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Seed of a signing key: a 32-byte seed, or a 64-byte libsodium secret key (seed || public key),
 * as jmix-php's keygen writes; the public half must match the seed.
 */
export function ed25519Seed(secret: Uint8Array): Uint8Array {
  if (secret.length === 32) return secret;
  if (secret.length === 64) {
    const seed = secret.slice(0, 32);
    if (!constantTimeEqual(ed25519.getPublicKey(seed), secret.slice(32))) {
      throw new Error('The 64-byte Ed25519 secret key is inconsistent: its second half is not the public key of its first half.');
    }
    return seed;
  }
  throw new Error(`An Ed25519 secret key is a 32-byte seed or a 64-byte libsodium key; got ${secret.length} bytes.`);
}

export function ed25519PublicKey(secret: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(ed25519Seed(secret));
}

/** Deterministic Ed25519 signature (RFC 8032), for the fixture packer. */
export function signEd25519(secret: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, ed25519Seed(secret));
}

/** 'SHA256:' + hex(SHA-256(public key)): lowercase is jmix-rs, uppercase is jmix-php. */
export function fingerprint(pub32: Uint8Array, hexCase: 'lower' | 'upper' = 'lower'): string {
  const hex = bytesToHex(sha256(pub32));
  return 'SHA256:' + (hexCase === 'upper' ? hex.toUpperCase() : hex);
}
