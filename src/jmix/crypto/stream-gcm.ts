// Streaming AES-256-GCM decryption with the tag still checked, for payloads too big to hold twice.
// GCM is CTR mode plus GHASH: Web Crypto AES-CTR decrypts each chunk (off the main thread in
// browsers) while a GHASH state absorbs the same ciphertext, and the tag is compared in constant
// time at the end. Plaintext handed out before finish() resolves is UNTRUSTED: callers
// must hold it back, and discard it all when finish() throws.
// GHASH is in ghash.ts; the key comes from kdf.ts.
// Layout (NIST SP 800-38D, 96-bit IV, no AAD): H = E_K(0^128); J0 = IV ‖ 1; the payload's block i
// (0-based) is XORed with E_K(IV ‖ (2 + i) mod 2^32); tag = GHASH_H(C ‖ pad ‖ 0^64 ‖ [len(C)]_64) ⊕ E_K(J0).
import { bs, constantTimeEqual } from './bytes.ts';
import { BLOCK, GhashStream, padFront, WebCryptoGhash, xor16, type Ghasher } from './ghash.ts';
import { deriveAes256Key, hkdfAes256Key, hkdfInputKey } from './kdf.ts';
import { asDecryptError, DecryptError, HKDF_INFO, IV_BYTES, TAG_BYTES, type Producer } from './payload-cipher.ts';

/** GCM's limit for one message with a 96-bit IV: 2^32 − 2 blocks. */
export const GCM_MAX_BYTES = (2 ** 32 - 2) * BLOCK;

const subtle = () => globalThis.crypto.subtle;

function requireIv(iv: Uint8Array): void {
  if (iv.length !== IV_BYTES) throw new DecryptError('bad-parameters', `The GCM IV is ${iv.length} bytes; JMIX uses ${IV_BYTES}-byte IVs.`);
}

function requireTag(tag: Uint8Array): void {
  if (tag.length !== TAG_BYTES)
    throw new DecryptError('bad-parameters', `The GCM tag is ${tag.length} bytes; JMIX uses ${TAG_BYTES}-byte tags.`);
}

/**
 * The CTR counter block for the payload's block `blockIndex` (0-based): IV ‖ (2 + blockIndex) mod 2^32,
 * big-endian. GCM increments only the low 32 bits (inc32), which Web Crypto AES-CTR with
 * `length: 32` reproduces inside one call.
 */
export function counterBlock(iv: Uint8Array, blockIndex: number): Uint8Array<ArrayBuffer> {
  requireIv(iv);
  if (!Number.isSafeInteger(blockIndex) || blockIndex < 0) throw new RangeError(`block index ${blockIndex} is not a non-negative integer`);
  const out = new Uint8Array(BLOCK);
  out.set(iv);
  new DataView(out.buffer).setUint32(12, (blockIndex + 2) % 2 ** 32, false);
  return out;
}

/** J0 = IV ‖ 0x00000001: its keystream block masks the tag. */
function j0(iv: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(BLOCK);
  out.set(iv);
  out[15] = 1;
  return out;
}

export type GhashEngine = 'webcrypto' | 'noble';

interface KeyMaterial {
  ctrKey: CryptoKey;
  /** For the Web Crypto GHASH engine; null when only a non-extractable AES-CTR key was given. */
  gcmKey: CryptoKey | null;
}

async function keyMaterial(key: CryptoKey | Uint8Array): Promise<KeyMaterial> {
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new DecryptError('bad-parameters', `The AES key is ${key.length} bytes; AES-256-GCM needs 32.`);
    const raw = bs(key);
    const [ctrKey, gcmKey] = await Promise.all([
      subtle().importKey('raw', raw, { name: 'AES-CTR' }, false, ['encrypt', 'decrypt']),
      subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt']),
    ]);
    return { ctrKey, gcmKey };
  }
  if (key.extractable) return keyMaterial(new Uint8Array(await subtle().exportKey('raw', key)));
  if (key.algorithm.name === 'AES-CTR' && key.usages.includes('encrypt') && key.usages.includes('decrypt'))
    return { ctrKey: key, gcmKey: null };
  throw new DecryptError(
    'bad-parameters',
    `The streaming decryptor needs the AES key as raw bytes, an AES-CTR CryptoKey with encrypt+decrypt usages, or an extractable key; it got a non-extractable ${key.algorithm.name} key.`,
  );
}

/** H, the tag mask E_K(J0) and a GHASH state for one key and IV. */
async function gcmState(km: KeyMaterial, iv: Uint8Array, engine: GhashEngine): Promise<{ ghash: Ghasher; tagMask: Uint8Array }> {
  const j = j0(iv);
  const [h, tagMask] = await Promise.all([keystreamBlock(km.ctrKey, new Uint8Array(BLOCK)), keystreamBlock(km.ctrKey, j)]);
  const ghash = engine === 'webcrypto' && km.gcmKey ? new WebCryptoGhash(km.gcmKey, h, bs(iv.slice()), tagMask) : new GhashStream(h);
  return { ghash, tagMask };
}

/** One keystream block E_K(counter) (AES-CTR over 16 zero bytes). */
async function keystreamBlock(key: CryptoKey, counter: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await subtle().encrypt({ name: 'AES-CTR', counter, length: 64 }, key, new Uint8Array(BLOCK)));
}

export interface GcmDecryptor {
  /** Decrypts the next chunk (any length). The plaintext is UNTRUSTED until finish() resolves. */
  update(chunk: Uint8Array): Promise<Uint8Array>;
  /** Checks the tag over everything given to update(); throws DecryptError('auth-failed') on mismatch. */
  finish(): Promise<void>;
  /** Ciphertext bytes accepted so far. */
  readonly bytes: number;
}

/**
 * A streaming GCM decryptor. Calls to update() are applied in call order even if not awaited; each
 * overlaps the Web Crypto CTR work with GHASH of the same chunk on the calling thread.
 */
export function createGcmDecryptor(
  key: CryptoKey | Uint8Array,
  iv: Uint8Array,
  expectedTag: Uint8Array,
  opts: { ghash?: GhashEngine } = {},
): GcmDecryptor {
  requireIv(iv);
  requireTag(expectedTag);
  const ivCopy = iv.slice();
  const tag = expectedTag.slice();
  const setup = (async () => {
    const km = await keyMaterial(key);
    return { ctrKey: km.ctrKey, ...(await gcmState(km, ivCopy, opts.ghash ?? 'webcrypto')) };
  })();
  setup.catch(() => {}); // surfaced by update()/finish(); this only stops an unhandled-rejection report
  let queue: Promise<unknown> = setup;
  let offset = 0;
  let state: 'open' | 'finished' | 'failed' = 'open';

  /** AES-CTR of one chunk: independent of the others, so it starts at once. */
  async function ctrChunk(chunk: Uint8Array, at: number): Promise<Uint8Array> {
    const { ctrKey } = await setup;
    if (chunk.length === 0) return new Uint8Array(0);
    // A chunk starting mid-block: pad its front so the CTR call starts on the block boundary.
    const skip = at % BLOCK;
    const input = skip === 0 ? bs(chunk) : padFront(chunk, skip);
    const counter = counterBlock(ivCopy, Math.floor(at / BLOCK));
    const plain = new Uint8Array(await subtle().decrypt({ name: 'AES-CTR', counter, length: 32 }, ctrKey, input));
    return skip === 0 ? plain : plain.subarray(skip);
  }

  return {
    get bytes() {
      return offset;
    },
    update(chunk) {
      if (state !== 'open') return Promise.reject(new Error(`update() after finish(): the GCM decryptor is ${state}.`));
      const at = offset;
      if (at + chunk.length > GCM_MAX_BYTES) {
        state = 'failed';
        return Promise.reject(
          new DecryptError(
            'bad-parameters',
            `The encrypted payload exceeds AES-GCM's limit of ${GCM_MAX_BYTES} bytes for one message; it cannot be a valid GCM ciphertext.`,
          ),
        );
      }
      offset += chunk.length;
      // GHASH is a chain: chunks are absorbed one after another, in call order. The CTR work is not,
      // so several chunks decrypt at once on Web Crypto's threads.
      const hashed = queue.then(async () => (await setup).ghash.update(chunk));
      queue = hashed.catch(() => {
        state = 'failed';
      });
      const plain = ctrChunk(chunk, at);
      plain.catch(() => {
        state = 'failed';
      });
      return Promise.all([plain, hashed]).then(([p]) => p);
    },
    async finish() {
      if (state === 'finished') throw new Error('finish() was already called on this GCM decryptor.');
      await queue;
      if (state === 'failed')
        throw new DecryptError(
          'auth-failed',
          'Decryption was interrupted by an earlier error, so the payload was never authenticated; discard everything decrypted.',
        );
      state = 'finished';
      const { ghash, tagMask } = await setup;
      const computed = xor16(await ghash.digest(), tagMask);
      if (!constantTimeEqual(computed, tag)) {
        throw new DecryptError(
          'auth-failed',
          `The AES-GCM tag does not match after ${offset.toLocaleString('en')} bytes of ciphertext: either the key (or HKDF info string) is wrong, or the encrypted payload, IV or tag was altered. Everything decrypted from it must be discarded.`,
        );
      }
    },
  };
}

export type CiphertextSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

/** Yields the source in pieces of at most `chunkSize` bytes (views, no copies). */
export async function* rechunk(source: CiphertextSource, chunkSize: number): AsyncGenerator<Uint8Array> {
  if (!(chunkSize > 0)) throw new RangeError(`chunk size ${chunkSize} must be positive`);
  const parts = source instanceof Uint8Array ? [source] : source;
  for await (const part of parts) {
    for (let i = 0; i < part.length; i += chunkSize) yield part.subarray(i, Math.min(part.length, i + chunkSize));
  }
}

/**
 * 4 MiB. Measured on the 1 GiB envelope opened in the app (scripts/bench/quick-open.ts, 2 cores):
 * 4, 8 and 16 MiB chunks gave medians of 7.9, 7.9 and 7.8 s to verified, within the run-to-run
 * spread (±1 s), so the smallest keeps memory lowest: chunks in flight (2 decrypting, up to 8 at the
 * tar hash) hold 40 MiB. 1 MiB chunks were slower in the in-page cases of `npm run bench`
 * (more Web Crypto calls per byte); larger reads gain little once three are kept in flight.
 */
export const DEFAULT_CHUNK_SIZE = 4 << 20;

/**
 * Decrypt a whole source chunk by chunk. `onChunk` receives UNTRUSTED plaintext (with its offset):
 * it must stage it, not show or act on it, until this promise resolves; if it rejects, discard all.
 */
export async function decryptGcmStreaming(
  source: CiphertextSource,
  key: CryptoKey | Uint8Array,
  iv: Uint8Array,
  tag: Uint8Array,
  opts: { chunkSize?: number; ghash?: GhashEngine; onChunk?: (plain: Uint8Array, offset: number) => void | Promise<void> } = {},
): Promise<void> {
  const dec = createGcmDecryptor(key, iv, tag, opts.ghash ? { ghash: opts.ghash } : {});
  let offset = 0;
  for await (const chunk of rechunk(source, opts.chunkSize ?? DEFAULT_CHUNK_SIZE)) {
    const plain = await dec.update(chunk);
    await opts.onChunk?.(plain, offset);
    offset += plain.length;
  }
  await dec.finish();
}
/**
 * The raw AES-256 key for the streaming path (kdf.ts): as bytes, so CTR and the GHASH key can both
 * be made from it.
 */
export async function deriveStreamKey(privateKey: Uint8Array, ephemeralPublicKey: Uint8Array, info: string): Promise<Uint8Array> {
  return asDecryptError(() => deriveAes256Key(privateKey, ephemeralPublicKey, info));
}

export interface InfoStringMatch {
  infoString: string;
  producer: Producer;
  key: Uint8Array;
}

/**
 * Which producer's HKDF info string authenticates this ciphertext, in one read of it: one GHASH state
 * per candidate key over the same stream, no decryption. Returns null if none matches (wrong key or
 * altered payload). It costs one GHASH pass per candidate and no AES-CTR (see scripts/bench.ts for
 * whether that beats trying the likeliest info string first).
 */
export async function findInfoString(args: {
  source: CiphertextSource;
  privateKey: Uint8Array;
  ephemeralPublicKey: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  order?: Producer[];
  chunkSize?: number;
  ghash?: GhashEngine;
}): Promise<InfoStringMatch | null> {
  const { iv, tag } = args;
  requireIv(iv);
  requireTag(tag);
  const order = args.order ?? (['jmix-js', 'jmix-php', 'jmix-rs'] as Producer[]);
  // One key agreement, then one HKDF per candidate info string.
  const ikm = await asDecryptError(() => hkdfInputKey(args.privateKey, args.ephemeralPublicKey));
  const candidates = await Promise.all(
    order.map(async (producer) => {
      const key = await hkdfAes256Key(ikm, HKDF_INFO[producer]);
      return { producer, key, ...(await gcmState(await keyMaterial(key), iv, args.ghash ?? 'webcrypto')) };
    }),
  );
  for await (const chunk of rechunk(args.source, args.chunkSize ?? DEFAULT_CHUNK_SIZE)) {
    await Promise.all(candidates.map((c) => c.ghash.update(chunk)));
  }
  let found: InfoStringMatch | null = null;
  for (const c of candidates) {
    // Check every candidate so the time taken does not say which one matched.
    const ok = constantTimeEqual(xor16(await c.ghash.digest(), c.tagMask), tag);
    if (ok && !found) found = { infoString: HKDF_INFO[c.producer], producer: c.producer, key: c.key };
  }
  return found;
}
