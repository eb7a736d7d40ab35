// Encodings: base64, base64url, hex, UTF-8, and constant-time equality.
import { describe, expect, it } from 'vitest';
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
} from '../../../src/jmix/crypto/bytes.ts';

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
