// The recipient private key in every form a user has it, and what is said when it is wrong.
import { describe, expect, it } from 'vitest';
import { bytesToBase64, bytesToBase64Url, bytesToHex, utf8Encode } from '../../../src/jmix/crypto/bytes.ts';
import { KeyFormatError, parseRecipientKey, publicKeyFromPrivate } from '../../../src/jmix/crypto/keys.ts';
import { generateX25519KeyPair } from '../../../src/jmix/crypto/x25519.ts';

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
