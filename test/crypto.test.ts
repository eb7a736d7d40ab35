// Payload cryptography: encodings, recipient keys, X25519, and the three producers' payload cipher,
// including the real jmix-js and jmix-php vectors when ../shared is present.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
  bytesToHex,
  constantTimeEqual,
  hexToBytes,
  utf8Decode,
  utf8Encode,
} from '../src/jmix/crypto/bytes.ts';
import { KeyFormatError, parseRecipientKey, publicKeyFromPrivate } from '../src/jmix/crypto/keys.ts';
import { generateX25519KeyPair, KeyAgreementError, setX25519Backend, sharedSecret } from '../src/jmix/crypto/x25519.ts';
import {
  DecryptError,
  decryptPayload,
  defaultOrder,
  encryptPayload,
  HKDF_INFO,
  type Producer,
} from '../src/jmix/crypto/payload-cipher.ts';
import type { EncryptionInfo } from '../src/jmix/types.ts';
import { hasShared, sharedPath, describeWithShared } from './shared.ts';

const sha256hex = (u: Uint8Array) => createHash('sha256').update(u).digest('hex');
const toInfo = (e: { algorithm: string; ephemeral_public_key: string; iv: string; auth_tag?: string | null }): EncryptionInfo => ({
  algorithm: e.algorithm,
  ephemeralPublicKey: e.ephemeral_public_key,
  iv: e.iv,
  authTag: e.auth_tag ?? null,
});
function flipBase64Bit(b64: string, byte: number, bit = 0): string {
  const u = base64ToBytes(b64);
  u[byte]! ^= 1 << bit;
  return bytesToBase64(u);
}
async function expectDecryptError(p: Promise<unknown>, reason: DecryptError['reason']): Promise<DecryptError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DecryptError);
  expect((e as DecryptError).reason).toBe(reason);
  return e as DecryptError;
}

afterEach(() => setX25519Backend('auto'));

describe('bytes', () => {
  it('round-trips base64 and base64url, tolerating whitespace and missing padding', () => {
    for (let n = 0; n < 40; n++) {
      const u = globalThis.crypto.getRandomValues(new Uint8Array(n));
      expect(base64ToBytes(bytesToBase64(u))).toEqual(u);
      expect(base64UrlToBytes(bytesToBase64Url(u))).toEqual(u);
    }
    expect(bytesToBase64(utf8Encode('ab'))).toBe('YWI=');
    expect(utf8Decode(base64ToBytes(' YW\nI '))).toBe('ab');
    expect(utf8Decode(base64ToBytes('YWI'))).toBe('ab');
    expect(bytesToBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(() => base64UrlToBytes('+/8')).toThrow(/unexpected character '\+' at position 1/);
    expect(() => base64ToBytes('YWJj!A==')).toThrow(/unexpected character '!' at position 5/);
    expect(() => base64ToBytes('YWJjZ')).toThrow(/cannot be a whole number of bytes/);
  });
  it('hex and constant-time equality', () => {
    expect(bytesToHex(hexToBytes('00ff10Ab'))).toBe('00ff10ab');
    expect(() => hexToBytes('0g')).toThrow(/'g' at position 2/);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});

describe('parseRecipientKey', () => {
  const { privateKey } = generateX25519KeyPair();
  const b64 = bytesToBase64(privateKey);

  it('accepts base64, base64url, unpadded, raw 32 bytes, a text file, hex and PKCS#8', async () => {
    expect(parseRecipientKey(b64)).toEqual(privateKey);
    expect(parseRecipientKey(`  ${b64}\n`)).toEqual(privateKey);
    expect(parseRecipientKey(bytesToBase64Url(privateKey))).toEqual(privateKey);
    expect(parseRecipientKey(b64.replace(/=+$/, ''))).toEqual(privateKey);
    expect(parseRecipientKey(privateKey)).toEqual(privateKey);
    expect(parseRecipientKey(utf8Encode(b64 + '\n'))).toEqual(privateKey);
    expect(parseRecipientKey(utf8Encode(b64 + '\r\n'))).toEqual(privateKey);
    expect(parseRecipientKey(bytesToHex(privateKey))).toEqual(privateKey);
    // A PKCS#8 PEM made by Web Crypto for a fresh X25519 key: its scalar is the last 32 DER bytes.
    const kp = (await globalThis.crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
    const der = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', kp.privateKey));
    const pem = `-----BEGIN PRIVATE KEY-----\n${bytesToBase64(der)}\n-----END PRIVATE KEY-----\n`;
    const parsed = parseRecipientKey(pem);
    expect(parsed).toEqual(der.slice(16));
    const rawPub = new Uint8Array(await globalThis.crypto.subtle.exportKey('raw', kp.publicKey));
    expect(publicKeyFromPrivate(parsed)).toEqual(rawPub);
  });

  it('says precisely what is wrong', () => {
    const err = (input: string | Uint8Array): KeyFormatError => {
      try {
        parseRecipientKey(input);
      } catch (e) {
        expect(e).toBeInstanceOf(KeyFormatError);
        return e as KeyFormatError;
      }
      throw new Error('expected a KeyFormatError');
    };
    const short = err(bytesToBase64(privateKey.slice(0, 31)));
    expect(short.reason).toBe('wrong-length');
    expect(short.message).toMatch(/^The key decodes to 31 bytes; an X25519 private key is 32 bytes/);
    const bang = err(b64.slice(0, 11) + '!' + b64.slice(12));
    expect(bang.reason).toBe('bad-base64');
    expect(bang.message).toMatch(/^The key is not valid base64: unexpected character '!' at position 12/);
    expect(err('').reason).toBe('empty');
    expect(err(new Uint8Array(0)).reason).toBe('empty');
    const pub = err('-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA\n-----END PUBLIC KEY-----');
    expect(pub.reason).toBe('public-key');
    expect(pub.message).toMatch(/PEM public key/);
    expect(err(bytesToBase64(new Uint8Array(64))).message).toMatch(/64 bytes.*Ed25519 signing secret key/);
    expect(err('{"recipient_private_key_b64":"x"}').reason).toBe('json');
    expect(err(new Uint8Array([0, 1, 2, 200, 5])).reason).toBe('binary');
    expect(err('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----').reason).toBe('pem');
  });
});

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
      const e = await expectDecryptError(decryptPayload({ ciphertext, encryption: { ...info, ...change }, privateKey: priv }), 'bad-parameters');
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
    for (const o of [defaultOrder({ ciphertextName: 'payload.enc', manifestLooksJs: true }), defaultOrder({ ciphertextName: 'p', manifestLooksJs: false })]) {
      expect([...o].sort()).toEqual(['jmix-js', 'jmix-php', 'jmix-rs']);
    }
  });
});

describeWithShared(['jmix', 'vectors', 'jmix-js'], 'real jmix-js vectors', () => {
  const v = (p: string) => sharedPath('jmix', 'vectors', 'jmix-js', p);
  const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
  const keys = JSON.parse(readFileSync(v('encrypted/keys.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(v(`${expected.encrypted.dir}/manifest.json`), 'utf8'));
  const info = toInfo(manifest.security.encryption);

  it('the recipient private key parses and matches the published public key', () => {
    const priv = parseRecipientKey(keys.recipient_private_key_b64);
    expect(bytesToBase64(publicKeyFromPrivate(priv))).toBe(keys.recipient_public_key_b64);
  });

  it.each(['webcrypto', 'noble'] as const)('decrypts encrypted/payload.encrypted with JMIX-Payload-Encryption (%s X25519)', async (backend) => {
    setX25519Backend(backend);
    const ciphertext = new Uint8Array(readFileSync(v(`${expected.encrypted.dir}/payload.encrypted`)));
    expect(ciphertext.length).toBe(expected.encrypted.ciphertext_bytes);
    const out = await decryptPayload({
      ciphertext,
      encryption: info,
      privateKey: parseRecipientKey(keys.recipient_private_key_b64),
      order: ['jmix-rs', 'jmix-php', 'jmix-js'],
    });
    expect(out.infoString).toBe('JMIX-Payload-Encryption');
    expect(out.producer).toBe('jmix-js');
    expect(out.plaintext.length).toBe(59392);
    expect('sha256:' + sha256hex(out.plaintext)).toBe(expected.encrypted.sha256_of_plaintext_tar_rs_recipe_would_give);
    expect(utf8Decode(out.plaintext.slice(0, 8))).toBe('payload/');
  });

  it('the wrong key and the byte-flipped ciphertext both fail authentication', async () => {
    const ciphertext = new Uint8Array(readFileSync(v(`${expected.encrypted.dir}/payload.encrypted`)));
    const wrong = await expectDecryptError(
      decryptPayload({ ciphertext, encryption: info, privateKey: parseRecipientKey(keys.wrong_private_key_b64) }),
      'auth-failed',
    );
    expect(wrong.tried).toEqual(['JMIX-Payload-Encryption', 'JMIX-payload-encryption', 'JMIX-AES256-GCM']);
    const corrupted = expected.corrupted.encrypted_ciphertext_byteflip;
    const flipped = new Uint8Array(readFileSync(v(corrupted.flipped.file)));
    expect(flipped[corrupted.flipped.offset]).toBe(corrupted.flipped.after);
    await expectDecryptError(
      decryptPayload({ ciphertext: flipped, encryption: info, privateKey: parseRecipientKey(keys.recipient_private_key_b64) }),
      'auth-failed',
    );
  });
});

describeWithShared(['jmix', 'vectors', 'jmix-php'], 'real jmix-php vectors', () => {
  const v = (p: string) => sharedPath('jmix', 'vectors', 'jmix-php', p);
  const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
  const keys = JSON.parse(readFileSync(v('keys.json'), 'utf8'));

  it.each(['encrypted', 'full'])('decrypts %s with JMIX-payload-encryption', async (name) => {
    const env = expected.envelopes[name];
    const manifest = JSON.parse(readFileSync(v(`${env.dir}/manifest.json`), 'utf8'));
    const ciphertext = new Uint8Array(readFileSync(v(`${env.dir}/payload.encrypted`)));
    expect('sha256:' + sha256hex(ciphertext)).toBe(env.payload_hash); // php hashes the ciphertext
    const out = await decryptPayload({
      ciphertext,
      encryption: toInfo(manifest.security.encryption),
      privateKey: parseRecipientKey(keys.recipient_private_key_b64),
      order: defaultOrder({ ciphertextName: 'payload.encrypted', manifestLooksJs: false }),
    });
    expect(out.infoString).toBe('JMIX-payload-encryption');
    expect(out.producer).toBe('jmix-php');
    expect(out.plaintext.length).toBe(env.plaintext_tar.bytes);
    expect('sha256:' + sha256hex(out.plaintext)).toBe(env.recomputed.sha256_of_plaintext_tar_rs_rule_would_give);

    await expectDecryptError(
      decryptPayload({
        ciphertext,
        encryption: toInfo(manifest.security.encryption),
        privateKey: parseRecipientKey(keys.wrong_private_key_b64),
      }),
      'auth-failed',
    );
  });

  it('the byte-flipped php ciphertext fails with the right key', async () => {
    const c = expected.corrupted.encrypted_ciphertext_byteflip;
    const manifest = JSON.parse(readFileSync(v(`${c.dir}/manifest.json`), 'utf8'));
    const e = await expectDecryptError(
      decryptPayload({
        ciphertext: new Uint8Array(readFileSync(v(c.flipped.file))),
        encryption: toInfo(manifest.security.encryption),
        privateKey: parseRecipientKey(keys.recipient_private_key_b64),
      }),
      'auth-failed',
    );
    expect(e.tried).toContain('JMIX-payload-encryption');
  });
});
