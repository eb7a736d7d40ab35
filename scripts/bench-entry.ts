// In-page half of `npm run bench`: bundled by scripts/bench.ts with Vite's lib mode and loaded by a
// tiny page. Every case runs over the same ciphertext, fetched once into memory before timing.
import { base64ToBytes, bs } from '../src/jmix/crypto/bytes.ts';
import { decryptPayload, HKDF_INFO, type Producer } from '../src/jmix/crypto/payload-cipher.ts';
import {
  counterBlock,
  decryptGcmStreaming,
  deriveStreamKey,
  findInfoString,
  rechunk,
  type GhashEngine,
} from '../src/jmix/crypto/stream-gcm.ts';

interface Loaded {
  ciphertext: Uint8Array<ArrayBuffer>;
  privateKey: Uint8Array;
  encryption: { algorithm: string; ephemeral_public_key: string; iv: string; auth_tag: string };
  producer: Producer;
}

let loaded: Loaded | null = null;
const subtle = globalThis.crypto.subtle;

function need(): Loaded {
  if (!loaded) throw new Error('bench.load() has not been called');
  return loaded;
}

async function timed(fn: () => Promise<void>): Promise<{ ms: number }> {
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0 };
}

const api = {
  /** Fetch the envelope's ciphertext and manifest into page memory (not timed by the cases). */
  async load(args: { ciphertextUrl: string; manifestUrl: string; privateKeyB64: string; producer: Producer }): Promise<{ bytes: number }> {
    const [ct, manifest] = await Promise.all([
      fetch(args.ciphertextUrl).then((r) => r.arrayBuffer()),
      fetch(args.manifestUrl).then((r) => r.json()),
    ]);
    loaded = {
      ciphertext: new Uint8Array(ct),
      privateKey: base64ToBytes(args.privateKeyB64),
      encryption: manifest.security.encryption,
      producer: args.producer,
    };
    return { bytes: ct.byteLength };
  },

  unload(): void {
    loaded = null;
  },

  /** The floor: one Web Crypto AES-GCM one-shot decrypt plus one SHA-256 digest of the same bytes. */
  async floor(): Promise<{ ms: number; gcmMs: number; shaMs: number }> {
    const { ciphertext, privateKey, encryption, producer } = need();
    const raw = await deriveStreamKey(privateKey, base64ToBytes(encryption.ephemeral_public_key), HKDF_INFO[producer]);
    const key = await subtle.importKey('raw', bs(raw), 'AES-GCM', false, ['decrypt']);
    const sealed = new Uint8Array(ciphertext.length + 16);
    sealed.set(ciphertext);
    sealed.set(base64ToBytes(encryption.auth_tag), ciphertext.length);
    const iv = bs(base64ToBytes(encryption.iv));
    const gcm = await timed(async () => void (await subtle.decrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, sealed)));
    const sha = await timed(async () => void (await subtle.digest('SHA-256', ciphertext)));
    return { ms: gcm.ms + sha.ms, gcmMs: gcm.ms, shaMs: sha.ms };
  },

  /** What openEnvelope does today: X25519 + HKDF + one-shot AES-GCM, right info string first. */
  async oneShot(): Promise<{ ms: number }> {
    const { ciphertext, privateKey, encryption, producer } = need();
    const info = {
      algorithm: encryption.algorithm,
      ephemeralPublicKey: encryption.ephemeral_public_key,
      iv: encryption.iv,
      authTag: encryption.auth_tag,
    };
    return timed(async () => void (await decryptPayload({ ciphertext, encryption: info, privateKey, order: [producer] })));
  },

  /** Streaming AES-CTR + GHASH; the plaintext chunks are dropped (the pipeline would stage them). */
  async streaming(chunkSize: number, ghash: GhashEngine): Promise<{ ms: number }> {
    const { ciphertext, privateKey, encryption, producer } = need();
    return timed(async () => {
      const key = await deriveStreamKey(privateKey, base64ToBytes(encryption.ephemeral_public_key), HKDF_INFO[producer]);
      await decryptGcmStreaming(ciphertext, key, base64ToBytes(encryption.iv), base64ToBytes(encryption.auth_tag), { chunkSize, ghash });
    });
  },

  /** Where streaming time goes: Web Crypto AES-CTR alone over the same chunks. */
  async ctrOnly(chunkSize: number): Promise<{ ms: number }> {
    const { ciphertext, privateKey, encryption, producer } = need();
    const raw = await deriveStreamKey(privateKey, base64ToBytes(encryption.ephemeral_public_key), HKDF_INFO[producer]);
    const key = await subtle.importKey('raw', bs(raw), 'AES-CTR', false, ['decrypt']);
    const iv = base64ToBytes(encryption.iv);
    return timed(async () => {
      let at = 0;
      for await (const chunk of rechunk(ciphertext, chunkSize)) {
        await subtle.decrypt({ name: 'AES-CTR', counter: counterBlock(iv, at / 16), length: 32 }, key, bs(chunk));
        at += chunk.length;
      }
    });
  },

  /** ... and GHASH alone (one key, tag check included): a findInfoString over a single candidate. */
  async ghashOnly(chunkSize: number, ghash: GhashEngine): Promise<{ ms: number }> {
    const { ciphertext, privateKey, encryption, producer } = need();
    return timed(async () => {
      const m = await findInfoString({
        source: ciphertext,
        privateKey,
        ephemeralPublicKey: base64ToBytes(encryption.ephemeral_public_key),
        iv: base64ToBytes(encryption.iv),
        tag: base64ToBytes(encryption.auth_tag),
        order: [producer],
        chunkSize,
        ghash,
      });
      if (!m) throw new Error('GHASH-only pass did not authenticate the payload');
    });
  },

  /** Three GHASH states in one pass to identify the HKDF info string, without decrypting. */
  async findInfo(chunkSize: number, ghash: GhashEngine): Promise<{ ms: number; found: string | null }> {
    const { ciphertext, privateKey, encryption } = need();
    let found: string | null = null;
    const t = await timed(async () => {
      const m = await findInfoString({
        source: ciphertext,
        privateKey,
        ephemeralPublicKey: base64ToBytes(encryption.ephemeral_public_key),
        iv: base64ToBytes(encryption.iv),
        tag: base64ToBytes(encryption.auth_tag),
        chunkSize,
        ghash,
      });
      found = m?.infoString ?? null;
    });
    return { ...t, found };
  },
};

export type BenchApi = typeof api;
(globalThis as unknown as { bench: BenchApi }).bench = api;
