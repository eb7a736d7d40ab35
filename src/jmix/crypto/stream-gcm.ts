// Streaming AES-256-GCM decryption with the tag still checked, for payloads too big to hold twice.
// GCM is CTR mode plus GHASH: Web Crypto AES-CTR decrypts each chunk (off the main thread in
// browsers) while a GHASH state absorbs the same ciphertext, and the tag is compared in constant
// time at the end. Plaintext handed out before finish() resolves is UNTRUSTED: callers
// must hold it back, and discard it all when finish() throws.
// GHASH engine: noble's pure-JS GHASH runs at only ~50 MB/s in Chromium, so by default the bulk
// GHASH is computed by Web Crypto itself: AES-GCM *encryption* of an empty message with the chunk as
// additional data returns (Y ⊕ L')·H ⊕ E_K(J0), where Y is the chunk's GHASH state; the known mask
// and length term are removed and chunk states are chained with Z ← Z·H^m ⊕ Y·H. The field
// multiplications use noble's GHASH keyed with one operand (GHASH_b(a) = a·b), never our own code.
// Layout (NIST SP 800-38D, 96-bit IV, no AAD): H = E_K(0^128); J0 = IV ‖ 1; the payload's block i
// (0-based) is XORed with E_K(IV ‖ (2 + i) mod 2^32); tag = GHASH_H(C ‖ pad ‖ 0^64 ‖ [len(C)]_64) ⊕ E_K(J0).
import { GHASH } from '@noble/ciphers/_polyval.js';
import { bs, constantTimeEqual } from './bytes.ts';
import { DecryptError, HKDF_INFO, IV_BYTES, TAG_BYTES, type Producer } from './payload-cipher.ts';
import { KeyAgreementError, sharedSecret } from './x25519.ts';

const BLOCK = 16;
/** GCM's limit for one message with a 96-bit IV: 2^32 − 2 blocks. */
export const GCM_MAX_BYTES = (2 ** 32 - 2) * BLOCK;
/** GHASH table size hint: > 64 KiB selects noble's 8-bit window, the fastest for bulk data. */
const BULK_HINT = 1 << 20;

const subtle = () => globalThis.crypto.subtle;

/**
 * The CTR counter block for the payload's block `blockIndex` (0-based): IV ‖ (2 + blockIndex) mod 2^32,
 * big-endian. GCM increments only the low 32 bits (inc32), which Web Crypto AES-CTR with
 * `length: 32` reproduces inside one call.
 */
export function counterBlock(iv: Uint8Array, blockIndex: number): Uint8Array<ArrayBuffer> {
  if (iv.length !== IV_BYTES) throw new DecryptError('bad-parameters', `The GCM IV is ${iv.length} bytes; JMIX uses ${IV_BYTES}-byte IVs.`);
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

/** GCM length block for no AAD: 0^64 ‖ bit length of the ciphertext, big-endian. */
function lengthBlock(bytes: number): Uint8Array {
  const out = new Uint8Array(BLOCK);
  const view = new DataView(out.buffer);
  const bits = bytes * 8; // < 2^40, exact in a double
  view.setUint32(8, Math.floor(bits / 2 ** 32), false);
  view.setUint32(12, bits >>> 0, false);
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
  if (key.algorithm.name === 'AES-CTR' && key.usages.includes('encrypt') && key.usages.includes('decrypt')) return { ctrKey: key, gcmKey: null };
  throw new DecryptError('bad-parameters', `The streaming decryptor needs the AES key as raw bytes, an AES-CTR CryptoKey with encrypt+decrypt usages, or an extractable key; it got a non-extractable ${key.algorithm.name} key.`);
}

interface Ghasher {
  update(data: Uint8Array): void | Promise<void>;
  digest(): Uint8Array | Promise<Uint8Array>;
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

/**
 * GHASH over a byte stream cut at arbitrary places. noble's GHASH zero-pads every update() to a block,
 * so partial blocks are carried over here and only whole blocks are fed until the end.
 */
export class GhashStream {
  private readonly ghash: GHASH;
  private readonly carry = new Uint8Array(BLOCK);
  private carryLen = 0;
  private total = 0;

  constructor(h: Uint8Array, expectedBytes = BULK_HINT) {
    this.ghash = new GHASH(h, expectedBytes);
  }

  get bytes(): number {
    return this.total;
  }

  update(data: Uint8Array): void {
    this.total += data.length;
    let at = 0;
    if (this.carryLen > 0) {
      at = Math.min(BLOCK - this.carryLen, data.length);
      this.carry.set(data.subarray(0, at), this.carryLen);
      this.carryLen += at;
      if (this.carryLen < BLOCK) return;
      this.ghash.update(this.carry);
      this.carryLen = 0;
    }
    const whole = at + Math.floor((data.length - at) / BLOCK) * BLOCK;
    if (whole > at) this.ghash.update(data.subarray(at, whole));
    if (whole < data.length) {
      this.carry.set(data.subarray(whole));
      this.carryLen = data.length - whole;
    }
  }

  /** The GHASH of everything fed, padded, followed by the length block (no AAD). */
  digest(): Uint8Array {
    if (this.carryLen > 0) this.ghash.update(this.carry.subarray(0, this.carryLen));
    this.ghash.update(lengthBlock(this.total));
    return this.ghash.digest();
  }
}

/** a·b in GCM's field, using noble's GHASH keyed with b over the single block a. */
function gfMul(a: Uint8Array, b: Uint8Array): Uint8Array {
  return new GHASH(b, BLOCK).update(a).digest();
}

/** h^n by square-and-multiply over gfMul. */
function gfPow(h: Uint8Array, n: number): Uint8Array {
  let result: Uint8Array | null = null;
  let base = h;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = result ? gfMul(result, base) : base;
    if (e > 1) base = gfMul(base, base);
  }
  return result ?? ONE;
}

/** The multiplicative identity in GCM's bit order (the leftmost bit is x^0). */
const ONE = Uint8Array.from({ length: BLOCK }, (_, i) => (i === 0 ? 0x80 : 0));

function xorInto(a: Uint8Array, b: Uint8Array): Uint8Array {
  for (let i = 0; i < BLOCK; i++) a[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return a;
}

/** Incremental GHASH (same contract as GhashStream) with the bulk work done by Web Crypto AES-GCM. */
export class WebCryptoGhash {
  private readonly carry = new Uint8Array(BLOCK);
  private carryLen = 0;
  private total = 0;
  /** Z = Y·H, where Y is the GHASH state over everything absorbed so far. */
  private z: Uint8Array = new Uint8Array(BLOCK);
  private readonly powers = new Map<number, Uint8Array>();
  private readonly lengthTerms = new Map<number, Uint8Array>();

  /** `mask` must be E_K(iv ‖ 1) for the same key and iv. */
  constructor(
    private readonly gcmKey: CryptoKey,
    private readonly h: Uint8Array,
    private readonly iv: Uint8Array<ArrayBuffer>,
    private readonly mask: Uint8Array,
  ) {}

  get bytes(): number {
    return this.total;
  }

  /** L'·H for a segment of `bytes` (the same for every full-size segment, so kept). */
  private lengthTerm(bytes: number): Uint8Array {
    let term = this.lengthTerms.get(bytes);
    if (!term) {
      const lenAad = new Uint8Array(BLOCK);
      const bits = bytes * 8;
      new DataView(lenAad.buffer).setUint32(0, Math.floor(bits / 2 ** 32), false);
      new DataView(lenAad.buffer).setUint32(4, bits >>> 0, false);
      this.lengthTerms.set(bytes, (term = gfMul(lenAad, this.h)));
    }
    return term;
  }

  private hPow(m: number): Uint8Array {
    let p = this.powers.get(m);
    if (!p) this.powers.set(m, (p = gfPow(this.h, m)));
    return p;
  }

  /** Absorbs a segment; all but the last must be whole blocks (GCM zero-pads additional data). */
  private async absorb(segment: Uint8Array<ArrayBuffer>): Promise<void> {
    if (segment.length === 0) return;
    // Re-using the payload's (key, IV) is harmless here: the "tags" made are intermediate values that
    // never leave this object, and whoever runs this already holds K.
    const t = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: this.iv, additionalData: segment, tagLength: 128 }, this.gcmKey, new Uint8Array(0)));
    // t = (Y_seg ⊕ L')·H ⊕ mask with L' = [len(segment) bits]_64 ‖ 0^64, so Y_seg·H = t ⊕ mask ⊕ L'·H.
    const ySegH = xorInto(xorInto(t, this.mask), this.lengthTerm(segment.length));
    this.z = xorInto(gfMul(this.z, this.hPow(Math.ceil(segment.length / BLOCK))), ySegH);
  }

  async update(data: Uint8Array): Promise<void> {
    this.total += data.length;
    let at = 0;
    let head: Uint8Array | null = null;
    if (this.carryLen > 0) {
      at = Math.min(BLOCK - this.carryLen, data.length);
      this.carry.set(data.subarray(0, at), this.carryLen);
      this.carryLen += at;
      if (this.carryLen < BLOCK) return;
      head = this.carry.slice();
      this.carryLen = 0;
    }
    const whole = at + Math.floor((data.length - at) / BLOCK) * BLOCK;
    const body = data.subarray(at, whole);
    await this.absorb(head ? padFront(body, 0, head) : bs(body));
    if (whole < data.length) {
      this.carry.set(data.subarray(whole));
      this.carryLen = data.length - whole;
    }
  }

  async digest(): Promise<Uint8Array> {
    if (this.carryLen > 0) await this.absorb(this.carry.slice(0, this.carryLen));
    this.carryLen = 0;
    // GHASH(C ‖ L) = (Y ⊕ L)·H = Z ⊕ L·H.
    return xorInto(this.z.slice(), gfMul(lengthBlock(this.total), this.h));
  }
}

function xor16(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
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
export function createGcmDecryptor(key: CryptoKey | Uint8Array, iv: Uint8Array, expectedTag: Uint8Array, opts: { ghash?: GhashEngine } = {}): GcmDecryptor {
  if (iv.length !== IV_BYTES) throw new DecryptError('bad-parameters', `The GCM IV is ${iv.length} bytes; JMIX uses ${IV_BYTES}-byte IVs.`);
  if (expectedTag.length !== TAG_BYTES) throw new DecryptError('bad-parameters', `The GCM tag is ${expectedTag.length} bytes; JMIX uses ${TAG_BYTES}-byte tags.`);
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
        return Promise.reject(new DecryptError('bad-parameters', `The encrypted payload exceeds AES-GCM's limit of ${GCM_MAX_BYTES} bytes for one message; it cannot be a valid GCM ciphertext.`));
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
      if (state === 'failed') throw new DecryptError('auth-failed', 'Decryption was interrupted by an earlier error, so the payload was never authenticated; discard everything decrypted.');
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

/** `chunk` behind `skip` zero bytes, or behind `head` when given. */
function padFront(chunk: Uint8Array, skip: number, head?: Uint8Array): Uint8Array<ArrayBuffer> {
  const lead = head?.length ?? skip;
  const out = new Uint8Array(lead + chunk.length);
  if (head) out.set(head);
  out.set(chunk, lead);
  return out;
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
 * The raw AES-256 key for the streaming path: X25519(priv, ephemeral) → HKDF-SHA256 (empty salt, `info`).
 * Same derivation as decryptPayload, but as bytes so CTR and the GHASH key can both be made from it.
 */
export async function deriveStreamKey(privateKey: Uint8Array, ephemeralPublicKey: Uint8Array, info: string): Promise<Uint8Array> {
  let secret: Uint8Array;
  try {
    secret = await sharedSecret(privateKey, ephemeralPublicKey);
  } catch (e) {
    if (e instanceof KeyAgreementError) throw new DecryptError('bad-parameters', e.message);
    throw e;
  }
  const ikm = await subtle().importKey('raw', bs(secret), 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) }, ikm, 256);
  return new Uint8Array(bits);
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
  if (iv.length !== IV_BYTES) throw new DecryptError('bad-parameters', `The GCM IV is ${iv.length} bytes; JMIX uses ${IV_BYTES}-byte IVs.`);
  if (tag.length !== TAG_BYTES) throw new DecryptError('bad-parameters', `The GCM tag is ${tag.length} bytes; JMIX uses ${TAG_BYTES}-byte tags.`);
  const order = args.order ?? (['jmix-js', 'jmix-php', 'jmix-rs'] as Producer[]);
  const candidates = await Promise.all(
    order.map(async (producer) => {
      const key = await deriveStreamKey(args.privateKey, args.ephemeralPublicKey, HKDF_INFO[producer]);
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
