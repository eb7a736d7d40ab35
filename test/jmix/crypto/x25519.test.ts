// X25519 key agreement: Web Crypto and @noble agree, and refuse unusable public keys.
import { afterEach, describe, expect, it } from 'vitest';
import { generateX25519KeyPair, KeyAgreementError, setX25519Backend, sharedSecret } from '../../../src/jmix/crypto/x25519.ts';

afterEach(() => setX25519Backend('auto'));

describe('X25519', () => {
  it('Web Crypto and @noble agree, and both reject small-order and wrong-length public keys', async () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    setX25519Backend('webcrypto');
    const s1 = await sharedSecret(a.privateKey, b.publicKey);
    const s1b = await sharedSecret(b.privateKey, a.publicKey);
    setX25519Backend('noble');
    const s2 = await sharedSecret(a.privateKey, b.publicKey);
    expect(s1).toEqual(s1b);
    expect(s1).toEqual(s2);
    expect(s1.length).toBe(32);
    for (const backend of ['webcrypto', 'noble'] as const) {
      setX25519Backend(backend);
      const zero = await sharedSecret(a.privateKey, new Uint8Array(32)).catch((e: unknown) => e);
      expect(zero).toBeInstanceOf(KeyAgreementError);
      expect((zero as KeyAgreementError).reason).toBe('small-order');
      expect((zero as Error).message).toMatch(/small-order point/);
      const short = await sharedSecret(a.privateKey, new Uint8Array(31).fill(9)).catch((e: unknown) => e);
      expect((short as KeyAgreementError).reason).toBe('bad-length');
      expect((short as Error).message).toMatch(/31 bytes/);
    }
  });
});
