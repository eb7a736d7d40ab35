// Rewrites of native (uncompressed) pixel data into the forms the image loader decodes right. Each
// takes the bytes of one frame as stored and returns new bytes; the caller updates the header to
// match. Pure functions over typed arrays: they run in Node, a worker and the page.

function u16(bytes: Uint8Array): Uint16Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 2));
}

/**
 * Clear the bits above Bits Stored in 16-bit samples (encoders leave overlays or junk there), and
 * sign-extend from the high bit when Pixel Representation is signed (PS3.5 8.1.1).
 */
export function maskStoredBits(bytes: Uint8Array, bitsStored: number, signed: boolean): Uint8Array {
  const src = u16(bytes);
  const out = new Uint16Array(src.length);
  const mask = (1 << bitsStored) - 1;
  const sign = 1 << (bitsStored - 1);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]! & mask;
    out[i] = signed && v & sign ? (v | ~mask) & 0xffff : v;
  }
  return new Uint8Array(out.buffer);
}

/** 16-bit colour samples → 8-bit, keeping the top 8 of the Bits Stored bits (a display needs no more). */
export function colour16To8(bytes: Uint8Array, bitsStored: number): Uint8Array {
  const src = u16(bytes);
  const shift = Math.max(0, bitsStored - 8);
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i]! >> shift) & 0xff;
  return out;
}

/**
 * YBR_FULL_422 as stored natively (per pair of pixels: Y1 Y2 Cb Cr, PS3.3 C.7.6.3.1.2) → YBR_FULL,
 * interleaved, each pixel of the pair taking the pair's chroma. An odd last column has a pair of its own.
 */
export function ybr422ToYbrFull(bytes: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(rows * columns * 3);
  const pairsPerRow = Math.ceil(columns / 2);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < pairsPerRow; p++) {
      const at = (r * pairsPerRow + p) * 4;
      const [y1, y2, cb, cr] = [bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 128, bytes[at + 3] ?? 128];
      const c = p * 2;
      out.set([y1, cb, cr], (r * columns + c) * 3);
      if (c + 1 < columns) out.set([y2, cb, cr], (r * columns + c + 1) * 3);
    }
  }
  return out;
}

/** Planar configuration 1 (all of each sample in turn) → interleaved. */
export function planarToInterleaved(bytes: Uint8Array, samples: number): Uint8Array {
  const n = Math.floor(bytes.length / samples);
  const out = new Uint8Array(n * samples);
  for (let i = 0; i < n; i++) for (let s = 0; s < samples; s++) out[i * samples + s] = bytes[s * n + i]!;
  return out;
}

/** Double Float Pixel Data (64-bit) → Float Pixel Data (32-bit), which the loader and the GPU take. */
export function doubleToFloat(bytes: Uint8Array): Uint8Array {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const src = new Float64Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 8));
  return new Uint8Array(Float32Array.from(src).buffer);
}

/**
 * Expand a Segmented Palette Color LUT (PS3.3 C.7.9.2): discrete (opcode 0), linear (1) and
 * indirect (2) segments into a plain table of `entries` values. Throws with the reason when the
 * segments are malformed, so the caller can say why the palette cannot be used.
 */
export function expandSegmentedLut(data: ArrayLike<number>, entries: number): Uint16Array {
  const out: number[] = [];
  // Indirect segments copy earlier segments: remember where each one starts in `data` and `out`.
  const segmentStarts: number[] = [];
  const run = (from: number, until: number, depth: number): void => {
    let i = from;
    while (i < until && out.length < entries) {
      const opcode = data[i]!;
      const length = data[i + 1];
      if (length === undefined) throw new Error(`segment at word ${i} is cut short`);
      if (depth === 0) segmentStarts.push(i);
      if (opcode === 0) {
        for (let k = 0; k < length; k++) out.push(data[i + 2 + k] ?? 0);
        i += 2 + length;
      } else if (opcode === 1) {
        if (out.length === 0) throw new Error(`linear segment at word ${i} has no previous value to start from`);
        const start = out[out.length - 1]!;
        const end = data[i + 2] ?? start;
        for (let k = 1; k <= length; k++) out.push(Math.round(start + ((end - start) * k) / length));
        i += 3;
      } else if (opcode === 2) {
        if (depth > 0) throw new Error(`indirect segment at word ${i} points at another indirect segment`);
        const offset = ((data[i + 3] ?? 0) << 16) | (data[i + 2] ?? 0);
        const first = segmentStarts.indexOf(offset);
        if (first < 0 || offset >= i)
          throw new Error(`indirect segment at word ${i} points at word ${offset}, which starts no earlier segment`);
        let at = offset;
        for (let k = 0; k < length; k++) {
          const op = data[at]!;
          const next = at + (op === 0 ? 2 + data[at + 1]! : op === 1 ? 3 : 4);
          run(at, next, depth + 1);
          at = next;
        }
        i += 4;
      } else throw new Error(`unknown segment opcode ${opcode} at word ${i}`);
    }
  };
  run(0, data.length, 0);
  if (out.length < entries) throw new Error(`the segments give ${out.length} entries where the descriptor declares ${entries}`);
  return Uint16Array.from(out.slice(0, entries));
}

/** 1-bit samples, least significant bit first (PS3.5 8.1.1), → one byte (0 or 1) per pixel. */
export function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 3] ?? 0) >> (i & 7)) & 1;
  return out;
}

/** Where a Little Endian dataset keeps what oneBitToEightBit rewrites. */
export interface OneBitLayout {
  pixelDataOffset: number;
  pixelDataLength: number;
  /** Offsets of the values of Bits Allocated, Bits Stored and High Bit (US, 2 bytes each). */
  bitsAllocatedAt: number;
  bitsStoredAt: number | null;
  highBitAt: number | null;
  pixels: number;
}

/**
 * A 1-bit image (segmentations) rewritten as 8 bits per pixel, 0 or 1, before Cornerstone reads it.
 * Its part-10 reader refuses 1-bit data padded to an even length (which PS3.5 7.1.1 requires) and
 * drops the last partial byte of frames that do not end on a byte. Needs Pixel Data to be the
 * last element; otherwise the bytes come back unchanged.
 */
export function oneBitToEightBit(bytes: Uint8Array, at: OneBitLayout): Uint8Array {
  if (at.pixelDataOffset + at.pixelDataLength !== bytes.length || at.pixelDataOffset < 4) return bytes;
  const unpacked = unpackBits(bytes.subarray(at.pixelDataOffset), at.pixels);
  const length = unpacked.length + (unpacked.length % 2);
  const out = new Uint8Array(at.pixelDataOffset + length);
  out.set(bytes.subarray(0, at.pixelDataOffset));
  out.set(unpacked, at.pixelDataOffset);
  const view = new DataView(out.buffer);
  view.setUint32(at.pixelDataOffset - 4, length, true);
  view.setUint16(at.bitsAllocatedAt, 8, true);
  if (at.bitsStoredAt !== null) view.setUint16(at.bitsStoredAt, 8, true);
  if (at.highBitAt !== null) view.setUint16(at.highBitAt, 7, true);
  return out;
}
