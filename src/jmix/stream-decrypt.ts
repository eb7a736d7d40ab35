// Large encrypted payloads, decrypted as a stream: the ciphertext Blob is read in chunks, each chunk
// is decrypted (AES-CTR) while its GHASH is folded in (stream-gcm.ts), the plaintext tar is parsed
// as it arrives, and every payload file goes straight into its own Blob, hashed on the way. Memory
// stays near chunk size × chunks in flight plus the decrypted files themselves, which the browser
// keeps in Blob storage. Nothing is released before the GCM tag matches: on a mismatch every staged
// file is dropped and DecryptError is thrown, exactly as the one-shot path does.
import { TarParser } from './archive/tar.ts';
import type { TarEntryHeader } from './archive/tar-header.ts';
import { blobChunks } from './blob-payload.ts';
import { authFailedError, DecryptError, HKDF_INFO, parseEncryptionParams, type Producer } from './crypto/payload-cipher.ts';
import { createGcmDecryptor, deriveStreamKey, DEFAULT_CHUNK_SIZE, findInfoString, rechunk } from './crypto/stream-gcm.ts';
import { inThreadStreamHash, toHex, type Hasher } from './hash.ts';
import { collectPayloadFiles, type PayloadTarLayout } from './payload-tar.ts';
import { blobStore, defaultInMemoryLimit, headOf, memoryStore } from './staged-files.ts';
import type { EncryptionInfo, Problem } from './types.ts';

/** Encrypted payloads at least this big are decrypted as a stream. */
export const STREAM_DECRYPT_BYTES = 64 * 1024 * 1024;

/**
 * Looks at each file as it streams past (the DICOM index parses headers here, so nothing is read
 * back from Blob storage later). Results are staged like everything else: dropped on a bad tag.
 */
export interface FileInspector<T> {
  /** How many leading bytes of each file to pass. */
  bytes: number;
  file(name: string, head: Uint8Array, size: number): T;
}

export interface StreamedPayload<T = never> {
  /**
   * Payload files by path relative to payload/: views into the decrypted chunks (in memory), or
   * Blobs (slices of each decrypted chunk's Blob) when the payload is over the in-memory limit.
   */
  files: Map<string, Uint8Array | Blob>;
  /** SHA-256 (hex) of each file, computed as it streamed past. */
  fileHashes: Map<string, string>;
  /** What `inspect` returned for each file, by payload path. */
  inspected: Map<string, T>;
  /** SHA-256 (hex) of the whole plaintext tar (jmix-rs's payload_hash recipe), when asked for. */
  tarHash: string | null;
  /** SHA-256 (hex) of the ciphertext (jmix-php's and the spec's recipe), when asked for. */
  ciphertextHash: string | null;
  layout: PayloadTarLayout;
  problems: Problem[];
  infoString: string;
  producer: Producer;
}
export async function decryptPayloadStreaming<T = never>(args: {
  ciphertext: Blob;
  origin: string;
  encryption: EncryptionInfo;
  privateKey: Uint8Array;
  order: Producer[];
  /** The first producer in `order` is a strong guess (payload.enc, jmix-js keys): try it directly. */
  confident: boolean;
  hasher: Hasher;
  wantCiphertextHash: boolean;
  wantTarHash: boolean;
  chunkSize?: number;
  /** Payloads up to this many bytes are kept in memory, larger ones in Blobs (default: defaultInMemoryLimit()). */
  inMemoryUpTo?: number;
  inspect?: FileInspector<T>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<StreamedPayload<T>> {
  const { ciphertext, privateKey, signal } = args;
  const chunkSize = args.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const { ephemeral, iv, tag } = parseEncryptionParams(args.encryption);
  if (!tag)
    throw new DecryptError(
      'bad-parameters',
      'security.encryption.auth_tag is missing; a streamed payload needs the tag from the manifest.',
    );
  // Read in chunkSize pieces, handed to Web Crypto in pieces of at most WEB_CRYPTO_CALL_BYTES.
  const callSize = Math.min(chunkSize, WEB_CRYPTO_CALL_BYTES);
  const chunks = (): AsyncIterable<Uint8Array> => rechunk(blobChunks(ciphertext, chunkSize, signal), callSize);

  const tried: string[] = [];
  const attempt = async (producer: Producer, key: Uint8Array): Promise<StreamedPayload<T>> => {
    tried.push(HKDF_INFO[producer]);
    return decryptWithKey({ ...args, chunkSize, key, iv, tag, producer, chunks: chunks() });
  };
  if (args.confident) {
    const first = args.order[0]!;
    try {
      return await attempt(first, await deriveStreamKey(privateKey, ephemeral, HKDF_INFO[first]));
    } catch (e) {
      if (!(e instanceof DecryptError) || e.reason !== 'auth-failed') throw e;
    }
  }
  // One GHASH-only pass finds which info string authenticates, then one pass decrypts.
  const rest = args.confident ? args.order.slice(1) : args.order;
  const found = await findInfoString({
    source: chunks(),
    privateKey,
    ephemeralPublicKey: ephemeral,
    iv,
    tag,
    order: rest,
    chunkSize: callSize,
  });
  for (const p of rest) tried.push(HKDF_INFO[p]);
  if (!found) throw authFailedError([...new Set(tried)]);
  return decryptWithKey({ ...args, chunkSize, key: found.key, iv, tag, producer: found.producer, chunks: chunks() });
}

async function decryptWithKey<T>(a: {
  ciphertext: Blob;
  origin: string;
  key: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  producer: Producer;
  chunks: AsyncIterable<Uint8Array>;
  hasher: Hasher;
  wantCiphertextHash: boolean;
  wantTarHash: boolean;
  chunkSize: number;
  inMemoryUpTo?: number;
  inspect?: FileInspector<T>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<StreamedPayload<T>> {
  const decryptor = createGcmDecryptor(a.key, a.iv, a.tag);
  // The whole-stream hashes run beside the decryption (on their own worker in the browser).
  const newStream = () => (a.hasher.stream ? a.hasher.stream() : inThreadStreamHash());
  const tarHash = a.wantTarHash ? await newStream() : null;
  const cipherHash = a.wantCiphertextHash ? await newStream() : null;
  const inspectBytes = a.inspect?.bytes ?? 0;
  const store = a.ciphertext.size <= (a.inMemoryUpTo ?? defaultInMemoryLimit()) ? memoryStore : blobStore();

  // Staged entries: nothing here is trusted until decryptor.finish() resolves.
  const entries: {
    name: string;
    type: TarEntryHeader['type'];
    linkName: string | null;
    data: { size: number; file: Uint8Array | Blob; name: string };
  }[] = [];
  const hashes = new Map<string, Promise<string>>();
  const inspected = new Map<string, T>();
  // The current entry's bytes as views into the chunks they came in (kept alive by these views).
  let pieces: Uint8Array[] = [];
  let current: TarEntryHeader | null = null;
  const parser = new TarParser(a.origin, {
    entry(h) {
      current = h;
      pieces = [];
    },
    data(piece) {
      pieces.push(piece);
    },
    entryEnd() {
      const h = current!;
      const file = store.file(pieces);
      const size = file instanceof Blob ? file.size : file.length;
      entries.push({ name: h.name, type: h.type, linkName: h.linkName, data: { size, file, name: h.name } });
      if (h.type === 'file' && !hashes.has(h.name)) {
        // The file's own bytes when the store joined them already (one copy, not two).
        const hash = a.hasher.sha256(file instanceof Uint8Array ? [file] : pieces).then(toHex);
        hash.catch(() => {}); // awaited after the tag check; a failed run must not report it unhandled
        hashes.set(h.name, hash);
        if (a.inspect) inspected.set(h.name, a.inspect.file(h.name, headOf(pieces, inspectBytes), size));
      }
      pieces = [];
    },
  });

  // Each decrypted chunk goes to the tar hash first (its worker borrows the buffer and gives it
  // back), then is split into files here. Hashing first keeps the slowest stage, the one-thread
  // SHA-256 of the tar, fed at all times; the files wait their turn instead (`npm run bench`: with
  // the split first, the hash worker stood idle for a third of the run). Chunks in order throughout.
  const lend = (c: Uint8Array): Promise<Uint8Array> =>
    !tarHash ? Promise.resolve(c) : tarHash.lend ? tarHash.lend(c) : Promise.resolve(tarHash.update(c)).then(() => c);
  const hashed: { chunk: Promise<Uint8Array>; end: number }[] = [];
  const split = async () => {
    const next = hashed.shift()!;
    const plain = await next.chunk;
    store.chunk(plain);
    parser.push(plain);
    a.onProgress?.(next.end, a.ciphertext.size);
  };
  // Up to DECRYPT_AHEAD_BYTES decrypting: Web Crypto works on them on its own threads while this
  // thread splits what came back.
  let read = 0;
  let settled = 0;
  const inFlight: { plain: Promise<Uint8Array>; end: number }[] = [];
  const settle = async () => {
    const next = inFlight.shift()!;
    settled = next.end;
    const chunk = lend(await next.plain);
    chunk.catch(() => {}); // surfaced by split()
    hashed.push({ chunk, end: next.end });
    // Bounded: a slow hash slows the decryption rather than filling memory.
    if (hashed.length * Math.min(a.chunkSize, WEB_CRYPTO_CALL_BYTES) >= MAX_LENT_BYTES) await split();
  };
  try {
    for await (const c of a.chunks) {
      await cipherHash?.update(c);
      read += c.length;
      inFlight.push({ plain: decryptor.update(c), end: read });
      if (read - settled >= DECRYPT_AHEAD_BYTES) await settle();
    }
    while (inFlight.length) await settle();
    while (hashed.length) await split();
  } finally {
    for (const f of inFlight) f.plain.catch(() => {}); // an earlier failure is the one reported
  }
  try {
    await decryptor.finish();
  } catch (e) {
    entries.length = 0; // drop every staged file
    hashes.clear();
    inspected.clear();
    if (e instanceof DecryptError) throw authFailedError([HKDF_INFO[a.producer]]);
    throw e;
  }
  const problems = parser.finish();
  const collected = collectPayloadFiles(entries, a.origin);
  const files = new Map<string, Uint8Array | Blob>();
  const fileHashes = new Map<string, string>();
  const byPath = new Map<string, T>();
  for (const [path, d] of collected.files) {
    files.set(path, d.file);
    fileHashes.set(path, await hashes.get(d.name)!);
    if (inspected.has(d.name)) byPath.set(path, inspected.get(d.name)!);
  }
  return {
    files,
    fileHashes,
    inspected: byPath,
    tarHash: tarHash ? await tarHash.digest() : null,
    ciphertextHash: cipherHash ? await cipherHash.digest() : null,
    layout: collected.layout,
    problems: [...problems, ...collected.problems],
    infoString: HKDF_INFO[a.producer],
    producer: a.producer,
  };
}

/**
 * Web Crypto copies its input, and Chromium's allocator maps buffers above about half a MiB afresh
 * each time (and its output too): AES-CTR plus GHASH over a 1 GiB file read in 4 MiB pieces took
 * 4.9 s in calls of 4 MiB and 2.6 s in calls of 512 KiB (headless Chromium, 2 cores; 256 KiB: 2.8 s,
 * 960 KiB: 4.1 s). So reads stay large and the calls small.
 */
const WEB_CRYPTO_CALL_BYTES = 512 << 10;
/** Ciphertext bytes handed to Web Crypto and not yet back, before the reading waits. */
const DECRYPT_AHEAD_BYTES = 8 << 20;

/** Decrypted bytes at (or back from) the tar hash and not yet split, before the decryption waits. */
const MAX_LENT_BYTES = 32 << 20;
