// Tar test helpers: content that differs per name, and a header checksum made right again after
// a test has patched the header.
const enc = new TextEncoder();

/** Deterministic, distinct content per name so a mix-up of entries cannot pass; `step` varies the pattern. */
export function patternedBytes(name: string, length: number, step: number): Uint8Array {
  const out = new Uint8Array(length);
  const seed = enc.encode(name);
  for (let i = 0; i < length; i++) out[i] = (seed[i % seed.length]! + i * step) & 0xff;
  return out;
}

/** Recomputes the checksum of the tar header at `headerOffset` (6 octal digits, NUL, space). */
export function rewriteChecksum(tar: Uint8Array, headerOffset: number): void {
  const h = tar.subarray(headerOffset, headerOffset + 512);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}
