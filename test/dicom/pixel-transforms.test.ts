// The native pixel rewrites, value by value, against inputs whose right answer is computed here.
import { describe, expect, it } from 'vitest';
import {
  colour16To8,
  doubleToFloat,
  expandSegmentedLut,
  maskStoredBits,
  oneBitToEightBit,
  planarToInterleaved,
  unpackBits,
  ybr422ToYbrFull,
} from '../../src/dicom/pixel-transforms.ts';

const bytes = (a: Uint16Array | Float64Array) => new Uint8Array(a.buffer);

describe('pixel transforms', () => {
  it('clears the bits above Bits Stored and sign-extends signed samples', () => {
    const out = new Uint16Array(maskStoredBits(bytes(Uint16Array.of(0xa123, 0xf800, 0x07ff)), 12, false).buffer);
    expect(Array.from(out)).toEqual([0x0123, 0x0800, 0x07ff]);
    const signed = new Int16Array(maskStoredBits(bytes(Uint16Array.of(0xa800, 0x57ff)), 12, true).buffer);
    expect(Array.from(signed)).toEqual([-2048, 2047]);
  });

  it('keeps the top 8 of the stored bits of 16-bit colour', () => {
    expect(Array.from(colour16To8(bytes(Uint16Array.of(65535, 257 * 128, 0)), 16))).toEqual([255, 128, 0]);
    expect(Array.from(colour16To8(bytes(Uint16Array.of(4095, 2048)), 12))).toEqual([255, 128]);
  });

  it('expands YBR_FULL_422 pairs, odd last column included', () => {
    // 1 row × 3 columns: pairs (Y1 Y2 Cb Cr) = (10 20 100 200), (30 _ 110 210).
    const out = ybr422ToYbrFull(Uint8Array.of(10, 20, 100, 200, 30, 0, 110, 210), 1, 3);
    expect(Array.from(out)).toEqual([10, 100, 200, 20, 100, 200, 30, 110, 210]);
  });

  it('interleaves planar configuration 1', () => {
    expect(Array.from(planarToInterleaved(Uint8Array.of(1, 2, 10, 20, 100, 200), 3))).toEqual([1, 10, 100, 2, 20, 200]);
  });

  it('turns doubles into floats', () => {
    expect(Array.from(new Float32Array(doubleToFloat(bytes(Float64Array.of(-2.5, 1e3, 0.125))).buffer))).toEqual([-2.5, 1000, 0.125]);
  });

  it('expands discrete, linear and indirect palette segments', () => {
    // discrete [0, 100], linear to 400 in 3 steps, then an indirect copy of the first (discrete) segment.
    const data = Uint16Array.of(0, 2, 0, 100, 1, 3, 400, 2, 1, 0, 0);
    expect(Array.from(expandSegmentedLut(data, 7))).toEqual([0, 100, 200, 300, 400, 0, 100]);
    expect(() => expandSegmentedLut(Uint16Array.of(0, 1, 5), 4)).toThrow('the segments give 1 entries where the descriptor declares 4');
    expect(() => expandSegmentedLut(Uint16Array.of(7, 1), 1)).toThrow('unknown segment opcode 7 at word 0');
  });

  it('unpacks 1-bit samples least significant bit first', () => {
    expect(Array.from(unpackBits(Uint8Array.of(0b00000101, 0b1), 9))).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('rewrites a padded 1-bit Pixel Data element as bytes and the header as 8 bits', () => {
    // [BitsAllocated=1 at 0][BitsStored=1 at 2][HighBit=0 at 4][length at 6..9][2 packed bytes = 9 pixels + pad]
    const file = Uint8Array.of(1, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0b00000101, 0b1, 0, 0);
    const out = oneBitToEightBit(file.subarray(0, 13), {
      pixelDataOffset: 10,
      pixelDataLength: 3,
      bitsAllocatedAt: 0,
      bitsStoredAt: 2,
      highBitAt: 4,
      pixels: 9,
    });
    const view = new DataView(out.buffer);
    expect([view.getUint16(0, true), view.getUint16(2, true), view.getUint16(4, true), view.getUint32(6, true)]).toEqual([8, 8, 7, 10]);
    expect(Array.from(out.subarray(10))).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
  });
});
