// Streaming AES-256-GCM (Web Crypto AES-CTR + GHASH) must agree byte for byte with one-shot
// Web Crypto AES-GCM and reject every tampering only at finish().
import { ecb } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../../src/jmix/crypto/bytes.ts';
import { DecryptError } from '../../../src/jmix/crypto/payload-cipher.ts';
import { counterBlock, createGcmDecryptor, decryptGcmStreaming, GCM_MAX_BYTES, rechunk } from '../../../src/jmix/crypto/stream-gcm.ts';
import { subtle, randomBytes, sealOneShot, openOneShot, streamOpen, expectSameBytes, expectAuthFailure } from '../../helpers/gcm.ts';

describe('counter blocks', () => {
  const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
  const low32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(12, false);

  it('starts at IV ‖ 2 and keeps the IV as the top 96 bits', () => {
    const c = counterBlock(iv, 0);
    expect(c.subarray(0, 12)).toEqual(iv);
    expect(low32(c)).toBe(2);
    expect(low32(counterBlock(iv, 1000))).toBe(1002);
  });

  it('wraps the low 32 bits mod 2^32 near 2^32 blocks without touching the IV', () => {
    expect(low32(counterBlock(iv, 2 ** 32 - 3))).toBe(0xffffffff);
    expect(low32(counterBlock(iv, 2 ** 32 - 2))).toBe(0);
    expect(low32(counterBlock(iv, 2 ** 32 - 1))).toBe(1);
    expect(low32(counterBlock(iv, 2 ** 32 + 5))).toBe(7);
    for (const idx of [2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32 + 5]) expect(counterBlock(iv, idx).subarray(0, 12)).toEqual(iv);
  });

  it('Web Crypto AES-CTR with length 32 wraps exactly like GCM inc32 (checked against noble AES-ECB)', async () => {
    const key = randomBytes(32);
    const k = await subtle.importKey('raw', key, 'AES-CTR', false, ['encrypt']);
    const start = new Uint8Array(16);
    start.set(iv);
    start.set([0xff, 0xff, 0xff, 0xfe], 12);
    const ks = new Uint8Array(await subtle.encrypt({ name: 'AES-CTR', counter: start, length: 32 }, k, new Uint8Array(64)));
    const blocks = [0xfffffffe, 0xffffffff, 0, 1].map((n) => {
      const b = new Uint8Array(16);
      b.set(iv);
      new DataView(b.buffer).setUint32(12, n, false);
      return b;
    });
    const expected = ecb(key, { disablePadding: true }).encrypt(concatBytes(...blocks));
    expect(bytesToHex(ks)).toBe(bytesToHex(expected));
  });

  it('rejects IVs that are not 12 bytes', () => {
    expect(() => counterBlock(new Uint8Array(16), 0)).toThrow(DecryptError);
    expect(() => createGcmDecryptor(randomBytes(32), new Uint8Array(8), new Uint8Array(16))).toThrow(/8 bytes/);
    expect(() => createGcmDecryptor(randomBytes(32), new Uint8Array(12), new Uint8Array(12))).toThrow(/tag is 12 bytes/);
  });
});

describe('equivalence with one-shot Web Crypto AES-GCM', () => {
  const MiB = 1 << 20;
  const cases: [number, (number | number[])[]][] = [
    [0, [1, 16]],
    [1, [1, 16]],
    [15, [1, 7, 16]],
    [16, [1, 5, 16]],
    [17, [1, 16, 17, [3, 14]]],
    [4095, [1, 15, 16, 17, 4096]],
    [4096 + 7, [13, 16, 1000, 4096, [1, 2, 31, 17, 100]]],
    [MiB + 3, [4096, 65536 + 5, 333_333, MiB, 4 * MiB, [7, 65536, 1, 200_001]]],
  ];
  for (const [size, chunks] of cases) {
    it(`${size} bytes, chunks ${JSON.stringify(chunks)}, both GHASH engines`, async () => {
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const plain = randomBytes(size);
      const { ciphertext, tag } = await sealOneShot(key, iv, plain);
      const oneShot = await openOneShot(key, iv, ciphertext, tag);
      for (const engine of ['webcrypto', 'noble'] as const) {
        for (const chunk of chunks) {
          const streamed = await streamOpen(key, iv, ciphertext, tag, chunk, engine);
          expect(streamed.length).toBe(size);
          expectSameBytes(streamed, oneShot);
        }
      }
    });
  }

  it('random sizes and random cut points', async () => {
    for (let round = 0; round < 12; round++) {
      const size = Math.floor(Math.random() * 200_000);
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const plain = randomBytes(size);
      const { ciphertext, tag } = await sealOneShot(key, iv, plain);
      const cuts = Array.from({ length: 5 }, () => 1 + Math.floor(Math.random() * 40_000));
      for (const engine of ['webcrypto', 'noble'] as const)
        expectSameBytes(await streamOpen(key, iv, ciphertext, tag, cuts, engine), plain);
    }
  });

  it('accepts an AES-CTR CryptoKey (non-extractable: noble GHASH) or an extractable AES-GCM key', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const plain = randomBytes(5000);
    const { ciphertext, tag } = await sealOneShot(key, iv, plain);
    const ctrKey = await subtle.importKey('raw', key, 'AES-CTR', false, ['encrypt', 'decrypt']);
    expectSameBytes(await streamOpen(ctrKey, iv, ciphertext, tag, 1024), plain);
    const gcmKey = await subtle.importKey('raw', key, 'AES-GCM', true, ['decrypt']);
    expectSameBytes(await streamOpen(gcmKey, iv, ciphertext, tag, 999), plain);
    const locked = await subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    await expect(streamOpen(locked, iv, ciphertext, tag, 999)).rejects.toThrow(/non-extractable AES-GCM key/);
  });

  it('decryptGcmStreaming hands out every byte in order with its offset, from arrays and async iterables', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const plain = randomBytes(300_001);
    const { ciphertext, tag } = await sealOneShot(key, iv, plain);
    const got = new Uint8Array(plain.length);
    let expectedOffset = 0;
    await decryptGcmStreaming(ciphertext, key, iv, tag, {
      chunkSize: 65536,
      onChunk: (p, offset) => {
        expect(offset).toBe(expectedOffset);
        got.set(p, offset);
        expectedOffset += p.length;
      },
    });
    expectSameBytes(got, plain);
    async function* pieces() {
      yield ciphertext.subarray(0, 100_000);
      yield ciphertext.subarray(100_000, 100_005);
      yield ciphertext.subarray(100_005);
    }
    const got2 = new Uint8Array(plain.length);
    await decryptGcmStreaming(pieces(), key, iv, tag, { chunkSize: 40_000, onChunk: (p, o) => void got2.set(p, o) });
    expectSameBytes(got2, plain);
  });

  it('rechunk never yields more than the chunk size and loses nothing', async () => {
    const data = randomBytes(10_000);
    const sizes: number[] = [];
    const parts: Uint8Array[] = [];
    for await (const p of rechunk([data.subarray(0, 3000), data.subarray(3000)], 1024)) {
      sizes.push(p.length);
      parts.push(p);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    expectSameBytes(concatBytes(...parts), data);
  });

  it('states the GCM size limit', () => {
    expect(GCM_MAX_BYTES).toBe(68_719_476_704);
  });
});

describe('tampering fails at finish(), never before and never with success', () => {
  const setup = async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const plain = randomBytes(100_003);
    return { key, iv, plain, ...(await sealOneShot(key, iv, plain)) };
  };
  const flip = (u: Uint8Array, at: number) => {
    const c = u.slice();
    c[at]! ^= 0x01;
    return c;
  };

  it('a flipped ciphertext byte at the start, middle, last block and last byte', async () => {
    const { key, iv, ciphertext, tag } = await setup();
    for (const at of [0, 50_000, ciphertext.length - 17, ciphertext.length - 1]) {
      const bad = flip(ciphertext, at);
      // update() still yields plaintext (untrusted): only finish() may decide.
      const dec = createGcmDecryptor(key, iv, tag);
      const out = await dec.update(bad);
      expect(out.length).toBe(bad.length);
      await expectAuthFailure(() => dec.finish());
      await expectAuthFailure(() => decryptGcmStreaming(bad, key, iv, tag, { chunkSize: 4096 }));
    }
  });

  it('a flipped tag bit, a changed IV, a wrong key', async () => {
    const { key, iv, ciphertext, tag } = await setup();
    for (let bit = 0; bit < 128; bit += 37) {
      const t = tag.slice();
      t[bit >> 3]! ^= 1 << (bit & 7);
      await expectAuthFailure(() => streamOpen(key, iv, ciphertext, t, 8192));
      await expectAuthFailure(() => streamOpen(key, iv, ciphertext, t, 8192, 'noble'));
    }
    await expectAuthFailure(() => streamOpen(key, flip(iv, 11), ciphertext, tag, 8192));
    await expectAuthFailure(() => streamOpen(key, flip(iv, 0), ciphertext, tag, 8192));
    await expectAuthFailure(() => streamOpen(flip(key, 31), iv, ciphertext, tag, 8192));
  });

  it('truncated, extended, or reordered ciphertext', async () => {
    const { key, iv, ciphertext, tag } = await setup();
    await expectAuthFailure(() => streamOpen(key, iv, ciphertext.subarray(0, ciphertext.length - 1), tag, 4096));
    await expectAuthFailure(() => streamOpen(key, iv, ciphertext.subarray(0, ciphertext.length - 16), tag, 4096));
    await expectAuthFailure(() => streamOpen(key, iv, concatBytes(ciphertext, new Uint8Array(1)), tag, 4096));
    const swapped = concatBytes(ciphertext.subarray(16, 32), ciphertext.subarray(0, 16), ciphertext.subarray(32));
    await expectAuthFailure(() => streamOpen(key, iv, swapped, tag, 4096));
    // Swapping whole chunks must fail too: the Web Crypto engine chains chunk states by position.
    const chunkSwap = concatBytes(ciphertext.subarray(4096, 8192), ciphertext.subarray(0, 4096), ciphertext.subarray(8192));
    await expectAuthFailure(() => streamOpen(key, iv, chunkSwap, tag, 4096));
    await expectAuthFailure(() => streamOpen(key, iv, chunkSwap, tag, 4096, 'noble'));
  });

  it('the decryptor is single-use', async () => {
    const { key, iv, ciphertext, tag } = await setup();
    const dec = createGcmDecryptor(key, iv, tag);
    await dec.update(ciphertext);
    await dec.finish();
    await expect(dec.update(ciphertext)).rejects.toThrow(/after finish/);
    await expect(dec.finish()).rejects.toThrow(/already called/);
  });

  it('a bad key length fails as bad-parameters, not as a tag mismatch', async () => {
    const dec = createGcmDecryptor(new Uint8Array(16), new Uint8Array(12), new Uint8Array(16));
    await expect(dec.update(new Uint8Array(32))).rejects.toMatchObject({ reason: 'bad-parameters' });
    await expect(dec.finish()).rejects.toBeInstanceOf(DecryptError);
  });
});
