// Local headers. Each entry is described twice: in the central directory (what this reader, and
// most tools, go by) and in the local header in front of its data (what streaming unzippers and
// repair tools go by). When the two disagree, the tools unpack different files or bytes.
import { printable } from '../paths.ts';
import {
  ambiguous,
  corrupt,
  decodeName,
  EXTRA_ZIP64,
  extraFields,
  hex32,
  SIG_LOCAL,
  u16,
  u32,
  withZip64Figures,
  type CentralEntry,
} from './zip-format.ts';

const LOCAL_FIXED = 30;
/** Bytes read past the name for the local extra field (zip64 sizes, timestamps); more is read again. */
const LOCAL_EXTRA_GUESS = 64;
/** General-purpose flags that change how an entry is read: bit 0 encrypted, bit 3 sizes after the data. */
const READING_FLAGS = 0x0001 | 0x0008;

/** The local header's full length (fixed part, name and extra field), or null when there is no local header at the start of `local`. */
function localHeaderLength(local: Uint8Array): number | null {
  if (local.length < LOCAL_FIXED || u32(local, 0) !== SIG_LOCAL) return null;
  return LOCAL_FIXED + u16(local, 26) + u16(local, 28);
}

/** What the local header says that the central directory also says, as "field: local vs central" phrases. */
function localDisagreements(local: Uint8Array, entry: CentralEntry): string[] {
  const flags = u16(local, 6);
  const nameLength = u16(local, 26);
  const name = local.subarray(LOCAL_FIXED, LOCAL_FIXED + nameLength);
  const out: string[] = [];
  if (!sameBytes(name, entry.rawName)) out.push(`the local header names it "${printable(decodeName(name, flags))}"`);
  const method = u16(local, 8);
  if (method !== entry.method) out.push(`compression method ${method} in the local header, ${entry.method} in the index`);
  if ((flags & READING_FLAGS) !== (entry.flags & READING_FLAGS))
    out.push(
      `flags ${flags & READING_FLAGS} (encryption, data descriptor) in the local header, ${entry.flags & READING_FLAGS} in the index`,
    );
  // With a data descriptor (flag bit 3) the local header leaves CRC and sizes out (zero).
  if ((flags & 0x0008) === 0) {
    const sizes = localSizes(local, nameLength);
    const crc = u32(local, 14);
    if (crc !== entry.crc) out.push(`CRC ${hex32(crc)} in the local header, ${hex32(entry.crc)} in the index`);
    if (sizes.compressedSize !== entry.compressedSize)
      out.push(`${sizes.compressedSize} stored bytes in the local header, ${entry.compressedSize} in the index`);
    if (sizes.size !== entry.size) out.push(`${sizes.size} bytes unpacked in the local header, ${entry.size} in the index`);
  }
  return out;
}

/** Sizes from a local header, from its zip64 extra field where the 32-bit fields overflowed. */
function localSizes(local: Uint8Array, nameLength: number): { size: number; compressedSize: number } {
  let figures = { compressedSize: u32(local, 18), size: u32(local, 22) };
  const start = LOCAL_FIXED + nameLength;
  for (const field of extraFields(local, start, start + u16(local, 28)))
    if (field.id === EXTRA_ZIP64) figures = withZip64Figures(local, field.at, figures);
  return figures;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where one entry lies in the archive: its local header up to the end of its data. */
export interface EntrySpan {
  name: string;
  start: number;
  end: number;
}

/**
 * Checks an entry's local header (`local`: its bytes from the header on, at least the whole
 * header when the archive holds it) against the central directory, and that its data lies inside
 * the archive of `archiveSize` bytes. Returns where the entry lies.
 */
export function checkLocalHeader(local: Uint8Array, entry: CentralEntry, archiveSize: number, origin: string): EntrySpan {
  const headerLength = localHeaderLength(local);
  const lo = entry.localOffset;
  if (headerLength === null) throw corrupt(origin, `entry "${printable(entry.name)}": its local header at byte offset ${lo} is missing`);
  if (local.length < headerLength)
    throw corrupt(origin, `entry "${printable(entry.name)}": its local header at byte offset ${lo} is cut off`);
  const disagreements = localDisagreements(local, entry);
  if (disagreements.length) {
    throw ambiguous(
      origin,
      `entry "${printable(entry.name)}" is described one way by its local header (at byte offset ${lo}) and another by the central directory (the zip index): ${disagreements.join('; ')}. Streaming unzippers and repair tools go by the local header`,
    );
  }
  const start = lo + headerLength;
  const end = start + entry.compressedSize;
  if (end > archiveSize) {
    throw corrupt(
      origin,
      `entry "${printable(entry.name)}" needs ${entry.compressedSize} bytes at offset ${start} but the file ends ${end - archiveSize} bytes short`,
    );
  }
  return { name: entry.name, start: lo, end };
}

/**
 * The entries, in file order, must follow one another up to the central directory: no entry may
 * overlap another (a zip-bomb and file-hiding trick), and no stretch between them may be large
 * enough to hold a local header the index does not list (a streaming unzipper would find that
 * entry; this reader would not). Smaller stretches are data descriptors (12 to 24 bytes).
 */
export function refuseOverlapsAndHiddenBytes(spans: EntrySpan[], cdStart: number, origin: string): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let previous: EntrySpan | null = null;
  const between = (next: string) => (previous ? `between entry "${printable(previous.name)}" and ${next}` : `before ${next}`);
  for (const span of sorted) {
    if (previous && span.start === previous.start) continue; // one local entry listed twice: a duplicate, reported as such
    const covered = previous?.end ?? 0;
    if (span.start < covered) {
      throw ambiguous(
        origin,
        `entries "${printable(previous!.name)}" and "${printable(span.name)}" overlap: the local header of "${printable(span.name)}" at byte offset ${span.start} lies inside the data of "${printable(previous!.name)}", which ends at ${covered}`,
      );
    }
    if (span.start - covered >= LOCAL_FIXED) {
      throw ambiguous(
        origin,
        `${span.start - covered} bytes at byte offset ${covered}, ${between(`entry "${printable(span.name)}"`)}, belong to no entry of the central directory; a tool reading the zip from its start could find entries there that the index does not list`,
      );
    }
    previous = span;
  }
  const covered = previous?.end ?? 0;
  if (cdStart < covered)
    throw ambiguous(origin, `the data of entry "${printable(previous!.name)}" runs into the central directory at byte offset ${cdStart}`);
  if (cdStart - covered >= LOCAL_FIXED) {
    throw ambiguous(
      origin,
      `${cdStart - covered} bytes at byte offset ${covered}, ${between('the central directory')}, belong to no entry of the central directory; a tool reading the zip from its start could find entries there that the index does not list`,
    );
  }
}

/**
 * Every entry's local header, checked against the index as readZip does. Read many at once: one by
 * one, the Blob reads' round trips alone took 3 s for a 2,000-file zip. Each read takes the name
 * and a usual extra field; a header with a longer extra field is read again, whole.
 */
export async function checkLocalHeadersBlob(
  central: CentralEntry[],
  read: (start: number, end: number) => Promise<Uint8Array>,
  size: number,
  origin: string,
): Promise<Map<CentralEntry, EntrySpan>> {
  const spans = new Map<CentralEntry, EntrySpan>();
  const localOf = async (entry: CentralEntry) => {
    const lo = entry.localOffset;
    const first = await read(lo, lo + LOCAL_FIXED + entry.rawName.length + LOCAL_EXTRA_GUESS);
    const length = localHeaderLength(first);
    return length !== null && first.length < length ? read(lo, lo + length) : first;
  };
  for (let i = 0; i < central.length; i += 64) {
    const batch = central.slice(i, i + 64);
    const locals = await Promise.all(batch.map(localOf));
    for (const [j, entry] of batch.entries()) spans.set(entry, checkLocalHeader(locals[j]!, entry, size, origin));
  }
  return spans;
}
