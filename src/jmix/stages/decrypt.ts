// Stage 3, the payload: the plain payload/ folder as it is, or the ciphertext decrypted, one-shot for
// ordinary sizes and streamed (bounded memory) for large ones. Both paths return one shape. Nothing
// decrypted is released unless AES-GCM authenticated it, and a payload tar that other tools could
// read differently releases nothing.
import type { HeaderResult } from '../../dicom/header.ts';
import { HEADER_PREFIX_BYTES } from '../../dicom/index.ts';
import { parseDicomHeader } from '../../dicom/header.ts';
import { EnvelopeError } from '../api.ts';
import { parseRecipientKey, KeyFormatError } from '../crypto/keys.ts';
import { decryptPayload, defaultOrder, DecryptError } from '../crypto/payload-cipher.ts';
import { toHex } from '../hash.ts';
import { payloadFilesFromTar, type PayloadTarLayout } from '../payload-tar.ts';
import { decryptPayloadStreaming, STREAM_DECRYPT_BYTES } from '../stream-decrypt.ts';
import { hashBlob, payloadFileFrom } from '../blob-payload.ts';
import type { Check, EncryptionInfo, Envelope, EntryFile, PayloadFile, Problem } from '../types.ts';
import { memo, type OpenContext } from './context.ts';
import type { Documents } from './documents.ts';

type Producer = 'jmix-js' | 'jmix-rs' | 'jmix-php';

/** Digests of the payload as received, for the payload-hash recipes; some are computed on the way. */
export interface PayloadDigests {
  ciphertext: (() => Promise<string>) | null;
  plaintextTar: (() => Promise<string>) | null;
  /** Per-file SHA-256, when the streamed path computed them already. */
  files: Map<string, string> | null;
  /** DICOM headers parsed as the files streamed past. */
  headers: Map<string, HeaderResult> | undefined;
}

export interface PayloadStage {
  /** Null while encrypted and locked, or when decryption failed or was refused. */
  payload: PayloadFile[] | null;
  digests: PayloadDigests;
  decryption: Envelope['decryption'];
  hkdfProducer: Producer | null;
  tarLayout: PayloadTarLayout | null;
}

/** What either decryption path hands back. */
interface Decrypted {
  files: PayloadFile[];
  infoString: string;
  producer: Producer;
  tagSource: 'manifest' | 'file-tail';
  layout: PayloadTarLayout | null;
  problems: Problem[];
  streamed: boolean;
  digests: Omit<PayloadDigests, 'ciphertext'> & { ciphertext?: string | undefined };
}

const NO_DIGESTS: PayloadDigests = { ciphertext: null, plaintextTar: null, files: null, headers: undefined };

export async function openPayload(docs: Documents, ctx: OpenContext): Promise<PayloadStage> {
  const locked: PayloadStage = { payload: null, digests: { ...NO_DIGESTS }, decryption: null, hkdfProducer: null, tarLayout: null };
  if (!docs.encrypted) {
    ctx.checks.push({
      id: 'decrypt',
      status: 'not-present',
      title: 'Not encrypted',
      detail: 'The payload is stored in plain form (payload/ folder).',
    });
    return { ...locked, payload: docs.plainPayload };
  }
  const encryption = docs.manifest.encryption;
  if (!docs.ciphertext || !encryption) {
    ctx.checks.push({
      id: 'decrypt',
      status: 'fail',
      title: 'Encrypted payload cannot be opened',
      detail: !docs.ciphertext
        ? 'The manifest says the payload is encrypted, but there is no payload.encrypted or payload.enc file next to it. The envelope is incomplete: ask the sender for the whole envelope.'
        : 'There is an encrypted payload file but the manifest has no security.encryption block (ephemeral key, IV, tag), so it cannot be decrypted.',
    });
    return locked;
  }
  const { name, file } = docs.ciphertext;
  const streamed =
    file.blob !== undefined && file.size >= (ctx.options.streamAbove?.decrypt ?? STREAM_DECRYPT_BYTES) && !!encryption.authTag;
  const ciphertext = streamed ? null : await file.bytes();
  locked.digests.ciphertext = memo(async () =>
    ciphertext ? toHex(await ctx.hasher.sha256([ciphertext])) : hashBlob(file.blob!, undefined, ctx.signal),
  );
  const key = recipientKey(ctx);
  if (!key) {
    ctx.checks.push({
      id: 'decrypt',
      status: 'unverifiable',
      title: 'Encrypted: a recipient key is needed',
      detail: `The payload is encrypted (${name}, ${file.size.toLocaleString('en')} bytes, AES-256-GCM for an X25519 recipient key). Enter the recipient private key to decrypt and verify it.`,
    });
    return locked;
  }
  ctx.progress({ stage: 'decrypting', done: 0, total: file.size });
  ctx.abortIfCancelled();
  let out: Decrypted;
  try {
    const looksJs = 'envelope_id' in docs.manifestRaw || 'jmix_version' in docs.manifestRaw;
    const order = defaultOrder({ ciphertextName: name, manifestLooksJs: looksJs });
    out = ciphertext
      ? await decryptWhole(ciphertext, name, encryption, key, order, ctx)
      : await decryptStream(file, name, encryption, key, order, looksJs, ctx);
  } catch (e) {
    if (!(e instanceof DecryptError)) throw e;
    ctx.checks.push({
      id: 'decrypt',
      status: 'fail',
      title:
        e.reason === 'auth-failed'
          ? 'Could not decrypt: wrong key or damaged payload'
          : 'Could not decrypt: the encryption parameters are invalid',
      detail: e.message,
      data: { tried: e.tried },
    });
    return locked;
  }
  ctx.progress({ stage: 'decrypting', done: file.size, total: file.size });
  ctx.note(out.problems);
  const check = decryptCheck(out);
  ctx.checks.push(check);
  const cipherHex = out.digests.ciphertext;
  const digests: PayloadDigests = { ...out.digests, ciphertext: cipherHex ? async () => cipherHex : locked.digests.ciphertext };
  const stage: PayloadStage = {
    payload: out.files,
    digests,
    decryption: { infoString: out.infoString, ciphertextFile: name },
    hkdfProducer: out.producer,
    tarLayout: out.layout,
  };
  // A tar that other tools would read differently releases nothing: no reading is covered.
  return check.status === 'fail' ? { ...stage, payload: null, digests: { ...digests, files: null, headers: undefined } } : stage;
}

function recipientKey(ctx: OpenContext): Uint8Array | null {
  const k = ctx.options.key;
  if (k === undefined || k === null || (typeof k === 'string' && k.trim() === '')) return null;
  try {
    return parseRecipientKey(k);
  } catch (e) {
    if (e instanceof KeyFormatError) throw new EnvelopeError('bad-key', e.message);
    throw e;
  }
}

type Order = ReturnType<typeof defaultOrder>;

async function decryptWhole(
  ciphertext: Uint8Array,
  name: string,
  encryption: EncryptionInfo,
  privateKey: Uint8Array,
  order: Order,
  ctx: OpenContext,
): Promise<Decrypted> {
  const o = await decryptPayload({ ciphertext, encryption, privateKey, order });
  const plaintext = o.plaintext;
  const tar = payloadFilesFromTar(plaintext, name);
  const files = [...tar.files.entries()].map(([path, bytes]) => ({ path, size: bytes.length, bytes: async () => bytes }));
  const plaintextTar = memo(async () => toHex(await ctx.hasher.sha256([plaintext])));
  return {
    files,
    infoString: o.infoString,
    producer: o.producer,
    tagSource: o.tagSource,
    layout: tar.layout,
    problems: tar.problems,
    streamed: false,
    digests: { plaintextTar, files: null, headers: undefined },
  };
}

async function decryptStream(
  file: EntryFile,
  name: string,
  encryption: EncryptionInfo,
  privateKey: Uint8Array,
  order: Order,
  looksJs: boolean,
  ctx: OpenContext,
): Promise<Decrypted> {
  const { options } = ctx;
  // Each producer's payload_hash recipe, computed on the way when the dialect suggests it.
  const s = await decryptPayloadStreaming({
    ciphertext: file.blob!,
    origin: name,
    encryption,
    privateKey,
    order,
    confident: name === 'payload.enc' || looksJs,
    hasher: ctx.hasher,
    wantCiphertextHash: !looksJs && name !== 'payload.enc',
    wantTarHash: name === 'payload.enc',
    ...(options.streamChunkBytes ? { chunkSize: options.streamChunkBytes } : {}),
    ...(options.streamInMemoryUpTo !== undefined ? { inMemoryUpTo: options.streamInMemoryUpTo } : {}),
    // DICOM headers are parsed as the files stream past, so indexing reads nothing back.
    inspect: { bytes: HEADER_PREFIX_BYTES, file: (n, head, size) => parseDicomHeader(head, n, size) },
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ stage: 'decrypting', done, total }),
  });
  const tarHash = s.tarHash;
  return {
    files: [...s.files].map(([p, x]) => payloadFileFrom(p, x)),
    infoString: s.infoString,
    producer: s.producer,
    tagSource: 'manifest',
    layout: s.layout,
    problems: s.problems,
    streamed: true,
    digests: {
      plaintextTar: tarHash ? async () => tarHash : null,
      files: s.fileHashes,
      headers: s.inspected,
      ciphertext: s.ciphertextHash ?? undefined,
    },
  };
}

/**
 * Authenticated bytes can still be a damaged or hostile tar (whoever holds the recipient's public
 * key can encrypt anything): its problems show in the check, not only in the list.
 */
function decryptCheck(out: Decrypted): Check {
  const tarIssues = out.problems.filter((p) => p.severity !== 'info');
  const refused = out.problems.some((p) => p.fatal);
  const title = refused
    ? 'Decrypted and authenticated, but the payload tar inside can be read more than one way'
    : tarIssues.length
      ? 'Decrypted and authenticated, but the payload tar inside is damaged'
      : 'Decrypted and authenticated';
  const detail = `AES-256-GCM authenticated the payload with the HKDF info string "${out.infoString}" (${out.producer}), tag from the ${out.tagSource === 'manifest' ? 'manifest' : 'end of the file'}${out.streamed ? ', decrypted as a stream' : ''}. ${out.files.length} file(s) in the payload.${tarIssues.length ? ` ${tarIssues.map((p) => p.message).join(' ')}` : ''}`;
  return {
    id: 'decrypt',
    status: refused ? 'fail' : tarIssues.length ? 'warn' : 'pass',
    title,
    detail,
    data: { infoString: out.infoString, producer: out.producer, tarLayout: out.layout, streamed: out.streamed },
  };
}
