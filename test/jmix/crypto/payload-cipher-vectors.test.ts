// The payload cipher on the real jmix-js and jmix-php vectors (skipped without ../shared).
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { bytesToBase64, utf8Decode } from '../../../src/jmix/crypto/bytes.ts';
import { parseRecipientKey, publicKeyFromPrivate } from '../../../src/jmix/crypto/keys.ts';
import { setX25519Backend } from '../../../src/jmix/crypto/x25519.ts';
import { decryptPayload, defaultOrder } from '../../../src/jmix/crypto/payload-cipher.ts';
import { sharedPath, describeWithShared } from '../../shared.ts';
import { sha256hex, toInfo, expectDecryptError } from '../../helpers/cipher.ts';

afterEach(() => setX25519Backend('auto'));

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

  it.each(['webcrypto', 'noble'] as const)(
    'decrypts encrypted/payload.encrypted with JMIX-Payload-Encryption (%s X25519)',
    async (backend) => {
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
    },
  );

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
