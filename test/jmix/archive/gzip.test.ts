// gzip with an output limit, and the CRC-32 that zip and gzip entries are checked with.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { gunzipLimited } from '../../../src/jmix/archive/gzip.ts';
import { crc32 } from '../../../src/jmix/archive/crc32.ts';
import { patternedBytes } from '../../helpers/tar.ts';

const enc = new TextEncoder();
/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
const content = (name: string, length = 700) => patternedBytes(name, length, 31);

describe('gzip', () => {
  it('round trips and checks the CRC', () => {
    const data = content('gz', 100_000);
    const gz = gzipSync(data);
    expect(gunzipLimited(gz, 'x.gz')).toEqual({ data, problems: [] });
    const damaged = gz.slice();
    damaged[damaged.length - 8]! ^= 0xff; // stored CRC
    expect(gunzipLimited(damaged, 'x.gz').problems[0]!.message).toMatch(/gzip checksum does not match/);
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926); // the standard CRC-32 check value
  });

  it('CRC-32 (slicing-by-8) agrees with the bytewise definition at every length and split', () => {
    const bytewise = (d: Uint8Array, prev = 0) => {
      let c = (prev ^ 0xffffffff) >>> 0;
      for (const x of d) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = content('crc', 4099);
    for (let n = 0; n <= 40; n++) expect(crc32(data.subarray(0, n))).toBe(bytewise(data.subarray(0, n)));
    expect(crc32(data)).toBe(bytewise(data));
    for (const cut of [1, 7, 8, 9, 1000]) expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(bytewise(data));
  });

  it('stops at the output limit whatever the trailer claims', () => {
    const gz = gzipSync(new Uint8Array(5 << 20), { level: 9 });
    expect(() => gunzipLimited(gz, 'bomb.tar.gz', 1 << 20)).toThrow(/decompresses to more than 1 MiB/);
  });

  it('a truncated gzip is a clear error', () => {
    const gz = gzipSync(content('t', 50_000), { level: 0 });
    expect(() => gunzipLimited(gz.subarray(0, 20_000), 'cut.tar.gz')).toThrow(/cut\.tar\.gz: gzip decompression failed.*truncated/);
  });
});
