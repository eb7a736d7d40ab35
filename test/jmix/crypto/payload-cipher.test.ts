// The three producers' payload cipher: round trips, tampering, unusable parameters, the tag at the
// end of the file, and the order producers are tried in.
import { afterEach, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../src/jmix/crypto/bytes.ts';
import { generateX25519KeyPair, setX25519Backend } from '../../../src/jmix/crypto/x25519.ts';
import { decryptPayload, defaultOrder, encryptPayload, HKDF_INFO, type Producer } from '../../../src/jmix/crypto/payload-cipher.ts';
import type { EncryptionInfo } from '../../../src/jmix/types.ts';
import { toInfo, flipBase64Bit, expectDecryptError } from '../../helpers/cipher.ts';

afterEach(() => setX25519Backend('auto'));

describe('payload cipher', () => {
  const recipient = generateX25519KeyPair();
  const plaintext = globalThis.crypto.getRandomValues(new Uint8Array(5000));
  const producers: Producer[] = ['jmix-js', 'jmix-rs', 'jmix-php'];

  it.each(producers)('round-trips %s and identifies the producer by its HKDF info string', async (producer) => {
    const { ciphertext, encryption } = await encryptPayload(plaintext, recipient.publicKey, producer);
    expect(ciphertext.length).toBe(plaintext.length); // tag is kept out of the file, as producers do
    expect(base64ToBytes(encryption.iv).length).toBe(12);
    expect(base64ToBytes(encryption.auth_tag).length).toBe(16);
    expect(encryption.ephemeral_public_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // Put the right producer last so the wrong info strings are really tried first.
    const order = [...producers.filter((p) => p !== producer), producer];
    const out = await decryptPayload({ ciphertext, encryption: toInfo(encryption), privateKey: recipient.privateKey, order });
    expect(out.plaintext).toEqual(plaintext);
    expect(out.producer).toBe(producer);
    expect(out.infoString).toBe(HKDF_INFO[producer]);
    expect(out.tagSource).toBe('manifest');
    // Without the right info string in the order, it must not decrypt.
    const e = await expectDecryptError(
      decryptPayload({ ciphertext, encryption: toInfo(encryption), privateKey: recipient.privateKey, order: order.slice(0, 2) }),
      'auth-failed',
    );
    expect(e.tried).toEqual(order.slice(0, 2).map((p) => HKDF_INFO[p]));
  });

  it('also decrypts through the @noble X25519 fallback', async () => {
    const { ciphertext, encryption } = await encryptPayload(plaintext, recipient.publicKey, 'jmix-php');
    setX25519Backend('noble');
    const out = await decryptPayload({ ciphertext, encryption: toInfo(encryption), privateKey: recipient.privateKey });
    expect(out.plaintext).toEqual(plaintext);
  });

  it('fails with DecryptError for a wrong key and for a flipped bit in ciphertext, tag, IV or ephemeral key', async () => {
    const { ciphertext, encryption } = await encryptPayload(plaintext, recipient.publicKey, 'jmix-js');
    const info = toInfo(encryption);
    const wrong = generateX25519KeyPair();
    const e = await expectDecryptError(decryptPayload({ ciphertext, encryption: info, privateKey: wrong.privateKey }), 'auth-failed');
    expect(e.message).toMatch(
      /^The payload could not be decrypted: either the key is not the recipient key for this envelope, or the encrypted payload was altered or damaged\. AES-GCM cannot tell these apart\. Tried HKDF info strings: "JMIX-Payload-Encryption", "JMIX-payload-encryption", "JMIX-AES256-GCM"/,
    );
    expect(e.tried).toHaveLength(3);

    const flipped = ciphertext.slice();
    flipped[2500]! ^= 0x01;
    await expectDecryptError(decryptPayload({ ciphertext: flipped, encryption: info, privateKey: recipient.privateKey }), 'auth-failed');
    const badTag = { ...info, authTag: flipBase64Bit(info.authTag!, 7) };
    await expectDecryptError(decryptPayload({ ciphertext, encryption: badTag, privateKey: recipient.privateKey }), 'auth-failed');
    const badIv = { ...info, iv: flipBase64Bit(info.iv, 0) };
    await expectDecryptError(decryptPayload({ ciphertext, encryption: badIv, privateKey: recipient.privateKey }), 'auth-failed');
    // Not bit 255: X25519 ignores the top bit of a u-coordinate (RFC 7748), so that flip is harmless.
    const badEph = { ...info, ephemeralPublicKey: flipBase64Bit(info.ephemeralPublicKey, 0) };
    await expectDecryptError(decryptPayload({ ciphertext, encryption: badEph, privateKey: recipient.privateKey }), 'auth-failed');
  });

  it('rejects unusable parameters with specific errors', async () => {
    const { ciphertext, encryption } = await encryptPayload(plaintext, recipient.publicKey, 'jmix-rs');
    const info = toInfo(encryption);
    const priv = recipient.privateKey;
    const cases: [Partial<EncryptionInfo>, RegExp][] = [
      [{ iv: bytesToBase64(new Uint8Array(16)) }, /security\.encryption\.iv decodes to 16 bytes.*12-byte IV/],
      [{ authTag: bytesToBase64(new Uint8Array(12)) }, /auth_tag decodes to 12 bytes.*16-byte tag/],
      [{ ephemeralPublicKey: bytesToBase64(new Uint8Array(33)) }, /ephemeral_public_key decodes to 33 bytes.*32-byte X25519/],
      [{ ephemeralPublicKey: bytesToBase64(new Uint8Array(32)) }, /small-order point/],
      [{ iv: 'abc!defghijk' }, /iv in the manifest is not valid base64: unexpected character '!' at position 4/],
      [{ algorithm: 'ChaCha20-Poly1305' }, /algorithm is "ChaCha20-Poly1305"/],
    ];
    for (const [change, message] of cases) {
      const e = await expectDecryptError(
        decryptPayload({ ciphertext, encryption: { ...info, ...change }, privateKey: priv }),
        'bad-parameters',
      );
      expect(e.message).toMatch(message);
    }
  });

  it('uses the last 16 bytes of the file as the tag when the manifest has none', async () => {
    const { ciphertext, encryption } = await encryptPayload(plaintext, recipient.publicKey, 'jmix-rs');
    const withTag = new Uint8Array([...ciphertext, ...base64ToBytes(encryption.auth_tag)]);
    const out = await decryptPayload({
      ciphertext: withTag,
      encryption: { ...toInfo(encryption), authTag: null },
      privateKey: recipient.privateKey,
      order: defaultOrder({ ciphertextName: 'payload.enc', manifestLooksJs: false }),
    });
    expect(out.plaintext).toEqual(plaintext);
    expect(out.tagSource).toBe('file-tail');
    expect(out.producer).toBe('jmix-rs');
  });

  it('orders the producers by the dialect hints', () => {
    expect(defaultOrder({ ciphertextName: 'x.jmix/payload.enc', manifestLooksJs: false })[0]).toBe('jmix-rs');
    expect(defaultOrder({ ciphertextName: 'payload.encrypted', manifestLooksJs: true })[0]).toBe('jmix-js');
    expect(defaultOrder({ ciphertextName: 'payload.encrypted', manifestLooksJs: false })[0]).toBe('jmix-php');
    for (const o of [
      defaultOrder({ ciphertextName: 'payload.enc', manifestLooksJs: true }),
      defaultOrder({ ciphertextName: 'p', manifestLooksJs: false }),
    ]) {
      expect([...o].sort()).toEqual(['jmix-js', 'jmix-php', 'jmix-rs']);
    }
  });
});
