// Ed25519: Web Crypto and @noble agree, libsodium secret keys, fingerprints.
import { afterEach, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint, setEd25519Backend, signEd25519, verifyEd25519 } from '../../../src/jmix/crypto/ed25519.ts';
import { seed } from '../../helpers/signing.ts';

afterEach(() => setEd25519Backend('auto'));

describe('Ed25519', () => {
  it.each(['webcrypto', 'noble'] as const)('signs and verifies; rejects tampering (%s)', async (backend) => {
    setEd25519Backend(backend);
    const pub = ed25519PublicKey(seed(7));
    const msg = utf8Encode('hello JMIX');
    const sig = signEd25519(seed(7), msg);
    expect(await verifyEd25519(pub, msg, sig)).toBe(true);
    expect(await verifyEd25519(pub, utf8Encode('hello JMIX!'), sig)).toBe(false);
    const bad = sig.slice();
    bad[10]! ^= 1;
    expect(await verifyEd25519(pub, msg, bad)).toBe(false);
    expect(await verifyEd25519(ed25519PublicKey(seed(8)), msg, sig)).toBe(false);
    expect(await verifyEd25519(pub.slice(0, 31), msg, sig)).toBe(false);
  });
  it('accepts a 64-byte libsodium secret key and computes both fingerprint cases', () => {
    const pub = ed25519PublicKey(seed(3));
    const sodium = new Uint8Array([...seed(3), ...pub]);
    expect(signEd25519(sodium, utf8Encode('x'))).toEqual(signEd25519(seed(3), utf8Encode('x')));
    const lower = fingerprint(pub, 'lower');
    expect(lower).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(fingerprint(pub, 'upper')).toBe('SHA256:' + lower.slice(7).toUpperCase());
    expect(() => signEd25519(new Uint8Array([...seed(3), ...seed(1)]), utf8Encode('x'))).toThrow(/inconsistent/);
  });
});
