// GHASH, GCM's authenticator, over a byte stream cut at arbitrary places, two ways: noble's GHASH
// (GhashStream), or Web Crypto doing the bulk work (WebCryptoGhash). noble's pure-JS GHASH runs at
// only ~50 MB/s in Chromium, so by default Web Crypto's AES-GCM *encryption* of an empty message
// with the chunk as additional data is used: it returns (Y ⊕ L')·H ⊕ E_K(J0), where Y is the chunk's
// GHASH state; the known mask and length term are removed and chunk states are chained with
// Z ← Z·H^m ⊕ Y·H. The field multiplications use noble's GHASH keyed with one operand
// (GHASH_b(a) = a·b), never our own code.
import { GHASH } from '@noble/ciphers/_polyval.js';
import { bs } from './bytes.ts';

export const BLOCK = 16;
/** GHASH table size hint: > 64 KiB selects noble's 8-bit window, the fastest for bulk data. */
const BULK_HINT = 1 << 20;

/** GCM length block for no AAD: 0^64 ‖ bit length of the ciphertext, big-endian. */
function lengthBlock(bytes: number): Uint8Array {
  const out = new Uint8Array(BLOCK);
  const view = new DataView(out.buffer);
  const bits = bytes * 8; // < 2^40, exact in a double
  view.setUint32(8, Math.floor(bits / 2 ** 32), false);
  view.setUint32(12, bits >>> 0, false);
  return out;
}

export interface Ghasher {
  update(data: Uint8Array): void | Promise<void>;
  digest(): Uint8Array | Promise<Uint8Array>;
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
    const t = new Uint8Array(
      await globalThis.crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: this.iv, additionalData: segment, tagLength: 128 },
        this.gcmKey,
        new Uint8Array(0),
      ),
    );
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

export function xor16(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** `chunk` behind `skip` zero bytes, or behind `head` when given. */
export function padFront(chunk: Uint8Array, skip: number, head?: Uint8Array): Uint8Array<ArrayBuffer> {
  const lead = head?.length ?? skip;
  const out = new Uint8Array(lead + chunk.length);
  if (head) out.set(head);
  out.set(chunk, lead);
  return out;
}
