// Streaming AES-256-GCM on whole envelopes: our own in every dialect agree with decryptPayload, and
// the real producers' vectors open (skipped without ../shared).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../../../src/jmix/crypto/bytes.ts';
import { decryptPayload, HKDF_INFO, type Producer } from '../../../src/jmix/crypto/payload-cipher.ts';
import { decryptGcmStreaming, deriveStreamKey, findInfoString } from '../../../src/jmix/crypto/stream-gcm.ts';
import { pack, recipient, wrongRecipient } from '../../helpers/fixtures.ts';
import { sharedPath, describeWithShared } from '../../shared.ts';
import { streamOpen, expectSameBytes, expectAuthFailure } from '../../helpers/gcm.ts';

describe('project envelopes: streaming agrees with decryptPayload', () => {
  const dialects: { dialect: 'spec' | 'jmix-js' | 'jmix-rs' | 'jmix-php'; producer: Producer }[] = [
    { dialect: 'spec', producer: 'jmix-php' },
    { dialect: 'jmix-js', producer: 'jmix-js' },
    { dialect: 'jmix-rs', producer: 'jmix-rs' },
    { dialect: 'jmix-php', producer: 'jmix-php' },
  ];
  for (const { dialect, producer } of dialects) {
    it(`${dialect}: same plaintext; findInfoString names ${producer}; tampered copies fail`, async () => {
      const env = await pack(dialect, { encryptTo: recipient.publicKey });
      const { ciphertext, encryption } = envelopeCipher(env.files);
      const oneShot = await decryptPayload({
        ciphertext,
        encryption: toEncryptionInfo(encryption),
        privateKey: recipient.privateKey,
        order: ['jmix-js', 'jmix-php', 'jmix-rs'],
      });
      expect(oneShot.producer).toBe(producer);
      const eph = base64ToBytes(encryption.ephemeral_public_key);
      const iv = base64ToBytes(encryption.iv);
      const tag = base64ToBytes(encryption.auth_tag);
      const found = await findInfoString({
        source: ciphertext,
        privateKey: recipient.privateKey,
        ephemeralPublicKey: eph,
        iv,
        tag,
        chunkSize: 4099,
      });
      expect(found?.producer).toBe(producer);
      const key = await deriveStreamKey(recipient.privateKey, eph, HKDF_INFO[producer]);
      expect(found?.key).toEqual(key);
      expectSameBytes(await streamOpen(key, iv, ciphertext, tag, 16_384), oneShot.plaintext);
      expect(
        await findInfoString({ source: ciphertext, privateKey: wrongRecipient.privateKey, ephemeralPublicKey: eph, iv, tag }),
      ).toBeNull();

      for (const tamper of ['ciphertext-byte', 'tag-byte'] as const) {
        const bad = envelopeCipher((await pack(dialect, { encryptTo: recipient.publicKey, tamper })).files);
        const badKey = await deriveStreamKey(recipient.privateKey, base64ToBytes(bad.encryption.ephemeral_public_key), HKDF_INFO[producer]);
        await expectAuthFailure(() =>
          decryptGcmStreaming(bad.ciphertext, badKey, base64ToBytes(bad.encryption.iv), base64ToBytes(bad.encryption.auth_tag)),
        );
      }
    });
  }
});

interface EncryptionFields {
  algorithm: string;
  ephemeral_public_key: string;
  iv: string;
  auth_tag: string;
}
function envelopeCipher(files: { path: string; bytes: Uint8Array }[]): { ciphertext: Uint8Array; encryption: EncryptionFields } {
  const manifest = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'manifest.json')!.bytes));
  const ciphertext = files.find((f) => f.path === 'payload.encrypted' || f.path === 'payload.enc')!.bytes;
  return { ciphertext, encryption: manifest.security.encryption };
}
const toEncryptionInfo = (e: EncryptionFields) => ({
  algorithm: e.algorithm,
  ephemeralPublicKey: e.ephemeral_public_key,
  iv: e.iv,
  authTag: e.auth_tag,
});

function readVector(dir: string): { ciphertext: Uint8Array; encryption: EncryptionFields } {
  return {
    ciphertext: new Uint8Array(readFileSync(join(dir, 'payload.encrypted'))),
    encryption: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).security.encryption,
  };
}

describeWithShared(['jmix', 'vectors'], 'real producer vectors (../shared/jmix/vectors)', () => {
  const V = (...p: string[]) => sharedPath('jmix', 'vectors', ...p);
  const vectors = [
    {
      name: 'jmix-js encrypted',
      dir: V('jmix-js', 'encrypted', '878c0219-41be-4e3b-97b4-87627cfc6f4b.JMIX'),
      keys: V('jmix-js', 'encrypted', 'keys.json'),
      producer: 'jmix-js' as Producer,
      corrupt: V('jmix-js', 'corrupted', 'encrypted-ciphertext-byteflip', '878c0219-41be-4e3b-97b4-87627cfc6f4b.JMIX'),
    },
    {
      name: 'jmix-php encrypted',
      dir: V('jmix-php', 'encrypted', 'b094937f-6390-450d-b0a0-0435b2939da0.JMIX'),
      keys: V('jmix-php', 'keys.json'),
      producer: 'jmix-php' as Producer,
      corrupt: V('jmix-php', 'corrupted', 'encrypted-ciphertext-byteflip', 'b094937f-6390-450d-b0a0-0435b2939da0.JMIX'),
    },
    {
      name: 'jmix-php full',
      dir: V('jmix-php', 'full', '7469f48a-e575-401a-8187-a88283d0ef0b.JMIX'),
      keys: V('jmix-php', 'keys.json'),
      producer: 'jmix-php' as Producer,
      corrupt: null,
    },
  ];
  for (const v of vectors) {
    it(`${v.name}: streaming = one-shot, info "${HKDF_INFO[v.producer]}" found in one pass; byteflip and wrong key fail`, async () => {
      const keys = JSON.parse(readFileSync(v.keys, 'utf8'));
      const priv = base64ToBytes(keys.recipient_private_key_b64);
      const wrong = base64ToBytes(keys.wrong_private_key_b64);
      const { ciphertext, encryption } = readVector(v.dir);
      const eph = base64ToBytes(encryption.ephemeral_public_key);
      const iv = base64ToBytes(encryption.iv);
      const tag = base64ToBytes(encryption.auth_tag);
      const oneShot = await decryptPayload({ ciphertext, encryption: toEncryptionInfo(encryption), privateKey: priv });
      expect(oneShot.producer).toBe(v.producer);
      const key = await deriveStreamKey(priv, eph, HKDF_INFO[v.producer]);
      for (const chunk of [1000, 4096, 65_537, 1 << 20]) {
        expectSameBytes(await streamOpen(key, iv, ciphertext, tag, chunk), oneShot.plaintext);
      }
      const found = await findInfoString({ source: ciphertext, privateKey: priv, ephemeralPublicKey: eph, iv, tag });
      expect(found?.infoString).toBe(HKDF_INFO[v.producer]);
      expect(
        (await findInfoString({ source: ciphertext, privateKey: priv, ephemeralPublicKey: eph, iv, tag, ghash: 'noble', chunkSize: 5000 }))
          ?.infoString,
      ).toBe(HKDF_INFO[v.producer]);
      expect(await findInfoString({ source: ciphertext, privateKey: wrong, ephemeralPublicKey: eph, iv, tag })).toBeNull();
      // The other producers' info strings derive other keys: the tag must not match.
      for (const other of (['jmix-js', 'jmix-php', 'jmix-rs'] as Producer[]).filter((p) => p !== v.producer)) {
        await expectAuthFailure(async () => streamOpen(await deriveStreamKey(priv, eph, HKDF_INFO[other]), iv, ciphertext, tag, 65_536));
      }
      await expectAuthFailure(async () =>
        streamOpen(await deriveStreamKey(wrong, eph, HKDF_INFO[v.producer]), iv, ciphertext, tag, 65_536),
      );

      if (v.corrupt) {
        const bad = readVector(v.corrupt);
        expect(bad.ciphertext.length).toBe(ciphertext.length);
        expect(Buffer.compare(bad.ciphertext, ciphertext)).not.toBe(0);
        const badKey = await deriveStreamKey(priv, base64ToBytes(bad.encryption.ephemeral_public_key), HKDF_INFO[v.producer]);
        for (const engine of ['webcrypto', 'noble'] as const) {
          await expectAuthFailure(() =>
            streamOpen(badKey, base64ToBytes(bad.encryption.iv), bad.ciphertext, base64ToBytes(bad.encryption.auth_tag), 4096, engine),
          );
        }
        expect(
          await findInfoString({
            source: bad.ciphertext,
            privateKey: priv,
            ephemeralPublicKey: base64ToBytes(bad.encryption.ephemeral_public_key),
            iv: base64ToBytes(bad.encryption.iv),
            tag: base64ToBytes(bad.encryption.auth_tag),
          }),
        ).toBeNull();
      }
    });
  }
});
