// Large encrypted payloads, decrypted as a stream: the ciphertext Blob is read in chunks, each chunk
// is decrypted (AES-CTR) while its GHASH is folded in (stream-gcm.ts), the plaintext tar is parsed
// as it arrives, and every payload file goes straight into its own Blob, hashed on the way. Memory
// stays near chunk size × chunks in flight plus the decrypted files themselves, which the browser
// keeps in Blob storage. Nothing is released before the GCM tag matches: on a mismatch every staged
// file is dropped and DecryptError is thrown, exactly as the one-shot path does.
import { createSHA256 } from 'hash-wasm';
import { throwIfAborted } from './api.ts';
import { TarParser, type TarEntryHeader } from './archive/tar.ts';
import { DecryptError, HKDF_INFO, parseEncryptionParams, type Producer } from './crypto/payload-cipher.ts';
import { createGcmDecryptor, deriveStreamKey, DEFAULT_CHUNK_SIZE, findInfoString } from './crypto/stream-gcm.ts';
import { inThreadStreamHash, toHex, type Hasher } from './hash.ts';
import { collectPayloadFiles, type PayloadTarLayout } from './payload-tar.ts';
import type { EncryptionInfo, PayloadFile, Problem } from './types.ts';

/** Encrypted payloads at least this big are decrypted as a stream. */
export const STREAM_DECRYPT_BYTES = 64 * 1024 * 1024;

export interface StreamedPayload {
  /** Payload files by path relative to payload/, each in its own Blob. */
  files: Map<string, Blob>;
  /** SHA-256 (hex) of each file, computed as it streamed past. */
  fileHashes: Map<string, string>;
  /** SHA-256 (hex) of the whole plaintext tar (jmix-rs's payload_hash recipe), when asked for. */
  tarHash: string | null;
  /** SHA-256 (hex) of the ciphertext (jmix-php's and the spec's recipe), when asked for. */
  ciphertextHash: string | null;
  layout: PayloadTarLayout;
  problems: Problem[];
  infoString: string;
  producer: Producer;
}

export async function* blobChunks(blob: Blob, chunkSize: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const read = (at: number) => blob.slice(at, Math.min(blob.size, at + chunkSize)).arrayBuffer();
  // One read ahead: the browser fetches the next chunk from Blob storage while this one is worked on.
  let next = blob.size > 0 ? read(0) : null;
  for (let at = 0; at < blob.size; at += chunkSize) {
    throwIfAborted(signal);
    const current = await next!;
    next = at + chunkSize < blob.size ? read(at + chunkSize) : null;
    next?.catch(() => {}); // surfaced when awaited; an abort in between must not report it unhandled
    yield new Uint8Array(current);
  }
}

export async function decryptPayloadStreaming(args: {
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
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<StreamedPayload> {
  const { ciphertext, privateKey, signal } = args;
  const chunkSize = args.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const { ephemeral, iv, tag } = parseEncryptionParams(args.encryption);
  if (!tag) throw new DecryptError('bad-parameters', 'security.encryption.auth_tag is missing; a streamed payload needs the tag from the manifest.');
  const chunks = (): AsyncIterable<Uint8Array> => blobChunks(ciphertext, chunkSize, signal);

  const tried: string[] = [];
  const attempt = async (producer: Producer, key: Uint8Array): Promise<StreamedPayload> => {
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
  const found = await findInfoString({ source: chunks(), privateKey, ephemeralPublicKey: ephemeral, iv, tag, order: rest, chunkSize });
  for (const p of rest) tried.push(HKDF_INFO[p]);
  if (!found) throw authFailed([...new Set(tried)]);
  return decryptWithKey({ ...args, chunkSize, key: found.key, iv, tag, producer: found.producer, chunks: chunks() });
}

function authFailed(tried: string[]): DecryptError {
  return new DecryptError(
    'auth-failed',
    `The payload could not be decrypted: either the key is not the recipient key for this envelope, or the encrypted payload was altered or damaged. AES-GCM cannot tell these apart. Tried HKDF info strings: ${tried.map((t) => `"${t}"`).join(', ')}.`,
    tried,
  );
}

async function decryptWithKey(a: {
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
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<StreamedPayload> {
  const decryptor = createGcmDecryptor(a.key, a.iv, a.tag);
  // The whole-stream hashes run beside the decryption (on their own worker in the browser).
  const newStream = () => (a.hasher.stream ? a.hasher.stream() : inThreadStreamHash());
  const tarHash = a.wantTarHash ? await newStream() : null;
  const cipherHash = a.wantCiphertextHash ? await newStream() : null;

  // Staged entries: nothing here is trusted until decryptor.finish() resolves.
  const entries: { name: string; type: TarEntryHeader['type']; linkName: string | null; data: { size: number; blob: Blob; name: string } }[] = [];
  const hashes = new Map<string, Promise<string>>();
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
      const blob = new Blob(pieces as Uint8Array<ArrayBuffer>[]);
      entries.push({ name: h.name, type: h.type, linkName: h.linkName, data: { size: blob.size, blob, name: h.name } });
      // Each file's own hash, while its bytes are at hand (the hasher copies what it needs).
      if (h.type === 'file' && !hashes.has(h.name)) {
        const hash = a.hasher.sha256(pieces).then(toHex);
        hash.catch(() => {}); // awaited after the tag check; a failed run must not report it unhandled
        hashes.set(h.name, hash);
      }
      pieces = [];
    },
  });

  // Two chunks in flight: Web Crypto decrypts chunk n+1 on its own threads while this thread hashes
  // and splits chunk n (measured with `npm run bench`: the serial loop left the CTR threads idle).
  let read = 0;
  const inFlight: { plain: Promise<Uint8Array>; end: number }[] = [];
  const settle = async () => {
    const next = inFlight.shift()!;
    const plain = await next.plain;
    await tarHash?.update(plain);
    parser.push(plain);
    a.onProgress?.(next.end, a.ciphertext.size);
  };
  try {
    for await (const chunk of a.chunks) {
      await cipherHash?.update(chunk);
      read += chunk.length;
      inFlight.push({ plain: decryptor.update(chunk), end: read });
      if (inFlight.length >= 2) await settle();
    }
    while (inFlight.length) await settle();
  } finally {
    for (const f of inFlight) f.plain.catch(() => {}); // an earlier failure is the one reported
  }
  try {
    await decryptor.finish();
  } catch (e) {
    entries.length = 0; // drop every staged file
    hashes.clear();
    if (e instanceof DecryptError) throw authFailed([HKDF_INFO[a.producer]]);
    throw e;
  }
  const problems = parser.finish();
  const collected = collectPayloadFiles(entries, a.origin);
  const files = new Map<string, Blob>();
  const fileHashes = new Map<string, string>();
  for (const [path, d] of collected.files) {
    files.set(path, d.blob);
    fileHashes.set(path, await hashes.get(d.name)!);
  }
  return {
    files,
    fileHashes,
    tarHash: tarHash ? await tarHash.digest() : null,
    ciphertextHash: cipherHash ? await cipherHash.digest() : null,
    layout: collected.layout,
    problems: [...problems, ...collected.problems],
    infoString: HKDF_INFO[a.producer],
    producer: a.producer,
  };
}

/** SHA-256 (hex) of a Blob, read in chunks: never more than one chunk in memory. */
export async function hashBlob(blob: Blob, chunkSize = DEFAULT_CHUNK_SIZE, signal?: AbortSignal): Promise<string> {
  const h = await createSHA256();
  h.init();
  for await (const chunk of blobChunks(blob, chunkSize, signal)) h.update(chunk);
  return h.digest('hex');
}

/** A payload file held as a Blob: the browser may keep it out of the JS heap; read on demand. */
export function blobPayloadFile(path: string, blob: Blob): PayloadFile {
  return { path, size: blob.size, blob, bytes: async () => new Uint8Array(await blob.arrayBuffer()) };
}
