// The hostile and broken input corpus (issue #6): crafted archives, JSON, crypto parameters,
// tampered envelopes, damaged DICOM and markup in every displayed string. Each case says what
// openEnvelope must do with it: stop with a specific EnvelopeError, or open with a given verdict.
// Pure TypeScript (no Node APIs), so the Vitest suite, the CLI test and a later Playwright test can
// all build the same cases. Everything is kept small: "huge" sizes are declared, not produced.
import { deflateSync, gzipSync } from 'fflate';
import { x25519 } from '@noble/curves/ed25519.js';
import { writeTar, type TarInputFile } from '../../src/jmix/archive/tar.ts';
import { crc32 } from '../../src/jmix/archive/crc32.ts';
import { signAssertion } from '../../src/jmix/crypto/assertions.ts';
import { bytesToBase64, hexToBytes } from '../../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint } from '../../src/jmix/crypto/ed25519.ts';
import { signManifestJws } from '../../src/jmix/crypto/jws.ts';
import { encryptPayload } from '../../src/jmix/crypto/payload-cipher.ts';
import { inThreadHasher, toHex } from '../../src/jmix/hash.ts';
import { recipeA, recipeBText } from '../../src/jmix/payload-hash.ts';
import type { CheckId, CheckStatus, EntryFile, EnvelopeSource, Verdict } from '../../src/jmix/types.ts';
import { syntheticStudy } from './dicom-synth.ts';
import { el, writeDicomFile } from './dicom-writer.ts';
import { packEnvelope, payloadTar, type PackDialect, type PackedEnvelope, type PackOptions } from './pack.ts';
import { syntheticPdfReport } from './pdf-synth.ts';
import { archiveStrictCases } from './hostile/archive-strict.ts';
import { boundsCases } from './hostile/bounds.ts';
import { trustCases } from './hostile/trust.ts';

export type HostileCategory = 'archive' | 'json' | 'crypto' | 'integrity' | 'dicom' | 'markup';

export interface HostileFile {
  path: string;
  bytes: Uint8Array;
}

/** What the user hands over: the bytes of one dropped file, or a dropped folder's files. */
export type HostileSource = { kind: 'bytes'; bytes: Uint8Array; name: string } | { kind: 'files'; files: HostileFile[]; name: string };

export type HostileExpect =
  /** Unusable input: an EnvelopeError whose message matches (what, where, what to do). */
  | { outcome: 'error'; code?: string; messageMatches: RegExp }
  /**
   * Opens with this verdict. `failingCheck` is the check that sets the verdict: status 'fail' for a
   * fail verdict, 'warn' or 'unverifiable' for a warn verdict. `checks` pins further statuses.
   */
  | { outcome: 'verdict'; verdict: Verdict; failingCheck?: CheckId; checks?: Partial<Record<CheckId, CheckStatus>> };

export interface HostileCase {
  id: string;
  category: HostileCategory;
  description: string;
  source: HostileSource;
  key?: string;
  expect: HostileExpect;
  /**
   * A genuine envelope in a hostile-looking shape (reordered entries, backslash separators, zip64,
   * markup signed by the sender...): it must open exactly like the original, so 'pass' is allowed.
   * Every other case must never yield 'pass'.
   */
  control?: boolean;
  /** Ed25519 public keys (base64) the user trusts when opening it: pasted in the app, --trust in the CLI. */
  trustedKeys?: string[];
  /** Strings the core must carry unchanged, as plain text: a path into OpenResult and the value. */
  plainText?: { at: string; value: string }[];
}

// ---------------------------------------------------------------------------------------------
// Fixed keys, so the corpus is the same on every run (encryption still uses fresh IVs).

const fixedBytes = (n: number, mul: number, add: number) => new Uint8Array(n).map((_, i) => (i * mul + add) & 0xff);
const RECIPIENT_PRIVATE = fixedBytes(32, 13, 5);
const WRONG_PRIVATE = fixedBytes(32, 29, 77);
export const HOSTILE_KEYS = {
  recipientPrivate: bytesToBase64(RECIPIENT_PRIVATE),
  recipientPublic: bytesToBase64(x25519.getPublicKey(RECIPIENT_PRIVATE)),
  wrongPrivate: bytesToBase64(WRONG_PRIVATE),
  signingSeed: fixedBytes(32, 7, 3),
  strangerSeed: fixedBytes(32, 11, 200),
};
export const RECIPIENT_PUBLIC = x25519.getPublicKey(RECIPIENT_PRIVATE);
export const ENV_ID = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const OTHER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const TIMESTAMP = '2025-03-01T09:30:00Z';

const enc = new TextEncoder();
export const text = (s: string) => enc.encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** EnvelopeSource for openEnvelope from a corpus source. */
export function toEnvelopeSource(src: HostileSource): EnvelopeSource {
  if (src.kind === 'bytes') return { kind: 'bytes', bytes: src.bytes, name: src.name };
  const files: EntryFile[] = src.files.map((f) => ({ path: f.path, size: f.bytes.length, origin: 'folder', bytes: async () => f.bytes }));
  return { kind: 'files', files, name: src.name };
}

// ---------------------------------------------------------------------------------------------
// Base envelopes.

let studyCache: ReturnType<typeof syntheticStudy> | null = null;
export function tinyStudy() {
  studyCache ??= syntheticStudy({ seed: 11, ctSlices: 2, ctSize: 16, mrSlices: 1, mrSize: 16, usFrames: 1 });
  return studyCache;
}

export function studyInfo(description?: string) {
  const s = tinyStudy().study;
  return {
    studyUid: s.studyUid,
    description: description ?? s.description,
    date: s.date,
    series: s.series.map((x) => ({ seriesUid: x.seriesUid, modality: x.modality, description: x.description, count: x.count })),
  };
}

export function basePayload(): HostileFile[] {
  return [...tinyStudy().files.map((f) => ({ path: f.path, bytes: f.bytes })), { path: 'files/report.pdf', bytes: syntheticPdfReport(['Radiology report', 'No acute findings.']) }];
}

export async function packBase(dialect: PackDialect, extra: Partial<PackOptions> = {}): Promise<PackedEnvelope> {
  return packEnvelope({ dialect, payloadFiles: basePayload(), study: studyInfo(), id: ENV_ID, timestamp: dialect === 'jmix-js' ? '2025-03-01T09:30:00.000Z' : TIMESTAMP, ...extra });
}

/** Files with the envelope root folder in front, as a dropped folder or an archive holds them. */
export function rooted(env: PackedEnvelope, files: HostileFile[] = env.files): HostileFile[] {
  return files.map((f) => ({ path: `${env.rootName}/${f.path}`, bytes: f.bytes }));
}

export function folder(env: PackedEnvelope, files: HostileFile[] = env.files): HostileSource {
  return { kind: 'files', files: rooted(env, files), name: env.rootName };
}

export function replaceFile(files: HostileFile[], path: string, bytes: Uint8Array | null): HostileFile[] {
  const out = files.filter((f) => f.path !== path);
  if (bytes) out.push({ path, bytes });
  return out;
}

export function fileOf(files: HostileFile[], path: string): Uint8Array {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`hostile: no ${path} in the envelope`);
  return f.bytes;
}

export function flip(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  const i = at < 0 ? copy.length + at : at;
  copy[i] = copy[i]! ^ mask;
  return copy;
}

export const manifestOf = (files: HostileFile[]) => JSON.parse(dec(fileOf(files, 'manifest.json'))) as Record<string, any>;
export const json2 = (v: unknown) => text(JSON.stringify(v, null, 2));

export async function sha256Hex(b: Uint8Array): Promise<string> {
  return toHex(await inThreadHasher.sha256([b]));
}

/**
 * Re-seal a spec envelope as its (honest or lying) sender would: optionally change the payload and
 * recompute payload_hash (spec recipe B), change the manifest, then sign it all again with the
 * sender's key. This is "a sender who signs lies": the signature is valid by construction.
 */
export async function reseal(
  env: PackedEnvelope,
  o: { payload?: (files: HostileFile[]) => HostileFile[]; manifest?: (m: Record<string, any>) => void; recipe?: 'recipe-a' | 'recipe-b'; seed?: Uint8Array; sign?: boolean; keepAssertions?: boolean } = {},
): Promise<HostileFile[]> {
  let payload = env.files.filter((f) => f.path.startsWith('payload/')).map((f) => ({ path: f.path.slice('payload/'.length), bytes: f.bytes }));
  const rest = env.files.filter((f) => !f.path.startsWith('payload/') && f.path !== 'manifest.json' && f.path !== 'manifest.jws');
  const m = manifestOf(env.files);
  if (o.payload || o.recipe) {
    if (o.payload) payload = o.payload(payload);
    const pf = payload.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
    if (o.recipe === 'recipe-a') m.security.payload_hash = `sha256:${await recipeA(pf)}`;
    else {
      const hashes = new Map<string, string>();
      for (const f of payload) hashes.set(f.path, await sha256Hex(f.bytes));
      m.security.payload_hash = `sha256:${await sha256Hex(text(recipeBText(pf, hashes)))}`;
    }
  }
  if (!o.keepAssertions) for (const e of [m.sender, m.requester, ...(Array.isArray(m.receiver) ? m.receiver : [])]) if (e && typeof e === 'object') delete e.assertion;
  o.manifest?.(m);
  const sign = o.sign ?? true;
  const seed = o.seed ?? HOSTILE_KEYS.signingSeed;
  if (sign) {
    if (m.sender && typeof m.sender === 'object') m.sender.assertion = signAssertion({ manifest: m, role: 'sender', seed32: seed, style: 'rs' });
    if (m.requester && typeof m.requester === 'object') m.requester.assertion = signAssertion({ manifest: m, role: 'requester', seed32: seed, style: 'rs' });
  }
  const manifestBytes = json2(m);
  const files = [{ path: 'manifest.json', bytes: manifestBytes }, ...rest, ...payload.map((f) => ({ path: `payload/${f.path}`, bytes: f.bytes }))];
  if (sign) files.push({ path: 'manifest.jws', bytes: text(signManifestJws(manifestBytes, seed, 'rs')) });
  return files;
}

/** An attacker's own encrypted envelope for the real recipient: any tar, sealed correctly, unsigned. */
export async function sealEncrypted(tar: Uint8Array): Promise<HostileFile[]> {
  const sealed = await encryptPayload(tar, RECIPIENT_PUBLIC, 'jmix-php');
  const manifest = {
    version: '1.0',
    id: OTHER_ID,
    timestamp: TIMESTAMP,
    sender: { name: 'Unknown Sender', id: 'org:unknown' },
    receiver: [{ name: 'Northside Specialist Clinic', id: 'org:northside-clinic' }],
    security: { classification: 'confidential', payload_hash: `sha256:${await sha256Hex(sealed.ciphertext)}`, encryption: sealed.encryption },
  };
  return [
    { path: 'manifest.json', bytes: json2(manifest) },
    { path: 'audit.json', bytes: json2({ audit: [{ event: 'created', by: { id: 'org:unknown' }, timestamp: TIMESTAMP }] }) },
    { path: 'payload.encrypted', bytes: sealed.ciphertext },
  ];
}

// ---------------------------------------------------------------------------------------------
// Zip crafting: full control over every field, so the central directory can lie.

export interface ZipEntrySpec {
  name: string | Uint8Array;
  data?: Uint8Array;
  method?: number;
  /** Bytes stored after the local header (default: data, deflated when method 8). */
  stored?: Uint8Array;
  crc?: number;
  size?: number;
  compressedSize?: number;
  flags?: number;
  madeBy?: number;
  externalAttrs?: number;
  extra?: Uint8Array;
  /** Central directory record only (no local header): a lie about what is in the file. */
  centralOnly?: boolean;
  localOffset?: number;
}

export interface CraftedZip {
  bytes: Uint8Array;
  /** Offsets where a structure starts: local headers, data, central directory records, EOCD. */
  boundaries: { label: string; offset: number }[];
}

class ByteWriter {
  private chunks: number[] = [];
  get length() {
    return this.chunks.length;
  }
  u16(v: number) {
    this.chunks.push(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v: number) {
    this.chunks.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  u64(v: number) {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.chunks.push(x);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export function craftZip(entries: ZipEntrySpec[], opts: { zip64?: 'valid' | 'locator-outside' | 'huge-count'; cdOffsetDelta?: number } = {}): CraftedZip {
  const w = new ByteWriter();
  const boundaries: CraftedZip['boundaries'] = [];
  const central: (ZipEntrySpec & { nameBytes: Uint8Array; offset: number; crcV: number; sizeV: number; csizeV: number; methodV: number })[] = [];
  for (const e of entries) {
    const nameBytes = typeof e.name === 'string' ? text(e.name) : e.name;
    const data = e.data ?? new Uint8Array(0);
    const methodV = e.method ?? 0;
    const stored = e.stored ?? (methodV === 8 ? deflateSync(data) : data);
    const crcV = e.crc ?? crc32(data);
    const sizeV = e.size ?? data.length;
    const csizeV = e.compressedSize ?? stored.length;
    const offset = e.localOffset ?? w.length;
    if (!e.centralOnly) {
      boundaries.push({ label: `local header of ${dec(nameBytes).slice(-30)}`, offset: w.length });
      w.u32(0x04034b50);
      w.u16(20);
      w.u16(e.flags ?? 0);
      w.u16(methodV);
      w.u32(0);
      w.u32(crcV);
      w.u32(Math.min(csizeV, 0xffffffff));
      w.u32(Math.min(sizeV, 0xffffffff));
      w.u16(nameBytes.length);
      w.u16(0);
      w.bytes(nameBytes);
      boundaries.push({ label: `data of ${dec(nameBytes).slice(-30)}`, offset: w.length });
      w.bytes(stored);
    }
    central.push({ ...e, nameBytes, offset, crcV, sizeV, csizeV, methodV });
  }
  const cdStart = w.length;
  for (const c of central) {
    boundaries.push({ label: `central record of ${dec(c.nameBytes).slice(-30)}`, offset: w.length });
    const extra = c.extra ?? new Uint8Array(0);
    w.u32(0x02014b50);
    w.u16(c.madeBy ?? 20);
    w.u16(20);
    w.u16(c.flags ?? 0);
    w.u16(c.methodV);
    w.u32(0);
    w.u32(c.crcV);
    w.u32(c.csizeV > 0xffffffff ? 0xffffffff : c.csizeV);
    w.u32(c.sizeV > 0xffffffff ? 0xffffffff : c.sizeV);
    w.u16(c.nameBytes.length);
    w.u16(extra.length);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u32(c.externalAttrs ?? 0);
    w.u32(c.offset);
    w.bytes(c.nameBytes);
    w.bytes(extra);
  }
  const cdSize = w.length - cdStart;
  const cdOffset = cdStart + (opts.cdOffsetDelta ?? 0);
  if (opts.zip64) {
    const z64 = w.length;
    boundaries.push({ label: 'zip64 end record', offset: z64 });
    w.u32(0x06064b50);
    w.u64(44);
    w.u16(45);
    w.u16(45);
    w.u32(0);
    w.u32(0);
    const count = opts.zip64 === 'huge-count' ? 2 ** 40 : central.length;
    w.u64(count);
    w.u64(count);
    w.u64(cdSize);
    w.u64(cdOffset);
    boundaries.push({ label: 'zip64 locator', offset: w.length });
    w.u32(0x07064b50);
    w.u32(0);
    w.u64(opts.zip64 === 'locator-outside' ? 2 ** 40 : z64);
    w.u32(1);
  }
  boundaries.push({ label: 'end of central directory', offset: w.length });
  w.u32(0x06054b50);
  w.u16(0);
  w.u16(0);
  w.u16(opts.zip64 ? 0xffff : central.length);
  w.u16(opts.zip64 ? 0xffff : central.length);
  w.u32(cdSize);
  w.u32(opts.zip64 ? 0xffffffff : cdOffset);
  w.u16(0);
  return { bytes: w.done(), boundaries };
}

export function zipOf(files: HostileFile[], extra: ZipEntrySpec[] = [], method = 8): Uint8Array {
  return craftZip([...files.map((f) => ({ name: f.path, data: f.bytes, method })), ...extra]).bytes;
}

// ---------------------------------------------------------------------------------------------
// Tar crafting.

export interface TarHeaderSpec {
  name: string;
  typeflag?: string;
  size?: number;
  /** Raw text for the 12-byte size field (to write a non-number). */
  sizeField?: string;
  linkName?: string;
  data?: Uint8Array;
  badChecksum?: boolean;
}

export function tarBlock(h: TarHeaderSpec): Uint8Array {
  const b = new Uint8Array(512);
  const put = (off: number, len: number, s: string) => b.set(text(s).subarray(0, len), off);
  put(0, 100, h.name);
  put(100, 8, '0000644\0');
  put(108, 8, '0000000\0');
  put(116, 8, '0000000\0');
  const size = h.size ?? h.data?.length ?? 0;
  put(124, 12, h.sizeField ?? size.toString(8).padStart(11, '0') + '\0');
  put(136, 12, '00000000000\0');
  b[156] = (h.typeflag ?? '0').charCodeAt(0);
  if (h.linkName) put(157, 100, h.linkName);
  put(257, 8, 'ustar\u000000');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  if (h.badChecksum) sum += 1;
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

export function paxData(records: [string, string][]): Uint8Array {
  const parts = records.map(([k, v]) => {
    const body = text(` ${k}=${v}\n`).length;
    let len = body + 1;
    while (String(len).length + body !== len) len = String(len).length + body;
    return `${len} ${k}=${v}\n`;
  });
  return text(parts.join(''));
}

export type TarItem = { file: HostileFile } | { header: TarHeaderSpec };

export function craftTar(items: TarItem[], opts: { end?: boolean } = {}): { bytes: Uint8Array; boundaries: { label: string; offset: number }[] } {
  const parts: Uint8Array[] = [];
  const boundaries: { label: string; offset: number }[] = [];
  let at = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    at += p.length;
  };
  for (const item of items) {
    const h: TarHeaderSpec = 'file' in item ? { name: item.file.path, data: item.file.bytes } : item.header;
    if (h.name.length > 100) throw new Error(`craftTar: "${h.name}" needs a long-name header; use writeTar`);
    boundaries.push({ label: `header of ${h.name.slice(-30)}`, offset: at });
    push(tarBlock(h));
    if (h.data && h.data.length) {
      boundaries.push({ label: `data of ${h.name.slice(-30)}`, offset: at });
      const padded = new Uint8Array(Math.ceil(h.data.length / 512) * 512);
      padded.set(h.data);
      push(padded);
    }
  }
  if (opts.end ?? true) {
    boundaries.push({ label: 'end-of-archive blocks', offset: at });
    push(new Uint8Array(1024));
  }
  const out = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { bytes: out, boundaries };
}

export const tarFiles = (files: HostileFile[]): TarItem[] => files.map((file) => ({ file }));

// ---------------------------------------------------------------------------------------------
// DICOM damage.

export function damagedDicom(kind: string): Uint8Array {
  const good = tinyStudy().files[0]!.bytes;
  const base = (extra: ReturnType<typeof el>[] = [], ts?: string, rows = 16) =>
    writeDicomFile({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
      sopInstanceUid: `2.25.99${kind.length}${kind.charCodeAt(0)}`,
      elements: [
        el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
        el(0x00080018, 'UI', `2.25.99${kind.length}${kind.charCodeAt(0)}`),
        el(0x00080060, 'CS', 'OT'),
        el(0x0020000d, 'UI', tinyStudy().study.studyUid),
        el(0x0020000e, 'UI', `2.25.77${kind.length}`),
        el(0x00280002, 'US', 1),
        el(0x00280004, 'CS', 'MONOCHROME2'),
        el(0x00280010, 'US', rows),
        el(0x00280011, 'US', 16),
        el(0x00280100, 'US', 8),
        el(0x00280101, 'US', 8),
        el(0x00280102, 'US', 7),
        el(0x00280103, 'US', 0),
        ...extra,
        el(0x7fe00010, 'OB', new Uint8Array(rows * 16)),
      ],
      ...(ts ? { transferSyntax: ts as '1.2.840.10008.1.2.1' } : {}),
    });
  switch (kind) {
    case 'truncated-header':
      return good.slice(0, 200);
    case 'truncated-preamble':
      return good.slice(0, 100);
    case 'truncated-meta':
      return good.slice(0, 140);
    case 'short-pixel-data': {
      // Rows x Columns say 256 bytes; Pixel Data holds 10.
      return withPixelLength(base(), 10);
    }
    case 'huge-declared-length': {
      // An OB element (private tag) declaring 0xFFFFFFF0 bytes before Pixel Data.
      const full = base([el(0x00091010, 'OB', new Uint8Array(4))]);
      return patchLength(full, 0x00091010, 0xfffffff0);
    }
    case 'undefined-length-sq': {
      // A sequence of undefined length whose item never ends and no delimiter follows.
      const full = base();
      const sq = new Uint8Array([0x09, 0x00, 0x20, 0x10, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff, 0x08, 0x00, 0x60, 0x00, 0x43, 0x53, 0x02, 0x00, 0x4f, 0x54]);
      const out = new Uint8Array(full.length + sq.length);
      const at = findTag(full, 0x00280002);
      out.set(full.subarray(0, at));
      out.set(sq, at);
      out.set(full.subarray(at), at + sq.length);
      return out.slice(0, at + sq.length); // the file ends inside the item
    }
    case 'unknown-transfer-syntax':
      return base([], '1.2.3.4.5.6.7.8.9');
    case 'zero-rows':
      return base([], undefined, 0);
    case 'not-dicom':
      return text('This is not a DICOM file, only its name says .dcm.\n');
    case 'empty':
      return new Uint8Array(0);
    case 'pdf-named-dcm':
      return syntheticPdfReport(['Not an image']);
    case 'deflate-garbage': {
      const full = base([], '1.2.840.10008.1.2.1.99');
      const at = findTag(full, 0x00080016);
      const out = full.slice(0, at + 40);
      out.fill(0xff, at);
      return out;
    }
  }
  throw new Error(`damagedDicom: unknown kind ${kind}`);
}

/** Offset of an explicit-VR LE element header in a file we wrote (tags are unique there). */
function findTag(b: Uint8Array, tag: number): number {
  const g = tag >>> 16;
  const e = tag & 0xffff;
  for (let i = 132; i + 4 <= b.length; i++) if (b[i] === (g & 0xff) && b[i + 1] === g >>> 8 && b[i + 2] === (e & 0xff) && b[i + 3] === e >>> 8) return i;
  throw new Error(`findTag: ${tag.toString(16)} not found`);
}

function patchLength(b: Uint8Array, tag: number, length: number): Uint8Array {
  const out = b.slice();
  const at = findTag(out, tag) + 8; // OB: tag(4) VR(2) reserved(2) length(4)
  new DataView(out.buffer).setUint32(at, length, true);
  return out;
}

function withPixelLength(b: Uint8Array, n: number): Uint8Array {
  const at = findTag(b, 0x7fe00010);
  const out = b.slice(0, at + 12 + n);
  new DataView(out.buffer).setUint32(at + 8, n, true);
  return out;
}

// ---------------------------------------------------------------------------------------------

const SMALL_ORDER_X25519 = [
  ['all-zero', '0000000000000000000000000000000000000000000000000000000000000000'],
  ['u=1', '0100000000000000000000000000000000000000000000000000000000000000'],
  ['order-8-a', 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'],
  ['order-8-b', '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'],
  ['p-1', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['p', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['p+1', 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
] as const;

const MARKUP = [
  '<script>alert("jmix")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(document.domain)>',
  "javascript:alert('x')",
  '{{constructor.constructor("alert(1)")()}}',
  '<iframe srcdoc="<script>parent.alert(1)</script>">',
  '\u202Egnp.exe<b>bold</b>',
];

export const fail = (failingCheck: CheckId, checks?: Partial<Record<CheckId, CheckStatus>>): HostileExpect => ({ outcome: 'verdict', verdict: 'fail', failingCheck, ...(checks ? { checks } : {}) });
export const warn = (failingCheck?: CheckId, checks?: Partial<Record<CheckId, CheckStatus>>): HostileExpect => ({ outcome: 'verdict', verdict: 'warn', ...(failingCheck ? { failingCheck } : {}), ...(checks ? { checks } : {}) });
export const pass = (checks?: Partial<Record<CheckId, CheckStatus>>): HostileExpect => ({ outcome: 'verdict', verdict: 'pass', ...(checks ? { checks } : {}) });
export const error = (code: string, messageMatches: RegExp): HostileExpect => ({ outcome: 'error', code, messageMatches });

export async function hostileCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => {
    if (cases.some((x) => x.id === c.id)) throw new Error(`hostile: duplicate case id ${c.id}`);
    cases.push(c);
  };

  const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  const rs = await packBase('jmix-rs', { signWith: HOSTILE_KEYS.signingSeed });
  const php = await packBase('jmix-php', { signWith: HOSTILE_KEYS.signingSeed });
  const js = await packBase('jmix-js');
  const specEnc = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC });
  const rsEnc = await packBase('jmix-rs', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC });
  const jsEnc = await packBase('jmix-js', { encryptTo: RECIPIENT_PUBLIC });
  const phpEnc = await packBase('jmix-php', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC });
  const otherEnc = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC, id: OTHER_ID });
  const otherPhpEnc = await packBase('jmix-php', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC, id: OTHER_ID });
  const otherSpec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, id: OTHER_ID });
  const root = spec.rootName;
  const specRooted = rooted(spec);
  const zipName = `${spec.id}.zip`;
  const key = HOSTILE_KEYS.recipientPrivate;

  // =============================================================================================
  // ARCHIVE
  const slip = (id: string, description: string, name: string, re: RegExp) =>
    add({ id: `archive/zip-${id}`, category: 'archive', description, source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name, data: text('#!/bin/sh\necho owned\n') }]), name: zipName }, expect: error('unsafe-path', re) });
  slip('slip-dotdot', 'zip slip: an entry named ../evil.sh next to a genuine envelope', '../evil.sh', /"\.\.\/evil\.sh".*zip slip/);
  slip('slip-nested', 'zip slip hidden inside the envelope folder', `${root}/payload/../../../etc/cron.d/evil`, /climbs out of the envelope \(zip slip\)/);
  slip('absolute', 'absolute entry path /etc/passwd', '/etc/passwd', /"\/etc\/passwd" is an absolute path/);
  slip('drive-letter', 'drive-letter path C:/Windows/System32/evil.dll', 'C:/Windows/System32/evil.dll', /starts with a drive letter \("C:"\)/);
  slip('drive-backslash', 'drive-letter path with backslashes C:\\evil.bat', 'C:\\evil.bat', /drive letter/);
  slip('backslash-slip', 'zip slip written with Windows separators ..\\..\\evil.bat', '..\\..\\evil.bat', /zip slip/);
  slip('unc-path', 'UNC path \\\\server\\share\\evil', '\\\\server\\share\\evil', /absolute path/);
  slip('nul-in-name', 'entry name with an embedded NUL (truncates in C tools)', `${root}/payload/dicom/a\u0000.dcm`, /control character U\+0000 at position/);
  slip('escape-in-name', 'entry name with a terminal escape sequence', `${root}/payload/\u001b[2J.dcm`, /control character U\+001B/);
  add({
    id: 'archive/zip-backslash-separators',
    category: 'archive',
    control: true,
    description: 'a genuine envelope zipped with Windows backslash separators opens as the original',
    source: { kind: 'bytes', bytes: craftZip(specRooted.map((f) => ({ name: f.path.replace(/\//g, '\\'), data: f.bytes, method: 8 }))).bytes, name: zipName },
    expect: pass({ 'payload-hash': 'pass', 'manifest-jws': 'pass' }),
  });
  add({
    id: 'archive/zip-reordered',
    category: 'archive',
    control: true,
    description: 'the same entries in reverse order: content is identical, verdict must not change',
    source: { kind: 'bytes', bytes: zipOf([...specRooted].reverse()), name: zipName },
    expect: pass({ 'payload-hash': 'pass' }),
  });
  add({
    id: 'archive/zip-stored',
    category: 'archive',
    control: true,
    description: 'a genuine envelope with stored (uncompressed) entries',
    source: { kind: 'bytes', bytes: zipOf(specRooted, [], 0), name: zipName },
    expect: pass(),
  });

  // tar path attacks
  const tarWith = (extra: TarItem[], base = specRooted) => craftTar([...tarFiles(base.filter((f) => f.path.length <= 100)), ...extra]).bytes;
  const shortRooted = specRooted.every((f) => f.path.length <= 100);
  if (!shortRooted) throw new Error('hostile: envelope paths too long for plain ustar headers');
  const tarName = `${spec.id}.tar`;
  for (const [id, name, re] of [
    ['slip-dotdot', '../../evil.sh', /zip slip/],
    ['absolute', '/etc/shadow', /absolute path/],
    ['drive-letter', 'D:/autorun.inf', /drive letter \("D:"\)/],
    ['backslash-slip', `${root}\\..\\..\\evil.sh`, /zip slip/],
  ] as const) {
    add({ id: `archive/tar-${id}`, category: 'archive', description: `tar entry ${JSON.stringify(name)}`, source: { kind: 'bytes', bytes: tarWith([{ header: { name, data: text('x') } }]), name: tarName }, expect: error('unsafe-path', re) });
  }
  add({ id: 'archive/targz-slip', category: 'archive', description: 'zip slip inside a .tar.gz', source: { kind: 'bytes', bytes: gzipSync(tarWith([{ header: { name: '../../../home/user/.bashrc', data: text('x') } }])), name: `${spec.id}.tar.gz` }, expect: error('unsafe-path', /"\.\.\/\.\.\/\.\.\/home\/user\/\.bashrc".*zip slip/) });

  // PAX overrides
  const paxHeader = (records: [string, string][]): TarItem => ({ header: { name: 'PaxHeader/x', typeflag: 'x', data: paxData(records) } });
  const dicomPath = `${root}/payload/dicom/ct/IM0001.dcm`;
  const dicomBytes = fileOf(specRooted, dicomPath);
  const withoutDicom = specRooted.filter((f) => f.path !== dicomPath);
  add({ id: 'archive/pax-path-slip', category: 'archive', description: 'a PAX path record turns a harmless name into ../../etc/passwd', source: { kind: 'bytes', bytes: tarWith([paxHeader([['path', '../../etc/passwd']]), { header: { name: 'harmless.txt', data: text('x') } }]), name: tarName }, expect: error('unsafe-path', /"\.\.\/\.\.\/etc\/passwd".*zip slip/) });
  add({ id: 'archive/pax-path-absolute', category: 'archive', description: 'a PAX path record with an absolute path', source: { kind: 'bytes', bytes: tarWith([paxHeader([['path', '/root/.ssh/authorized_keys']]), { header: { name: 'harmless.txt', data: text('x') } }]), name: tarName }, expect: error('unsafe-path', /absolute path/) });
  add({ id: 'archive/pax-path-nul', category: 'archive', description: 'a PAX path record with an embedded NUL', source: { kind: 'bytes', bytes: tarWith([paxHeader([['path', `${root}/payload/a\u0000b.dcm`]]), { header: { name: 'harmless.txt', data: text('x') } }]), name: tarName }, expect: error('unsafe-path', /U\+0000/) });
  add({ id: 'archive/pax-rename', category: 'archive', description: 'a PAX path record silently renames a payload file', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), paxHeader([['path', `${root}/payload/dicom/ct/IM9999.dcm`]]), { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: fail('payload-hash') });
  add({ id: 'archive/pax-size-huge', category: 'archive', description: 'a PAX size record declares 99 GB for a payload file', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), paxHeader([['size', '99999999999']]), { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/pax-size-negative', category: 'archive', description: 'a PAX size record of -1', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), paxHeader([['size', '-1']]), { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/pax-size-nan', category: 'archive', description: 'a PAX size record that is not a number', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), paxHeader([['size', '12abc']]), { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/pax-malformed', category: 'archive', description: 'a malformed PAX record (length runs past the header)', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), { header: { name: 'PaxHeader/x', typeflag: 'x', data: text('999 path=x\n') } }, { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: warn('structure') });
  add({ id: 'archive/pax-proto-key', category: 'archive', control: true, description: 'PAX records named __proto__ and constructor (prototype pollution attempt) are inert', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), paxHeader([['__proto__', 'polluted'], ['constructor', 'x']]), { header: { name: dicomPath, data: dicomBytes } }]).bytes, name: tarName }, expect: pass() });
  add({ id: 'archive/pax-global-path', category: 'archive', control: true, description: 'a global PAX header (g) with a path record is ignored, not applied', source: { kind: 'bytes', bytes: craftTar([{ header: { name: 'pax_global_header', typeflag: 'g', data: paxData([['path', '../../x']]) } }, ...tarFiles(specRooted)]).bytes, name: tarName }, expect: pass() });

  // links and special entries
  add({ id: 'archive/tar-symlink', category: 'archive', description: 'a symlink payload entry pointing at /etc/passwd is skipped, never followed', source: { kind: 'bytes', bytes: tarWith([{ header: { name: `${root}/payload/dicom/link.dcm`, typeflag: '2', linkName: '/etc/passwd' } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/tar-hardlink', category: 'archive', description: 'a hard link to ../../etc/shadow is skipped', source: { kind: 'bytes', bytes: tarWith([{ header: { name: `${root}/payload/dicom/hard.dcm`, typeflag: '1', linkName: '../../etc/shadow' } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/tar-pax-linkpath', category: 'archive', description: 'a symlink whose PAX linkpath points outside', source: { kind: 'bytes', bytes: tarWith([paxHeader([['linkpath', '/proc/self/environ']]), { header: { name: `${root}/payload/env.txt`, typeflag: '2', linkName: 'x' } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/tar-symlink-manifest', category: 'archive', description: 'manifest.json is a symlink to /etc/passwd (no real manifest)', source: { kind: 'bytes', bytes: craftTar([{ header: { name: `${root}/manifest.json`, typeflag: '2', linkName: '/etc/passwd' } }, ...tarFiles(specRooted.filter((f) => !f.path.endsWith('manifest.json')))]).bytes, name: tarName }, expect: error('no-manifest', /No manifest\.json was found/) });
  add({ id: 'archive/tar-device', category: 'archive', description: 'a character-device entry (/dev/zero style) is skipped', source: { kind: 'bytes', bytes: tarWith([{ header: { name: `${root}/payload/zero`, typeflag: '3' } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/tar-fifo', category: 'archive', description: 'a FIFO entry is skipped', source: { kind: 'bytes', bytes: tarWith([{ header: { name: `${root}/payload/fifo`, typeflag: '6' } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/zip-symlink', category: 'archive', description: 'a zip entry with Unix symlink mode pointing at /etc/passwd is skipped', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/dicom/link.dcm`, data: text('/etc/passwd'), madeBy: 0x031e, externalAttrs: (0o120777 << 16) >>> 0 }]), name: zipName }, expect: warn('structure') });

  // duplicates
  const manifestPath = `${root}/manifest.json`;
  const forgedManifest = text(dec(fileOf(specRooted, manifestPath)).replace('Harbour Imaging', 'Forged Imaging'));
  add({ id: 'archive/zip-duplicate-manifest-second', category: 'archive', description: 'two manifest.json entries, the second forged: other tools may show the forgery', source: { kind: 'bytes', bytes: zipOf([...specRooted, { path: manifestPath, bytes: forgedManifest }]), name: zipName }, expect: warn('structure') });
  add({ id: 'archive/zip-duplicate-manifest-first', category: 'archive', description: 'two manifest.json entries, the first forged: what is shown is what is verified', source: { kind: 'bytes', bytes: zipOf([{ path: manifestPath, bytes: forgedManifest }, ...specRooted]), name: zipName }, expect: fail('manifest-jws') });
  add({ id: 'archive/zip-duplicate-payload', category: 'archive', description: 'a payload file listed twice with different bytes', source: { kind: 'bytes', bytes: zipOf([...specRooted, { path: dicomPath, bytes: flip(dicomBytes, -1) }]), name: zipName }, expect: warn('structure') });
  add({ id: 'archive/tar-duplicate-payload', category: 'archive', description: 'tar with a payload file twice (tar -r appends a replacement)', source: { kind: 'bytes', bytes: tarWith([{ header: { name: dicomPath, data: flip(dicomBytes, -1) } }]), name: tarName }, expect: warn('structure') });
  add({ id: 'archive/zip-case-duplicate', category: 'archive', description: 'IM0001.dcm and im0001.dcm: one file on case-insensitive disks, so a name twin (issue 11)', source: { kind: 'bytes', bytes: zipOf([...specRooted, { path: dicomPath.replace('IM0001', 'im0001'), bytes: flip(dicomBytes, -1) }]), name: zipName }, expect: error('ambiguous-archive', /"[^"]*IM0001\.dcm" and "[^"]*im0001\.dcm" name the same file .*letter case/) });

  // many entries, deep nesting, long names
  const many: ZipEntrySpec[] = Array.from({ length: 10_000 }, (_, i) => ({ name: `${root}/payload/extra/${i}.txt`, data: new Uint8Array(0) }));
  add({ id: 'archive/zip-10000-entries', category: 'archive', description: '10,000 tiny files added to the payload', source: { kind: 'bytes', bytes: zipOf(specRooted, many), name: zipName }, expect: fail('payload-hash') });
  const flood: ZipEntrySpec[] = Array.from({ length: 50_001 }, (_, i) => ({ name: `f/${i}`, data: new Uint8Array(0), centralOnly: true, localOffset: 0 }));
  add({ id: 'archive/zip-50001-entries', category: 'archive', description: '50,001 central-directory entries (over the entry limit), all sharing one local header', source: { kind: 'bytes', bytes: craftZip([{ name: 'f/first', data: new Uint8Array(0) }, ...flood]).bytes, name: 'flood.zip' }, expect: error('limit', /holds more than 50,000 entries \(the limit is 50000\)/) });
  const deep = `${root}/payload/${Array.from({ length: 70 }, (_, i) => `d${i}`).join('/')}/x.dcm`;
  add({ id: 'archive/zip-deep-nesting', category: 'archive', description: 'an entry nested 73 folders deep', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: deep, data: text('x') }]), name: zipName }, expect: error('limit', /nested 73 folders deep \(the limit is 64\)/) });
  add({ id: 'archive/tar-deep-nesting', category: 'archive', description: 'a tar entry nested 73 folders deep (PAX long name)', source: { kind: 'bytes', bytes: writeTar([...specRooted.map((f) => ({ name: f.path, data: f.bytes })), { name: deep, data: text('x') }], 'ustar'), name: tarName }, expect: error('limit', /nested 73 folders deep/) });
  add({ id: 'archive/zip-long-name', category: 'archive', description: 'an entry name of 5,000 characters', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/${'a'.repeat(5000)}`, data: text('x') }]), name: zipName }, expect: error('limit', /is \d{4} characters long \(the limit is 4096\)/) });
  add({ id: 'archive/tar-gnu-longlink', category: 'archive', description: 'GNU ././@LongLink names (jmix-rs style) with a 300-character payload name added', source: { kind: 'bytes', bytes: writeTar([...specRooted.map((f) => ({ name: f.path, data: f.bytes })), { name: `${root}/payload/${'n'.repeat(300)}.txt`, data: text('x') }], 'gnu'), name: tarName }, expect: fail('payload-hash') });

  // bombs
  const zeros2M = new Uint8Array(2 * 1024 * 1024);
  add({ id: 'archive/zip-bomb-ratio', category: 'archive', description: 'a real deflate bomb: 2 MiB of zeros in ~2 KiB (about 1000:1)', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/dicom/bomb.dcm`, data: zeros2M, method: 8 }]), name: zipName }, expect: error('limit', /would expand \d+:1 .*the limit is 200:1.*zip bomb/) });
  add({ id: 'archive/zip-bomb-declared-ratio', category: 'archive', description: 'an entry DECLARING 1 GiB from 100 bytes (central directory lie)', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/dicom/bomb.dcm`, data: new Uint8Array(100), method: 0, size: 2 ** 30, compressedSize: 100 }]), name: zipName }, expect: error('limit', /would expand 10737418:1.*zip bomb/) });
  add({ id: 'archive/zip-bomb-one-entry', category: 'archive', description: 'one entry declaring 3 GiB (ratio 100:1, over the per-file limit)', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/big.dcm`, data: new Uint8Array(1), size: 3 * 2 ** 30, compressedSize: 3 * 2 ** 30 / 100 }]), name: zipName }, expect: error('limit', /is 3 GiB unpacked; the limit for one file is 2 GiB/) });
  add({ id: 'archive/zip-bomb-total', category: 'archive', description: 'three entries each declaring 1.9 GiB (over the 4 GiB total)', source: { kind: 'bytes', bytes: zipOf(specRooted, [0, 1, 2].map((i) => ({ name: `${root}/payload/big${i}.dcm`, data: new Uint8Array(1), size: 1.9 * 2 ** 30, compressedSize: Math.round((1.9 * 2 ** 30) / 100) }))), name: zipName }, expect: error('limit', /unpacks to more than 4 GiB.*stopped at entry/) });
  add({ id: 'archive/zip-declared-size-too-small', category: 'archive', description: 'a payload entry declaring 1,000 bytes that inflates to 100 KiB', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, method: 8, size: 1000 }]), name: zipName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/targz-bomb', category: 'archive', description: 'a .tar.gz whose 32 MiB of zeros compress ~1000:1', source: { kind: 'bytes', bytes: gzipSync(writeTar([...specRooted.map((f) => ({ name: f.path, data: f.bytes })), { name: `${root}/payload/zeros.bin`, data: new Uint8Array(32 * 1024 * 1024) }], 'ustar')), name: `${spec.id}.tar.gz` }, expect: error('limit', /expands? .*:1.*limit is 200:1/) });

  // zip64
  add({ id: 'archive/zip64-valid', category: 'archive', control: true, description: 'a valid zip64 end record (0xFFFF counts, offsets in the zip64 record)', source: { kind: 'bytes', bytes: craftZip(specRooted.map((f) => ({ name: f.path, data: f.bytes, method: 8 })), { zip64: 'valid' }).bytes, name: zipName }, expect: pass() });
  add({ id: 'archive/zip64-locator-outside', category: 'archive', description: 'the zip64 locator points a terabyte past the end of the file', source: { kind: 'bytes', bytes: craftZip(specRooted.map((f) => ({ name: f.path, data: f.bytes })), { zip64: 'locator-outside' }).bytes, name: zipName }, expect: error('corrupt-archive', /zip64 end record is missing.*download or create it again/) });
  add({ id: 'archive/zip64-huge-count', category: 'archive', description: 'the zip64 record claims 2^40 entries', source: { kind: 'bytes', bytes: craftZip(specRooted.map((f) => ({ name: f.path, data: f.bytes })), { zip64: 'huge-count' }).bytes, name: zipName }, expect: error('corrupt-archive', /central directory entry \d+ of 1099511627776 is missing/) });
  const z64extra = (size: number, csize: number) => {
    const w = new ByteWriter();
    w.u16(1);
    w.u16(16);
    w.u64(size);
    w.u64(csize);
    return w.done();
  };
  add({ id: 'archive/zip64-extra-unsafe-size', category: 'archive', description: 'a zip64 extra field declaring 2^60 bytes (not a safe integer)', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/x.dcm`, data: text('x'), size: 0xffffffff + 1, compressedSize: 0xffffffff + 1, extra: z64extra(2 ** 60, 2 ** 60) }]), name: zipName }, expect: error('limit', /impossible size|limit for one file/) });
  add({ id: 'archive/zip64-marker-without-extra', category: 'archive', description: 'sizes set to 0xFFFFFFFF with no zip64 extra field', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/x.dcm`, data: text('x'), size: 0xffffffff, compressedSize: 0xffffffff }]), name: zipName }, expect: error('limit', /4\.00 GiB unpacked; the limit for one file is 2 GiB/) });
  add({ id: 'archive/zip-cd-offset-wrong', category: 'archive', description: 'the end record points the central directory 7 bytes early', source: { kind: 'bytes', bytes: craftZip(specRooted.map((f) => ({ name: f.path, data: f.bytes })), { cdOffsetDelta: -7 }).bytes, name: zipName }, expect: error('corrupt-archive', /central directory entry 1 of \d+ is missing at byte offset/) });
  add({ id: 'archive/zip-local-offset-wrong', category: 'archive', description: 'a central record points at a local header that is not there', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/x.dcm`, data: text('x'), centralOnly: true, localOffset: 5 }]), name: zipName }, expect: error('corrupt-archive', /local header at byte offset 5 is missing/) });
  add({ id: 'archive/zip-data-past-end', category: 'archive', description: 'a central record declares more compressed bytes than the file holds', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/x.dcm`, data: text('x'), compressedSize: 10_000_000, size: 10_000 }]), name: zipName }, expect: error('corrupt-archive', /needs 10000000 bytes at offset \d+ but the file ends/) });

  // truncation at every structural boundary
  const small = craftZip(specRooted.filter((f) => !f.path.includes('/dicom/')).map((f) => ({ name: f.path, data: f.bytes, method: 8 })));
  const seenCut = new Set<number>();
  for (const b of small.boundaries) {
    for (const cut of [b.offset, b.offset + 2]) {
      if (cut <= 4 || cut >= small.bytes.length || seenCut.has(cut)) continue;
      seenCut.add(cut);
      add({ id: `archive/zip-truncated-at-${cut}`, category: 'archive', description: `zip cut off at byte ${cut} (${cut === b.offset ? 'start' : 'inside'} of the ${b.label})`, source: { kind: 'bytes', bytes: small.bytes.slice(0, cut), name: 'truncated.zip' }, expect: error('corrupt-archive', /no end-of-central-directory record.*damaged or truncated/) });
    }
  }
  add({ id: 'archive/zip-truncated-at-3', category: 'archive', description: 'zip cut to its first 3 bytes', source: { kind: 'bytes', bytes: small.bytes.slice(0, 3), name: 'truncated.zip' }, expect: error('not-an-archive', /is not a zip or tar archive: it starts with the bytes 50 4B 03/) });
  add({ id: 'archive/zip-empty-file', category: 'archive', description: 'a 0-byte .zip', source: { kind: 'bytes', bytes: new Uint8Array(0), name: 'empty.zip' }, expect: error('not-an-archive', /is empty \(0 bytes\)/) });
  add({ id: 'archive/zip-hole', category: 'archive', description: 'a zip with 50 bytes missing from the middle (bad download resume)', source: { kind: 'bytes', bytes: (() => { const b = small.bytes; const at = small.boundaries[1]!.offset + 10; return new Uint8Array([...b.subarray(0, at), ...b.subarray(at + 50)]); })(), name: 'hole.zip' }, expect: error('corrupt-archive', /is missing at byte offset|is missing/) });

  const smallTar = craftTar(tarFiles(specRooted));
  const payloadStart = smallTar.boundaries.find((b) => b.label.includes('payload'))!.offset;
  for (const b of smallTar.boundaries) {
    for (const cut of [b.offset, b.offset + 100]) {
      if (cut >= smallTar.bytes.length) continue;
      const label = `${cut === b.offset ? 'start' : 'inside'} of the ${b.label}`;
      const before = cut < payloadStart;
      const inEnd = b.label === 'end-of-archive blocks';
      add({
        id: `archive/tar-truncated-at-${cut}`,
        category: 'archive',
        description: `tar cut off at byte ${cut} (${label})`,
        source: { kind: 'bytes', bytes: smallTar.bytes.slice(0, cut), name: 'truncated.tar' },
        // Cut before the payload: the manifest or its neighbours are gone. In the payload: files are
        // missing. In the closing zero blocks: every file is there, the archive is still damaged.
        control: inEnd && cut !== b.offset,
        expect: inEnd && cut !== b.offset ? pass() : cut < 512 ? error('not-an-archive', /is not a zip or tar archive/) : inEnd ? warn('structure') : before ? (cut < smallTar.boundaries[1]!.offset + 512 ? error('corrupt-archive', /truncated.*No manifest\.json|No manifest\.json/) : fail('payload-hash')) : fail('payload-hash'),
      });
    }
  }
  const targz = gzipSync(craftTar(tarFiles(specRooted)).bytes);
  for (const [label, cut] of [['inside the gzip header', 6], ['in the middle of the stream', Math.floor(targz.length / 2)], ['just before the trailer', targz.length - 8], ['inside the trailer', targz.length - 3]] as const) {
    // Cut in the header: nothing to read. In the stream: files are missing. At the trailer: every
    // file is there, the checksum is not, so the carrier is reported damaged.
    const expect = cut < 18 ? error('corrupt-archive', /only 6 bytes.*truncated/) : cut < targz.length - 8 ? fail('payload-hash', { structure: 'warn' }) : warn('structure');
    add({ id: `archive/targz-truncated-${label.replace(/\W+/g, '-')}`, category: 'archive', description: `.tar.gz cut off ${label}`, source: { kind: 'bytes', bytes: targz.slice(0, cut), name: 'truncated.tar.gz' }, expect });
  }
  add({ id: 'archive/targz-wrong-crc', category: 'archive', description: '.tar.gz whose gzip CRC-32 trailer is wrong (data intact)', source: { kind: 'bytes', bytes: flip(targz, -6), name: 'badcrc.tar.gz' }, expect: warn('structure') });

  // CRCs, encryption, methods, corrupt deflate
  add({ id: 'archive/zip-wrong-crc-data-intact', category: 'archive', description: 'a payload entry whose stored CRC is wrong but whose data is genuine', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, method: 8, crc: 0xdeadbeef }]), name: zipName }, expect: warn('structure') });
  add({ id: 'archive/zip-wrong-crc-data-changed', category: 'archive', description: 'a stored payload entry with a changed byte (CRC now wrong)', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, stored: flip(dicomBytes, 300), method: 0 }]), name: zipName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/zip-encrypted-zipcrypto', category: 'archive', description: 'a zip entry with the traditional encryption flag (bit 0)', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, flags: 1 }]), name: zipName }, expect: error('encrypted-zip', /password-protected.*unzip it with its password/) });
  add({ id: 'archive/zip-encrypted-aes', category: 'archive', description: 'a WinZip AES entry (method 99)', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, method: 99 }]), name: zipName }, expect: error('encrypted-zip', /password-protected/) });
  add({ id: 'archive/zip-method-bzip2-payload', category: 'archive', description: 'a payload entry compressed with bzip2 (method 12)', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, method: 12, stored: dicomBytes }]), name: zipName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/zip-method-lzma-manifest', category: 'archive', description: 'manifest.json compressed with LZMA (method 14): nothing to open', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== manifestPath), [{ name: manifestPath, data: fileOf(specRooted, manifestPath), method: 14, stored: fileOf(specRooted, manifestPath) }]), name: zipName }, expect: error('corrupt-archive', /LZMA compression.*No manifest\.json/s) });
  add({ id: 'archive/zip-corrupt-deflate', category: 'archive', description: 'a payload entry whose deflate stream is garbage', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path !== dicomPath), [{ name: dicomPath, data: dicomBytes, method: 8, stored: new Uint8Array(64).fill(0xff) }]), name: zipName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/tar-bad-checksum-first', category: 'archive', description: 'the first tar header has a wrong checksum', source: { kind: 'bytes', bytes: craftTar([{ header: { name: manifestPath, data: fileOf(specRooted, manifestPath), badChecksum: true } }, ...tarFiles(specRooted.filter((f) => f.path !== manifestPath))]).bytes, name: tarName }, expect: error('corrupt-archive', /header checksum mismatch.*No manifest\.json/s) });
  add({ id: 'archive/tar-bad-checksum-payload', category: 'archive', description: 'a payload header with a wrong checksum: the rest of the tar is unreadable', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), { header: { name: dicomPath, data: dicomBytes, badChecksum: true } }]).bytes, name: tarName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/tar-size-not-octal', category: 'archive', description: 'a tar size field holding "12x" instead of octal digits', source: { kind: 'bytes', bytes: craftTar([...tarFiles(withoutDicom), { header: { name: dicomPath, data: dicomBytes, sizeField: '0000012x\0' } }]).bytes, name: tarName }, expect: fail('payload-hash', { structure: 'warn' }) });
  add({ id: 'archive/tar-reordered', category: 'archive', control: true, description: 'tar entries in reverse order: same content, same verdict', source: { kind: 'bytes', bytes: craftTar(tarFiles([...specRooted].reverse())).bytes, name: tarName }, expect: pass() });
  add({ id: 'archive/folder-reordered', category: 'archive', control: true, description: 'a dropped folder listed in shuffled order', source: { kind: 'files', files: [...specRooted].sort((a, b) => (a.path.length % 3) - (b.path.length % 3) || (a.path < b.path ? 1 : -1)), name: root }, expect: pass() });
  add({ id: 'archive/payload-os-litter', category: 'archive', description: '__MACOSX/ and .DS_Store added inside payload/ after sealing', source: { kind: 'bytes', bytes: zipOf(specRooted, [{ name: `${root}/payload/.DS_Store`, data: text('Bud1') }, { name: `__MACOSX/${root}/payload/._report.pdf`, data: text('x') }]), name: zipName }, expect: warn('structure') });

  // not an archive at all
  const notArchive: [string, Uint8Array, RegExp][] = [
    ['pdf', syntheticPdfReport(['hi']), /starts with %PDF \(a PDF document\)/],
    ['png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), /PNG image/],
    ['jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), /JPEG image/],
    ['dicom', tinyStudy().files[0]!.bytes, /DICM at byte 128 \(a single DICOM file\)/],
    ['rar', text('Rar!\x1a\x07\x01\x00'), /RAR archive, which is not supported/],
    ['7z', new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), /7-Zip archive/],
    ['bzip2', text('BZh91AY&SY'), /bzip2-compressed; only gzip is supported/],
    ['xz', new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]), /xz-compressed/],
    ['zstd', new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), /zstd-compressed/],
    ['html-error-page', text('<!DOCTYPE html><html><body>404 Not Found</body></html>'), /an HTML\/XML page, perhaps an error page/],
    ['lone-manifest', fileOf(specRooted, manifestPath), /a JSON file, perhaps a lone manifest\.json/],
    ['random', fixedBytes(4096, 197, 31), /starts with the bytes .* which is not a known archive format/],
  ];
  for (const [id, bytes, re] of notArchive) add({ id: `archive/not-an-archive-${id}`, category: 'archive', description: `a ${id} file dropped instead of an envelope`, source: { kind: 'bytes', bytes, name: `dropped.${id}` }, expect: error('not-an-archive', re) });
  add({ id: 'archive/gzip-not-tar', category: 'archive', description: 'a gzip whose content is not a tar', source: { kind: 'bytes', bytes: gzipSync(text('just some text, not a tar archive '.repeat(20))), name: 'x.tar.gz' }, expect: error('not-an-archive', /is gzip-compressed, but what is inside is not a tar archive/) });
  add({ id: 'archive/zip-no-manifest', category: 'archive', description: 'a zip of payload files only', source: { kind: 'bytes', bytes: zipOf(specRooted.filter((f) => f.path.includes('/payload/'))), name: zipName }, expect: error('no-manifest', /No manifest\.json was found: its top level holds/) });
  add({ id: 'archive/zip-two-envelopes', category: 'archive', description: 'two envelopes side by side: which one to open is ambiguous', source: { kind: 'bytes', bytes: zipOf([...specRooted, ...rooted(otherSpec)]), name: 'two.zip' }, expect: error('ambiguous', /Found 2 manifest\.json files at the same depth/) });

  // =============================================================================================
  // JSON
  const specFiles = spec.files;
  const withManifestBytes = (b: Uint8Array) => folder(spec, replaceFile(specFiles, 'manifest.json', b));
  const manifestText = dec(fileOf(specFiles, 'manifest.json'));
  const jsonErr = (id: string, description: string, bytes: Uint8Array, re: RegExp) => add({ id: `json/${id}`, category: 'json', description, source: withManifestBytes(bytes), expect: error('bad-manifest', re) });
  jsonErr('invalid-utf8', 'manifest.json with a stray 0xFF byte', new Uint8Array([...text('{"id": "'), 0xff, ...text('"}')]), /not valid UTF-8 \(first bad byte at offset 8\)/);
  jsonErr('overlong-utf8', 'manifest.json with an overlong UTF-8 encoding of "/" (C0 AF)', new Uint8Array([...text('{"a": "'), 0xc0, 0xaf, ...text('"}')]), /not valid UTF-8 \(first bad byte at offset 7\)/);
  jsonErr('surrogate-utf8', 'manifest.json with a UTF-8-encoded lone surrogate (ED A0 80)', new Uint8Array([...text('{"a": "'), 0xed, 0xa0, 0x80, ...text('"}')]), /not valid UTF-8/);
  jsonErr('utf16', 'manifest.json saved as UTF-16LE', new Uint8Array([0xff, 0xfe, ...Array.from(text('{"a":1}')).flatMap((c) => [c, 0])]), /not valid UTF-8/);
  jsonErr('not-json', 'manifest.json that is prose', text('This is my manifest, trust me.'), /is not valid JSON \(.*\)\. The file is damaged or was edited by hand/);
  jsonErr('empty', 'an empty manifest.json', new Uint8Array(0), /is not valid JSON/);
  jsonErr('truncated', 'manifest.json cut in half', text(manifestText.slice(0, manifestText.length >> 1)), /is not valid JSON/);
  jsonErr('trailing-garbage', 'manifest.json with text after the object', text(manifestText + '\n<script>alert(1)</script>'), /is not valid JSON/);
  jsonErr('comments', 'manifest.json with // comments', text('{\n // sender\n "id": "x"\n}'), /is not valid JSON/);
  jsonErr('nan', 'manifest.json with NaN', text('{"id": NaN}'), /is not valid JSON/);
  jsonErr('array', 'manifest.json that is an array', text('[1,2,3]'), /does not hold a JSON object/);
  jsonErr('null', 'manifest.json that is null', text('null'), /does not hold a JSON object/);
  jsonErr('string', 'manifest.json that is a string', text('"manifest"'), /does not hold a JSON object/);
  jsonErr('deep-nesting', 'manifest.json nested 100,000 arrays deep', text('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'), /nests 100001 levels deep, over the limit of 64/);
  jsonErr('nesting-65', 'manifest.json nested just over the limit (65)', text('{"a":' + '['.repeat(64) + ']'.repeat(64) + '}'), /nests 65 levels deep/);
  jsonErr('over-size-limit', 'a 33 MiB manifest.json (one huge string; the limit is 32 MiB)', (() => { const b = new Uint8Array(33 * 1024 * 1024).fill(0x61); b.set(text('{"id":"')); b.set(text('"}'), b.length - 2); return b; })(), /is 34,603,008 bytes, over the 33,554,432-byte limit for JSON files/);
  add({ id: 'json/nesting-in-string', category: 'json', description: '10,000 brackets inside a string are text, not nesting (manifest edited after signing)', source: withManifestBytes(text(manifestText.replace('"Harbour Imaging"', `"${'['.repeat(10_000)}"`))), expect: fail('manifest-jws') });
  add({ id: 'json/bom-after-signing', category: 'json', description: 'a UTF-8 BOM added to a signed manifest.json', source: withManifestBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...fileOf(specFiles, 'manifest.json')])), expect: fail('manifest-jws') });
  add({ id: 'json/bom-unsigned', category: 'json', description: 'a UTF-8 BOM on an unsigned jmix-js manifest.json is tolerated', source: folder(js, replaceFile(js.files, 'manifest.json', new Uint8Array([0xef, 0xbb, 0xbf, ...fileOf(js.files, 'manifest.json')]))), expect: warn(undefined, { 'payload-hash': 'pass' }) });
  add({ id: 'json/bom-audit', category: 'json', description: 'a BOM on audit.json (not signed) is tolerated', source: folder(spec, replaceFile(specFiles, 'audit.json', new Uint8Array([0xef, 0xbb, 0xbf, ...fileOf(specFiles, 'audit.json')]))), control: true, expect: pass() });
  add({ id: 'json/duplicate-key-after-signing', category: 'json', description: 'a second "sender" key appended after signing (last-wins parsers show the forgery)', source: withManifestBytes(text(manifestText.replace(/\n}\s*$/, ',\n  "sender": {"name": "Forged Imaging", "id": "org:forged"}\n}'))), expect: fail('manifest-jws') });
  add({ id: 'json/duplicate-id-same-value', category: 'json', control: true, description: 'a duplicate "id" key with the same value: every parser reads the same content, so the JWS still covers it', source: withManifestBytes(text(manifestText.replace('{', `{\n  "id": "${spec.id}",`))), expect: pass() });

  // wrong types for every manifest field, edited after signing (an intermediary's damage)
  const wrongTypes: [string, (m: Record<string, any>) => void][] = [
    ['version', (m) => (m.version = 1)],
    ['id', (m) => (m.id = { uuid: m.id })],
    ['timestamp', (m) => (m.timestamp = 1740821400)],
    ['sender', (m) => (m.sender = 'Harbour Imaging')],
    ['sender.name', (m) => (m.sender.name = ['Harbour', 'Imaging'])],
    ['sender.id', (m) => (m.sender.id = null)],
    ['sender.contact', (m) => (m.sender.contact = 42)],
    ['sender.assertion', (m) => (m.sender.assertion = 'trust me')],
    ['sender.assertion.signing_key', (m) => (m.sender.assertion.signing_key = [])],
    ['sender.assertion.signed_fields', (m) => (m.sender.assertion.signed_fields = 'sender.id')],
    ['sender.assertion.signature', (m) => (m.sender.assertion.signature = 12345)],
    ['requester', (m) => (m.requester = [])],
    ['receiver', (m) => (m.receiver = { name: 'single' })],
    ['receiver[0]', (m) => (m.receiver[0] = 'Northside')],
    ['security', (m) => (m.security = 'none')],
    ['security.classification', (m) => (m.security.classification = true)],
    ['security.payload_hash', (m) => (m.security.payload_hash = 0)],
    ['security.encryption', (m) => (m.security.encryption = 'AES-256-GCM')],
    ['security.jws', (m) => (m.security.jws = 'manifest.jws')],
    ['extensions', (m) => (m.extensions = ['synthetic'])],
    ['extensions.custom_tags', (m) => (m.extensions.custom_tags = 'synthetic')],
    ['extensions.consent', (m) => (m.extensions.consent = 'granted')],
    ['extensions.consent.scope', (m) => (m.extensions.consent.scope = { treatment: true })],
    ['extensions.deid', (m) => (m.extensions.deid = 7)],
  ];
  for (const [field, mutate] of wrongTypes) {
    const m = manifestOf(specFiles);
    mutate(m);
    add({ id: `json/wrong-type-${field}`, category: 'json', description: `manifest ${field} given the wrong type after signing`, source: withManifestBytes(json2(m)), expect: fail('manifest-jws') });
  }
  const jsWrong: [string, (m: Record<string, any>) => void][] = [
    ['envelope_id', (m) => (m.envelope_id = 12)],
    ['patient', (m) => (m.patient = 'John')],
    ['patient.name', (m) => (m.patient.name = { given: 5 })],
    ['patient.identifiers', (m) => (m.patient.identifiers = [null, 7, { system: {} }])],
    ['receivers', (m) => (m.receivers = 'everyone')],
    ['report', (m) => (m.report = { file: ['a.pdf'] })],
    ['custom_tags', (m) => (m.custom_tags = [1, null, {}])],
  ];
  for (const [field, mutate] of jsWrong) {
    const m = manifestOf(js.files);
    mutate(m);
    add({ id: `json/js-wrong-type-${field}`, category: 'json', description: `unsigned jmix-js manifest with ${field} of the wrong type`, source: folder(js, replaceFile(js.files, 'manifest.json', json2(m))), expect: warn(undefined, { 'payload-hash': 'pass' }) });
  }
  // audit.json is not signed by any producer: damage there must still lower the verdict.
  for (const [id, body] of [
    ['audit-not-list', '{"audit": "created"}'],
    ['audit-entries-wrong', '{"audit": [1, "x", null, {"event": 5, "by": "me"}]}'],
    ['audit-invalid-json', '{"audit": [ {"event": "created", }'],
    ['audit-invalid-utf8', '{"audit": [{"event": "\xff"}]}'],
    ['audit-deep', '{"audit": ' + '['.repeat(200) + ']'.repeat(200) + '}'],
  ] as const) {
    const bytes = id === 'audit-invalid-utf8' ? new Uint8Array([...text('{"audit": [{"event": "'), 0xff, ...text('"}]}')]) : text(body);
    add({ id: `json/${id}`, category: 'json', description: `audit.json damaged: ${id}`, source: folder(spec, replaceFile(specFiles, 'audit.json', bytes)), expect: warn('audit') });
  }
  // prototype pollution keys
  const protoManifest = manifestText.replace('{', '{\n  "__proto__": {"polluted": "yes", "isAdmin": true},\n  "constructor": {"prototype": {"polluted": "yes"}},');
  add({ id: 'json/proto-keys-manifest', category: 'json', description: '__proto__ and constructor.prototype keys in manifest.json (after signing)', source: withManifestBytes(text(protoManifest)), expect: fail('manifest-jws') });
  add({ id: 'json/proto-keys-nested', category: 'json', description: '__proto__ inside sender, security and extensions', source: withManifestBytes(text(manifestText.replace('"sender": {', '"sender": {"__proto__": {"polluted": "yes"}, ').replace('"security": {', '"security": {"__proto__": {"payload_hash": "sha256:00"}, ').replace('"extensions": {', '"extensions": {"__proto__": {"polluted": "yes"}, '))), expect: fail('manifest-jws') });
  add({ id: 'json/proto-keys-audit', category: 'json', description: '__proto__ in audit entries', source: folder(spec, replaceFile(specFiles, 'audit.json', text('{"__proto__": {"polluted": "yes"}, "audit": [{"event": "created", "__proto__": {"polluted": "yes"}, "by": {"id": "x", "__proto__": {"polluted": 1}}, "timestamp": "2025-03-01T09:30:00Z"}]}'))), control: true, expect: pass() });
  const protoFilesJson = await reseal(spec, { payload: (p) => replaceFile(p, 'files.json', text('[{"file": "__proto__", "hash": "sha256:00", "__proto__": {"polluted": "yes"}}, {"__proto__": {"file": "x"}}]')) });
  add({ id: 'json/proto-keys-files-json', category: 'json', description: '__proto__ entries in files.json (sealed by the sender)', source: folder(spec, protoFilesJson), expect: warn('files-json') });
  const protoMeta = await reseal(spec, { payload: (p) => replaceFile(p, 'metadata.json', text('{"__proto__": {"polluted": "yes"}, "patient": {"__proto__": {"id": "evil"}, "id": "P1"}, "constructor": {"prototype": {"polluted": "yes"}}}')) });
  add({ id: 'json/proto-keys-metadata', category: 'json', description: '__proto__ in metadata.json (sealed by the sender)', source: folder(spec, protoMeta), control: true, expect: pass() });
  // files.json that lies in shape, sealed by the sender
  for (const [id, body] of [
    ['files-json-not-list', '{"files": "all of them"}'],
    ['files-json-entry-types', '[{"file": 5, "hash": 7}, {"file": "files/report.pdf", "size_bytes": "big", "hash": ["x"]}]'],
    ['files-json-invalid', '[{"file": "files/report.pdf",}'],
  ] as const) {
    add({ id: `json/${id}`, category: 'json', description: `files.json: ${id}, sealed by the sender`, source: folder(spec, await reseal(spec, { payload: (p) => replaceFile(p, 'files.json', text(body)) })), expect: warn('files-json') });
  }

  // =============================================================================================
  // CRYPTO (spec and jmix-php hash the ciphertext; rs the plaintext tar; js the files)
  const encFolder = (env: PackedEnvelope, files = env.files) => folder(env, files);
  const withEnc = (env: PackedEnvelope, mutate: (e: Record<string, any>) => void) => {
    const m = manifestOf(env.files);
    mutate(m.security.encryption);
    return replaceFile(env.files, 'manifest.json', json2(m));
  };
  for (const [env, name] of [[specEnc, 'spec'], [rsEnc, 'rs'], [jsEnc, 'js'], [phpEnc, 'php']] as const) {
    add({ id: `crypto/wrong-key-${name}`, category: 'crypto', description: `${name} envelope opened with another recipient's key`, source: encFolder(env), key: HOSTILE_KEYS.wrongPrivate, expect: fail('decrypt') });
  }
  add({ id: 'crypto/no-key', category: 'crypto', description: 'encrypted envelope, no key given: asks for one', source: encFolder(specEnc), expect: warn('decrypt', { decrypt: 'unverifiable' }) });
  add({ id: 'crypto/blank-key', category: 'crypto', description: 'a key of only whitespace counts as no key', source: encFolder(specEnc), key: '   \n', expect: warn('decrypt', { decrypt: 'unverifiable' }) });
  for (const n of [16, 31, 33]) add({ id: `crypto/key-${n}-bytes`, category: 'crypto', description: `a ${n}-byte key`, source: encFolder(specEnc), key: bytesToBase64(fixedBytes(n, 3, 1)), expect: error('bad-key', new RegExp(`decodes to ${n} bytes; an X25519 private key is 32 bytes`)) });
  add({ id: 'crypto/key-64-bytes', category: 'crypto', description: 'a 64-byte Ed25519 secret key instead of the X25519 key', source: encFolder(specEnc), key: bytesToBase64(fixedBytes(64, 3, 1)), expect: error('bad-key', /64 bytes.*Ed25519 signing secret key/) });
  add({ id: 'crypto/key-invalid-base64', category: 'crypto', description: 'a key with characters outside base64', source: encFolder(specEnc), key: 'not*a*key!', expect: error('bad-key', /not valid base64: unexpected character '\*' at position 4/) });
  add({ id: 'crypto/key-truncated-base64', category: 'crypto', description: 'a key with one character missing', source: encFolder(specEnc), key: key.slice(0, 42), expect: error('bad-key', /decodes to 31 bytes|cannot be a whole number of bytes/) });
  add({ id: 'crypto/key-public-pem', category: 'crypto', description: 'a PEM public key instead of the private key', source: encFolder(specEnc), key: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA' + 'A'.repeat(43) + '=\n-----END PUBLIC KEY-----', expect: error('bad-key', /PEM public key.*not a public key/) });
  add({ id: 'crypto/key-json', category: 'crypto', description: 'the whole keys.json pasted as the key', source: encFolder(specEnc), key: `{"recipient_private_key_b64": "${key}"}`, expect: error('bad-key', /looks like a JSON document, not a key/) });
  for (const [label, hex] of SMALL_ORDER_X25519) {
    add({ id: `crypto/ephemeral-small-order-${label}`, category: 'crypto', description: `ephemeral public key replaced by the small-order point ${label}`, source: encFolder(specEnc, withEnc(specEnc, (e) => (e.ephemeral_public_key = bytesToBase64(hexToBytes(hex))))), key, expect: fail('decrypt') });
  }
  add({ id: 'crypto/ephemeral-31-bytes', category: 'crypto', description: 'ephemeral public key of 31 bytes', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.ephemeral_public_key = bytesToBase64(fixedBytes(31, 5, 9))))), key, expect: fail('decrypt') });
  add({ id: 'crypto/ephemeral-invalid-base64', category: 'crypto', description: 'ephemeral public key that is not base64', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.ephemeral_public_key = '<script>'))), key, expect: fail('decrypt') });
  add({ id: 'crypto/ephemeral-flipped-bit', category: 'crypto', description: 'one bit of the ephemeral public key flipped', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.ephemeral_public_key = bytesToBase64(flip(Uint8Array.from(atob(e.ephemeral_public_key), (c) => c.charCodeAt(0)), 5))))), key, expect: fail('decrypt') });
  for (const [label, n] of [['8', 8], ['16', 16], ['empty', 0]] as const) {
    add({ id: `crypto/iv-${label}-bytes`, category: 'crypto', description: `IV of ${n} bytes`, source: encFolder(specEnc, withEnc(specEnc, (e) => (e.iv = n ? bytesToBase64(fixedBytes(n, 1, 1)) : ''))), key, expect: fail('decrypt') });
  }
  add({ id: 'crypto/iv-flipped-bit', category: 'crypto', description: 'one bit of the IV flipped', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.iv = bytesToBase64(flip(Uint8Array.from(atob(e.iv), (c) => c.charCodeAt(0)), 0))))), key, expect: fail('decrypt') });
  add({ id: 'crypto/tag-12-bytes', category: 'crypto', description: 'a 12-byte GCM tag', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.auth_tag = bytesToBase64(fixedBytes(12, 1, 1))))), key, expect: fail('decrypt') });
  add({ id: 'crypto/tag-flipped-bit', category: 'crypto', description: 'one bit of the GCM tag flipped', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.auth_tag = bytesToBase64(flip(Uint8Array.from(atob(e.auth_tag), (c) => c.charCodeAt(0)), 15))))), key, expect: fail('decrypt') });
  add({ id: 'crypto/tag-missing', category: 'crypto', description: 'auth_tag removed: the last 16 bytes of the file are tried as the tag', source: encFolder(specEnc, withEnc(specEnc, (e) => delete e.auth_tag)), key, expect: fail('decrypt') });
  add({ id: 'crypto/algorithm-cbc', category: 'crypto', description: 'algorithm changed to AES-256-CBC', source: encFolder(specEnc, withEnc(specEnc, (e) => (e.algorithm = 'AES-256-CBC'))), key, expect: fail('decrypt') });
  const ct = fileOf(specEnc.files, 'payload.encrypted');
  for (const [label, at] of [['first', 0], ['middle', ct.length >> 1], ['last', -1]] as const) {
    add({ id: `crypto/ciphertext-flipped-${label}`, category: 'crypto', description: `one bit of the ${label} ciphertext byte flipped`, source: encFolder(specEnc, replaceFile(specEnc.files, 'payload.encrypted', flip(ct, at))), key, expect: fail('decrypt') });
  }
  add({ id: 'crypto/ciphertext-flipped-rs', category: 'crypto', description: 'one ciphertext bit flipped in a jmix-rs payload.enc', source: encFolder(rsEnc, replaceFile(rsEnc.files, 'payload.enc', flip(fileOf(rsEnc.files, 'payload.enc'), 100))), key, expect: fail('decrypt') });
  for (const [label, cut] of [['one-byte', ct.length - 1], ['half', ct.length >> 1], ['empty', 0]] as const) {
    add({ id: `crypto/ciphertext-truncated-${label}`, category: 'crypto', description: `ciphertext truncated (${label})`, source: encFolder(specEnc, replaceFile(specEnc.files, 'payload.encrypted', ct.slice(0, cut))), key, expect: fail('decrypt') });
  }
  add({ id: 'crypto/ciphertext-extended', category: 'crypto', description: '16 bytes appended to the ciphertext', source: encFolder(specEnc, replaceFile(specEnc.files, 'payload.encrypted', new Uint8Array([...ct, ...new Uint8Array(16)]))), key, expect: fail('decrypt') });
  add({ id: 'crypto/ciphertext-missing', category: 'crypto', description: 'manifest declares encryption, payload.encrypted is gone', source: encFolder(specEnc, replaceFile(specEnc.files, 'payload.encrypted', null)), key, expect: fail('decrypt', { structure: 'fail' }) });
  add({ id: 'crypto/encryption-block-missing', category: 'crypto', description: 'payload.encrypted present, security.encryption removed (after signing)', source: encFolder(specEnc, replaceFile(specEnc.files, 'manifest.json', json2((() => { const m = manifestOf(specEnc.files); delete m.security.encryption; return m; })()))), key, expect: fail('decrypt') });
  add({ id: 'crypto/payload-swapped', category: 'crypto', description: 'payload.encrypted swapped in from another envelope for the same recipient', source: encFolder(specEnc, replaceFile(specEnc.files, 'payload.encrypted', fileOf(otherEnc.files, 'payload.encrypted'))), key, expect: fail('decrypt') });
  add({
    id: 'crypto/payload-and-encryption-swapped',
    category: 'crypto',
    description: 'ciphertext AND encryption block transplanted from another envelope: it decrypts, but the payload hash and signature expose it',
    source: encFolder(specEnc, replaceFile(withEnc(specEnc, (e) => Object.assign(e, manifestOf(otherEnc.files).security.encryption)), 'payload.encrypted', fileOf(otherEnc.files, 'payload.encrypted'))),
    key,
    expect: fail('payload-hash', { decrypt: 'pass' }),
  });
  add({
    id: 'crypto/php-full-transplant',
    category: 'crypto',
    description: 'jmix-php: ciphertext, encryption block and payload_hash transplanted (php JWS does not cover them)',
    source: encFolder(phpEnc, replaceFile(replaceFile(phpEnc.files, 'manifest.json', json2((() => { const m = manifestOf(phpEnc.files); const o = manifestOf(otherPhpEnc.files); m.security.encryption = o.security.encryption; m.security.payload_hash = o.security.payload_hash; return m; })())), 'payload.encrypted', fileOf(otherPhpEnc.files, 'payload.encrypted'))),
    key,
    expect: warn('manifest-jws', { decrypt: 'pass', 'payload-hash': 'pass' }),
  });
  add({ id: 'crypto/sealed-tar-slip', category: 'crypto', description: 'a correctly encrypted payload whose tar holds ../../evil', source: { kind: 'files', files: (await sealEncrypted(craftTar([{ header: { name: '../../evil.sh', data: text('x') } }]).bytes)).map((f) => ({ path: `evil.JMIX/${f.path}`, bytes: f.bytes })), name: 'evil.JMIX' }, key, expect: error('unsafe-path', /payload\.encrypted: entry "\.\.\/\.\.\/evil\.sh".*zip slip/) });
  add({ id: 'crypto/sealed-gzip-bomb', category: 'crypto', description: 'a correctly encrypted payload that is a gzip bomb', source: { kind: 'files', files: (await sealEncrypted(gzipSync(new Uint8Array(8 * 1024 * 1024)))).map((f) => ({ path: `bomb.JMIX/${f.path}`, bytes: f.bytes })), name: 'bomb.JMIX' }, key, expect: error('limit', /payload\.encrypted.*limit is 200:1/) });
  add({ id: 'crypto/sealed-garbage-plaintext', category: 'crypto', description: 'a correctly encrypted payload that is not a tar', source: { kind: 'files', files: (await sealEncrypted(fixedBytes(2048, 31, 7))).map((f) => ({ path: `junk.JMIX/${f.path}`, bytes: f.bytes })), name: 'junk.JMIX' }, key, expect: warn('decrypt', { decrypt: 'warn' }) });
  add({ id: 'crypto/sealed-symlink', category: 'crypto', description: 'a correctly encrypted payload tar with a symlink to /etc/passwd', source: { kind: 'files', files: (await sealEncrypted(craftTar([...tarFiles(basePayload()), { header: { name: 'dicom/link.dcm', typeflag: '2', linkName: '/etc/passwd' } }]).bytes)).map((f) => ({ path: `link.JMIX/${f.path}`, bytes: f.bytes })), name: 'link.JMIX' }, key, expect: warn('decrypt', { decrypt: 'warn' }) });

  // =============================================================================================
  // INTEGRITY
  const integ = (id: string, description: string, source: HostileSource, expect: HostileExpect, extra: Partial<HostileCase> = {}) => add({ id: `integrity/${id}`, category: 'integrity', description, source, expect, ...extra });
  for (const [env, name] of [[spec, 'spec'], [rs, 'rs'], [php, 'php'], [js, 'js']] as const) {
    const dpath = env.files.find((f) => f.path.startsWith('payload/dicom/'))!.path;
    const failOrWarn = fail('payload-hash');
    integ(`file-added-${name}`, `${name}: a DICOM file added to the payload`, folder(env, [...env.files, { path: 'payload/dicom/added.dcm', bytes: tinyStudy().files[0]!.bytes }]), failOrWarn);
    integ(`file-removed-${name}`, `${name}: a DICOM file removed`, folder(env, replaceFile(env.files, dpath, null)), failOrWarn);
    integ(`file-renamed-${name}`, `${name}: a DICOM file renamed`, folder(env, [...replaceFile(env.files, dpath, null), { path: dpath.replace(/\.dcm$/, '-renamed.dcm'), bytes: fileOf(env.files, dpath) }]), failOrWarn);
    integ(`byte-changed-${name}`, `${name}: one byte of a DICOM file changed`, folder(env, replaceFile(env.files, dpath, flip(fileOf(env.files, dpath), -2))), failOrWarn);
  }
  integ('byte-changed-metadata', 'one byte of metadata.json changed', folder(spec, replaceFile(specFiles, 'payload/metadata.json', flip(fileOf(specFiles, 'payload/metadata.json'), 20))), fail('payload-hash'));
  integ('byte-changed-report', 'one byte of the report PDF changed', folder(spec, replaceFile(specFiles, 'payload/files/report.pdf', flip(fileOf(specFiles, 'payload/files/report.pdf'), 40))), fail('payload-hash'));
  integ('byte-changed-files-json', 'one byte of files.json changed', folder(spec, replaceFile(specFiles, 'payload/files.json', flip(fileOf(specFiles, 'payload/files.json'), 30))), fail('payload-hash'));
  integ('empty-file-added', 'an empty file added to payload/', folder(spec, [...specFiles, { path: 'payload/files/empty.txt', bytes: new Uint8Array(0) }]), fail('payload-hash'));
  integ('reordered-folder', 'the same files listed in reverse order', folder(spec, [...specFiles].reverse()), pass({ 'payload-hash': 'pass', 'files-json': 'pass' }), { control: true });
  const specLie = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, tamper: 'files-json-lie' });
  integ('files-json-lie', 'files.json lists a wrong hash; payload_hash was computed over the lie', folder(specLie), fail('files-json', { 'payload-hash': 'pass' }));
  integ('files-json-size-lie', 'files.json declares a wrong size (sealed)', folder(spec, await reseal(spec, { payload: (p) => replaceFile(p, 'files.json', text(dec(fileOf(p, 'files.json')).replace(/"size_bytes": (\d+)/, (_, n) => `"size_bytes": ${Number(n) + 1}`))) })), fail('files-json', { 'payload-hash': 'pass' }));
  integ('files-json-phantom', 'files.json lists a file the payload does not have (sealed)', folder(spec, await reseal(spec, { payload: (p) => replaceFile(p, 'files.json', text(JSON.stringify([...JSON.parse(dec(fileOf(p, 'files.json'))), { file: 'dicom/ghost.dcm', hash: 'sha256:' + 'a'.repeat(64), size_bytes: 3 }]))) })), warn('files-json', { 'payload-hash': 'pass' }));
  integ('wrong-recipe-a', 'a spec envelope whose payload_hash uses the jmix-js recipe over the same payload: matches as recipe A', folder(spec, await reseal(spec, { recipe: 'recipe-a' })), pass({ 'payload-hash': 'pass' }), { control: true });
  integ('wrong-recipe-a-tampered', 'recipe-A payload_hash, then a file changed', folder(spec, replaceFile(await reseal(spec, { recipe: 'recipe-a' }), 'payload/files/report.pdf', text('replaced'))), fail('payload-hash'));
  integ('hash-uppercase', 'payload_hash in upper-case hex (sealed)', folder(spec, await reseal(spec, { manifest: (m) => (m.security.payload_hash = 'sha256:' + m.security.payload_hash.slice(7).toUpperCase()) })), pass({ 'payload-hash': 'pass' }), { control: true });
  integ('hash-placeholder', 'payload_hash "sha256:skipped" (signed): nothing proves completeness', folder(spec, await reseal(spec, { manifest: (m) => (m.security.payload_hash = 'sha256:skipped') })), warn(undefined, { 'payload-hash': 'not-present' }));
  integ('hash-md5', 'payload_hash is an MD5 digest (signed)', folder(spec, await reseal(spec, { manifest: (m) => (m.security.payload_hash = 'md5:' + 'a'.repeat(32)) })), warn('payload-hash', { 'payload-hash': 'unverifiable' }));
  // Recipe A concatenates path\nbytes with no length, so moving a boundary keeps the hash.
  const rsDicom = rs.files.filter((f) => f.path.startsWith('payload/')).map((f) => f.path.slice(8)).sort();
  const [mergeA, mergeB] = [rsDicom[rsDicom.length - 2]!, rsDicom[rsDicom.length - 1]!];
  integ('recipe-a-boundary-shift', `jmix-rs: ${mergeB} merged into the end of ${mergeA}; recipe A cannot tell, files.json can`, folder(rs, [...replaceFile(replaceFile(rs.files, `payload/${mergeB}`, null), `payload/${mergeA}`, null), { path: `payload/${mergeA}`, bytes: new Uint8Array([...fileOf(rs.files, `payload/${mergeA}`), ...text(`${mergeB}\n`), ...fileOf(rs.files, `payload/${mergeB}`)]) }]), fail('files-json', { 'payload-hash': 'pass' }));
  for (const [env, name] of [[spec, 'spec'], [rs, 'rs'], [php, 'php']] as const) {
    const t = await packBase(env.dialect, { signWith: HOSTILE_KEYS.signingSeed, tamper: 'manifest-after-signing' });
    integ(`manifest-edited-${name}`, `${name}: the sender's name changed after signing`, folder(t), fail('manifest-jws'));
  }
  integ('manifest-receiver-edited', 'receiver id changed after signing', withManifestBytes(text(manifestText.replace('org:northside-clinic', 'org:attacker'))), fail('manifest-jws'));
  integ('manifest-hash-edited', 'payload_hash replaced after signing to match an altered payload', folder(spec, await (async () => { const files = await reseal(spec, { payload: (p) => replaceFile(p, 'files/report.pdf', text('forged report')), sign: false, keepAssertions: true }); return [...files.filter((f) => f.path !== 'manifest.jws'), { path: 'manifest.jws', bytes: fileOf(specFiles, 'manifest.jws') }]; })()), fail('manifest-jws', { 'payload-hash': 'pass' }));
  integ('jws-removed', 'manifest.jws deleted and the manifest edited (assertions still checked)', folder(spec, replaceFile(replaceFile(specFiles, 'manifest.jws', null), 'manifest.json', text(manifestText.replace('Harbour Imaging', 'Forged Imaging')))), fail('assertion:sender'));
  const otherSender = manifestOf(otherSpec.files).sender;
  integ('assertion-from-other-envelope', "an unsigned envelope wearing the sender assertion copied from another envelope", folder(spec, await reseal(spec, { sign: false, manifest: (m) => (m.sender.assertion = otherSender.assertion) })), fail('assertion:sender'));
  const expired = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, assertionExpiresAt: '2020-01-01T00:00:00Z' });
  integ('assertion-expired', 'assertions that expired in 2020', folder(expired), warn('assertion:sender', { 'assertion:sender': 'warn' }));
  integ('assertion-expiry-garbage', 'expires_at is not a date (sealed)', folder(spec, await (async () => { const files = await reseal(spec, { sign: false }); const m = manifestOf(files); m.sender.assertion = signAssertion({ manifest: m, role: 'sender', seed32: HOSTILE_KEYS.signingSeed, style: 'rs', expiresAt: 'next tuesday' }); const b = json2(m); return [...replaceFile(files, 'manifest.json', b), { path: 'manifest.jws', bytes: text(signManifestJws(b, HOSTILE_KEYS.signingSeed, 'rs')) }]; })()), warn('assertion:sender'));
  integ('assertion-fingerprint-lie', 'signing_key.fingerprint does not match the key (after signing)', withManifestBytes(json2((() => { const m = manifestOf(specFiles); m.sender.assertion.signing_key.fingerprint = 'SHA256:' + '0'.repeat(64); return m; })())), fail('assertion:sender'));
  const jwsText = dec(fileOf(specFiles, 'manifest.jws'));
  const [, jwsPayload] = jwsText.split('.');
  const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  for (const [id, jws] of [
    ['alg-none', `${b64url('{"alg":"none"}')}.${jwsPayload}.`],
    ['alg-none-case', `${b64url('{"alg":"NoNe","typ":"JWS"}')}.${jwsPayload}.${b64url('x'.repeat(64))}`],
    ['alg-hs256', `${b64url('{"alg":"HS256"}')}.${jwsPayload}.${b64url('x'.repeat(32))}`],
    ['two-parts', `${b64url('{"alg":"EdDSA"}')}.${jwsPayload}`],
    ['bad-base64', `${b64url('{"alg":"EdDSA"}')}.${jwsPayload}.!!!!`],
    ['short-signature', `${b64url('{"alg":"EdDSA"}')}.${jwsPayload}.${b64url('x'.repeat(10))}`],
    ['detached', `${b64url('{"alg":"EdDSA"}')}..${jwsText.split('.')[2]}`],
  ] as const) {
    integ(`jws-${id}`, `manifest.jws replaced: ${id}`, folder(spec, replaceFile(specFiles, 'manifest.jws', text(jws))), fail('manifest-jws'));
  }
  // A stranger re-signs everything with their own key, embedded in the manifest: internally
  // consistent, so manifest.jws verifies; but the key is not one the user trusts (they trust the
  // real sender's), so the origin check warns and names the stranger's fingerprint.
  const strangerSigned = await reseal(spec, { seed: HOSTILE_KEYS.strangerSeed, manifest: (m) => (m.sender.name = 'Harbour lmaging') });
  integ('re-signed-by-stranger', "a look-alike sender re-signs a copy with their own embedded key: intact, but not genuine; the report names the stranger's key fingerprint", folder(spec, strangerSigned), warn('origin', { 'manifest-jws': 'pass', 'assertion:sender': 'pass' }), {
    trustedKeys: [bytesToBase64(ed25519PublicKey(HOSTILE_KEYS.signingSeed))],
    plainText: [{ at: 'report.checks[].data.fingerprint', value: fingerprint(ed25519PublicKey(HOSTILE_KEYS.strangerSeed), 'lower') }],
  });

  // =============================================================================================
  // DICOM: damaged files sealed by an honest sender: integrity holds, the dicom check warns.
  for (const kind of ['truncated-header', 'truncated-preamble', 'truncated-meta', 'short-pixel-data', 'huge-declared-length', 'undefined-length-sq', 'unknown-transfer-syntax', 'zero-rows', 'not-dicom', 'empty', 'pdf-named-dcm', 'deflate-garbage']) {
    const env = await packEnvelope({ dialect: 'spec', payloadFiles: [...basePayload(), { path: `dicom/damaged/${kind}.dcm`, bytes: damagedDicom(kind) }], study: studyInfo(), id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: `dicom/${kind}`, category: 'dicom', description: `a ${kind.replace(/-/g, ' ')} .dcm inside an intact, signed envelope`, source: folder(env), expect: warn('dicom', { 'payload-hash': 'pass', 'manifest-jws': 'pass', dicom: 'warn' }) });
  }
  {
    const good = tinyStudy().files[0]!;
    const env = await packEnvelope({ dialect: 'spec', payloadFiles: [...basePayload(), { path: 'dicom/copy/same-instance.dcm', bytes: good.bytes }], study: studyInfo(), id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: 'dicom/duplicate-sop-instance', category: 'dicom', description: 'the same instance stored twice under two names', source: folder(env), expect: warn('dicom', { dicom: 'warn' }) });
    const onlyBad = await packEnvelope({ dialect: 'spec', payloadFiles: [{ path: 'dicom/a.dcm', bytes: damagedDicom('not-dicom') }, { path: 'dicom/b.dcm', bytes: damagedDicom('truncated-header') }], id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: 'dicom/no-readable-images', category: 'dicom', description: 'every .dcm in the payload is damaged', source: folder(onlyBad), expect: warn('dicom', { dicom: 'warn' }) });
  }

  // =============================================================================================
  // MARKUP: HTML and script in every displayed string, validly signed by the sender. The core
  // carries it as plain text, unchanged; rendering it as text is the UI's job.
  const mk = (i: number) => MARKUP[i % MARKUP.length]!;
  const markupManifest: [string, (m: Record<string, any>, v: string) => void, string][] = [
    ['sender-name', (m, v) => (m.sender.name = v), 'envelope.manifest.sender.name'],
    ['sender-id', (m, v) => (m.sender.id = v), 'envelope.manifest.sender.id'],
    ['sender-contact', (m, v) => (m.sender.contact = v), 'envelope.manifest.sender.contact'],
    ['requester-name', (m, v) => (m.requester.name = v), 'envelope.manifest.requester.name'],
    ['requester-contact-value', (m, v) => (m.requester.contact.value = v), 'envelope.manifest.requester.contact.value'],
    ['receiver-name', (m, v) => (m.receiver[0].name = v), 'envelope.manifest.receivers.0.name'],
    ['custom-tag', (m, v) => (m.extensions.custom_tags = [v]), 'envelope.manifest.customTags.0'],
    ['consent-method', (m, v) => (m.extensions.consent.method = v), 'envelope.manifest.consent.method'],
    ['classification', (m, v) => (m.security.classification = v), 'envelope.manifest.classification'],
    ['unknown-field', (m, v) => (m['x-note'] = v), 'envelope.manifest.unknownFields./x-note'],
    ['envelope-id', (m, v) => (m.id = v), 'envelope.id'],
  ];
  for (const [i, [id, mutate, at]] of markupManifest.entries()) {
    const value = mk(i);
    add({ id: `markup/${id}`, category: 'markup', control: true, description: `${value} as the ${id.replace(/-/g, ' ')}, signed by the sender`, source: folder(spec, await reseal(spec, { manifest: (m) => mutate(m, value) })), expect: pass(), plainText: [{ at, value }] });
  }
  {
    const audit = { audit: [{ event: MARKUP[0], by: { id: 'x', name: MARKUP[1] }, to: { id: 'y', name: MARKUP[2] }, timestamp: TIMESTAMP }] };
    add({ id: 'markup/audit-events', category: 'markup', control: true, description: 'script and HTML in audit event names and parties', source: folder(spec, replaceFile(specFiles, 'audit.json', json2(audit))), expect: pass(), plainText: [{ at: 'envelope.audit.0.event', value: MARKUP[0]! }, { at: 'envelope.audit.0.by.name', value: MARKUP[1]! }, { at: 'envelope.audit.0.to.name', value: MARKUP[2]! }] });
    const patient = { name: `${MARKUP[0]}^${MARKUP[1]}`, id: MARKUP[2]!, birthDate: '19700101', sex: 'O' };
    const envMeta = await packEnvelope({ dialect: 'spec', payloadFiles: basePayload(), study: studyInfo(MARKUP[5]), patient, id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: 'markup/metadata-patient-study', category: 'markup', control: true, description: 'script and HTML in the patient name, id and study description of metadata.json', source: folder(envMeta), expect: pass(), plainText: [{ at: 'envelope.metadata.patient.id', value: MARKUP[2]! }, { at: 'envelope.metadata.patient.name.family', value: MARKUP[0]! }, { at: 'envelope.metadata.study.description', value: MARKUP[5]! }] });
    const fname = 'files/<img src=x onerror=alert(1)>.pdf';
    const envFile = await packEnvelope({ dialect: 'spec', payloadFiles: [...basePayload(), { path: fname, bytes: syntheticPdfReport(['x']) }, { path: 'dicom/"><svg onload=alert(1)>.dcm', bytes: damagedDicom('not-dicom') }], study: studyInfo(), id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: 'markup/file-names', category: 'markup', description: 'HTML in payload file names (one of them a non-DICOM .dcm, so it is listed in a message)', source: folder(envFile), expect: warn('dicom'), plainText: [{ at: 'envelope.payload[].path', value: fname.slice(0) }, { at: 'dicom.nonDicom.0.path', value: 'dicom/"><svg onload=alert(1)>.dcm' }] });
    const dicomMarkup = writeDicomFile({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
      sopInstanceUid: '2.25.4242',
      elements: [
        el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
        el(0x00080018, 'UI', '2.25.4242'),
        el(0x00080060, 'CS', 'OT'),
        el(0x00081030, 'LO', '<script>alert(1)</script>'),
        el(0x0008103e, 'LO', '<img src=x onerror=alert(2)>'),
        el(0x00100010, 'PN', '<b>Bold</b>^<i>It</i>'),
        el(0x00100020, 'LO', '"><svg onload=alert(3)>'),
        el(0x0020000d, 'UI', '2.25.4243'),
        el(0x0020000e, 'UI', '2.25.4244'),
        el(0x00280002, 'US', 1),
        el(0x00280004, 'CS', 'MONOCHROME2'),
        el(0x00280010, 'US', 4),
        el(0x00280011, 'US', 4),
        el(0x00280100, 'US', 8),
        el(0x00280101, 'US', 8),
        el(0x00280102, 'US', 7),
        el(0x00280103, 'US', 0),
        el(0x7fe00010, 'OB', new Uint8Array(16)),
      ],
    });
    const envDicom = await packEnvelope({ dialect: 'spec', payloadFiles: [{ path: 'dicom/markup.dcm', bytes: dicomMarkup }], id: ENV_ID, timestamp: TIMESTAMP, signWith: HOSTILE_KEYS.signingSeed });
    add({ id: 'markup/dicom-tags', category: 'markup', control: true, description: 'script and HTML in DICOM study/series description, patient name and id', source: folder(envDicom), expect: pass(), plainText: [{ at: 'dicom.studies.0.description', value: '<script>alert(1)</script>' }, { at: 'dicom.studies.0.series.0.description', value: '<img src=x onerror=alert(2)>' }, { at: 'dicom.studies.0.patient.name', value: '<b>Bold</b>^<i>It</i>' }, { at: 'dicom.studies.0.patient.id', value: '"><svg onload=alert(3)>' }] });
    const ansi = 'Harbour\u001b[2J\u001b[32m GENUINE \u001b[0m';
    add({ id: 'markup/terminal-escapes', category: 'markup', control: true, description: 'ANSI escape sequences in the sender name (terminal injection against the CLI)', source: folder(spec, await reseal(spec, { manifest: (m) => (m.sender.name = ansi) })), expect: pass(), plainText: [{ at: 'envelope.manifest.sender.name', value: ansi }] });
    const unsigned = await reseal(spec, { sign: false, manifest: (m) => (m.sender.name = MARKUP[0]) });
    add({ id: 'markup/unsigned-sender', category: 'markup', description: 'script in the sender name of an unsigned envelope', source: folder(spec, unsigned), expect: warn(undefined), plainText: [{ at: 'envelope.manifest.sender.name', value: MARKUP[0]! }] });
  }

  // Further categories live in scripts/lib/hostile/, one file each.
  for (const more of [await archiveStrictCases(), await boundsCases(), await trustCases()]) for (const c of more) add(c);
  // "Genuine" needs a key the user trusts: a control that must pass is opened as a user who was
  // given the sender's key would open it. Everything else is opened trusting nothing.
  const senderKey = bytesToBase64(ed25519PublicKey(HOSTILE_KEYS.signingSeed));
  for (const c of cases) if (c.control && c.expect.outcome === 'verdict' && c.expect.verdict === 'pass' && !c.trustedKeys) c.trustedKeys = [senderKey];
  return cases;
}

/** Reads `at` ("envelope.manifest.sender.name", "envelope.payload[].path") from a result: every match. */
export function valuesAt(result: unknown, at: string): unknown[] {
  let current: unknown[] = [result];
  // Keys may contain dots only in the unknownFields pointer form "/x-note", kept whole.
  const segments = at.match(/\/[^.]+|[^.]+/g) ?? [];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (seg.endsWith('[]')) {
        const arr = (v as Record<string, unknown>)[seg.slice(0, -2)];
        if (Array.isArray(arr)) next.push(...arr);
      } else if (Object.hasOwn(v, seg)) next.push((v as Record<string, unknown>)[seg]);
    }
    current = next;
  }
  return current;
}
