// security.payload_hash means something different in each producer (INTEROP §4). We compute every
// recipe that can apply, in the order the dialect suggests, and report which one matched.
import { createSHA256 } from 'hash-wasm';
import { toHex, type Hasher } from './hash.ts';
import type { Check, Dialect, PayloadFile } from './types.ts';

export type Recipe = 'recipe-a' | 'recipe-b' | 'plaintext-tar' | 'ciphertext';

export const RECIPE_NAMES: Record<Recipe, string> = {
  'recipe-a': 'jmix-js/jmix-rs directory recipe (sorted path + newline + bytes)',
  'recipe-b': 'jmix-php/spec line recipe (dir:/file:path:size:sha256 lines)',
  'plaintext-tar': 'SHA-256 of the plaintext tar (jmix-rs, encrypted)',
  ciphertext: 'SHA-256 of the encrypted payload file (jmix-php/spec, encrypted)',
};

const PLACEHOLDERS = new Set(['', 'sha256:skipped', 'sha256:placeholder']);
const enc = new TextEncoder();

/** Lowercase hex digest from "sha256:<hex>" or bare hex; null when it is not a SHA-256 digest. */
export function parseDigest(v: string): string | null {
  const m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(v.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** Byte order on UTF-8, as jmix-rs and PHP sort; equal to JS order for BMP paths. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function recipeA(files: readonly PayloadFile[]): Promise<string> {
  // Incremental, one file in memory at a time: the payload may be far larger than memory allows twice.
  const sorted = [...files].sort((x, y) => byteOrder(x.path, y.path));
  const h = await createSHA256();
  h.init();
  for (const f of sorted) {
    h.update(enc.encode(f.path));
    h.update(NEWLINE);
    h.update(await f.bytes());
  }
  return h.digest('hex');
}
const NEWLINE = new Uint8Array([0x0a]);

/**
 * Recipe B lines: every directory as dir:<path>, every file as file:<path>:<size>:<sha256>,
 * sorted by path. Directories are derived from file paths, plus any empty ones the producer is
 * known to create (jmix-php always makes dicom/).
 */
export function recipeBText(
  files: readonly PayloadFile[],
  fileHashes: ReadonlyMap<string, string>,
  emptyDirs: readonly string[] = [],
): string {
  const lines = new Map<string, string>();
  for (const f of files) {
    const segs = f.path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const dir = segs.slice(0, i).join('/');
      lines.set(dir, `dir:${dir}`);
    }
    lines.set(f.path, `file:${f.path}:${f.size}:${fileHashes.get(f.path)}`);
  }
  for (const d of emptyDirs) if (!lines.has(d)) lines.set(d, `dir:${d}`);
  return [...lines.keys()]
    .sort(byteOrder)
    .map((k) => lines.get(k)! + '\n')
    .join('');
}

export interface PayloadHashInput {
  declared: string | null;
  dialectHint: Dialect;
  /** The payload files (plain, or decrypted); null while encrypted and locked. */
  payload: readonly PayloadFile[] | null;
  /** Per-file SHA-256 (hex), computed once and shared with the files.json check. */
  fileHashes: () => Promise<ReadonlyMap<string, string>>;
  /** SHA-256 (hex) of the encrypted file / of the plaintext tar, computed on demand (or already). */
  ciphertextHash: (() => Promise<string>) | null;
  plaintextTarHash: (() => Promise<string>) | null;
  hasher: Hasher;
}

export async function checkPayloadHash(input: PayloadHashInput): Promise<Check> {
  const { declared, hasher } = input;
  const id = 'payload-hash' as const;
  if (declared === null || PLACEHOLDERS.has(declared.trim().toLowerCase())) {
    const shown = declared === null ? 'absent' : declared === '' ? 'empty' : `"${declared}"`;
    return {
      id,
      status: 'not-present',
      title: 'No payload hash provided',
      detail: `security.payload_hash is ${shown}: the producer did not record a hash, so completeness of the payload cannot be checked against the manifest.`,
      data: { declared },
    };
  }
  const expected = parseDigest(declared);
  if (!expected) {
    return {
      id,
      status: 'unverifiable',
      title: 'Payload hash is not a SHA-256 digest',
      detail: `security.payload_hash is "${declared}", which is not "sha256:" followed by 64 hex digits, so the payload cannot be checked against it.`,
      data: { declared },
    };
  }

  const tried: { recipe: Recipe; computed: string }[] = [];
  const order = recipeOrder(input);
  for (const recipe of order) {
    const computed = await compute(recipe, input, hasher);
    if (computed === null) continue;
    tried.push({ recipe, computed });
    if (computed === expected) {
      return {
        id,
        status: 'pass',
        title: `Payload hash matches (${RECIPE_NAMES[recipe]})`,
        detail: `The manifest's payload_hash sha256:${expected} equals the ${RECIPE_NAMES[recipe]} computed over the payload as received.`,
        data: { recipe, expected, tried },
      };
    }
  }
  if (input.payload === null) {
    // Encrypted and locked: the php/spec ciphertext rule did not match, the others need the key.
    return {
      id,
      status: 'unverifiable',
      title: 'Payload hash can be checked after decryption',
      detail: `The payload_hash sha256:${expected} is not the SHA-256 of the encrypted file${tried.length ? ` (computed sha256:${tried[0]!.computed})` : ''}; the jmix-js and jmix-rs recipes hash the decrypted payload, so it is checked once the key is given.`,
      data: { expected, tried },
    };
  }
  return {
    id,
    status: 'fail',
    title: 'Payload hash does not match under any known recipe',
    detail: `The manifest says sha256:${expected}. Computed: ${tried.map((t) => `${RECIPE_NAMES[t.recipe]} = sha256:${t.computed}`).join('; ')}. The payload is not the one the sender hashed: files were changed, added or removed after the envelope was made.`,
    data: { expected, tried },
  };
}

/** Each producer's own recipe first: the first match ends the search, so the likely one is tried first. */
const RECIPE_ORDER: Partial<Record<Dialect, Recipe[]>> = {
  'jmix-rs': ['plaintext-tar', 'recipe-a', 'recipe-b', 'ciphertext'],
  'jmix-js': ['recipe-a', 'recipe-b', 'plaintext-tar', 'ciphertext'],
};
const DEFAULT_ORDER: Recipe[] = ['ciphertext', 'recipe-b', 'recipe-a', 'plaintext-tar'];

function recipeOrder(input: PayloadHashInput): Recipe[] {
  // Locked, a jmix-js or jmix-rs payload_hash is over the plaintext: hashing a (possibly huge)
  // ciphertext first would only delay the key prompt for a recipe those producers never use.
  if (!input.payload && (input.dialectHint === 'jmix-rs' || input.dialectHint === 'jmix-js')) return [];
  const available: Record<Recipe, boolean> = {
    ciphertext: !!input.ciphertextHash,
    'plaintext-tar': !!input.plaintextTarHash,
    'recipe-a': !!input.payload,
    'recipe-b': !!input.payload,
  };
  return (RECIPE_ORDER[input.dialectHint] ?? DEFAULT_ORDER).filter((r) => available[r]);
}

async function compute(recipe: Recipe, input: PayloadHashInput, hasher: Hasher): Promise<string | null> {
  switch (recipe) {
    case 'ciphertext':
      return input.ciphertextHash ? input.ciphertextHash() : null;
    case 'plaintext-tar':
      return input.plaintextTarHash ? input.plaintextTarHash() : null;
    case 'recipe-a':
      return input.payload ? recipeA(input.payload) : null;
    case 'recipe-b': {
      if (!input.payload) return null;
      const hashes = await input.fileHashes();
      const text = recipeBText(input.payload, hashes);
      const first = toHex(await hasher.sha256([enc.encode(text)]));
      // jmix-php creates payload/dicom/ even when empty; try that form too before giving up.
      if (!input.payload.some((f) => f.path.startsWith('dicom/'))) {
        const alt = toHex(await hasher.sha256([enc.encode(recipeBText(input.payload, hashes, ['dicom']))]));
        if (parseDigest(input.declared ?? '') === alt) return alt;
      }
      return first;
    }
  }
}

/** files.json: per-file size and hash. A missing listed file or a hash-less entry is unverified, not failed. */
export async function checkFilesJson(
  entries: readonly { file: string; hash: string | null; sizeBytes: number | null }[] | null,
  payload: readonly PayloadFile[] | null,
  fileHashes: () => Promise<ReadonlyMap<string, string>>,
): Promise<Check> {
  const id = 'files-json' as const;
  if (entries === null)
    return {
      id,
      status: 'not-present',
      title: 'No files.json',
      detail:
        'The payload has no files.json (jmix-js never writes one; jmix-php only when there are attachments), so there is no per-file list to check.',
    };
  if (payload === null)
    return {
      id,
      status: 'unverifiable',
      title: 'files.json can be checked after decryption',
      detail: 'files.json is inside the encrypted payload.',
    };
  const byPath = new Map(payload.map((f) => [f.path, f]));
  const hashes = await fileHashes();
  const bad: string[] = [];
  const missing: string[] = [];
  const unhashed: string[] = [];
  const verifiedFiles: string[] = [];
  for (const e of entries) {
    const path = e.file.replace(/^\.?\//, '').replace(/^payload\//, '');
    const f = byPath.get(path);
    if (!f) {
      missing.push(e.file);
      continue;
    }
    if (e.sizeBytes !== null && e.sizeBytes !== f.size) {
      bad.push(`${e.file}: size ${f.size} bytes, files.json says ${e.sizeBytes}`);
      continue;
    }
    if (e.hash === null || e.hash === '') {
      unhashed.push(e.file);
      continue;
    }
    const want = parseDigest(e.hash);
    if (!want) {
      unhashed.push(`${e.file} (hash "${e.hash}" is not SHA-256)`);
      continue;
    }
    if (want !== hashes.get(path)) bad.push(`${e.file}: SHA-256 ${hashes.get(path)}, files.json says ${want}`);
    else verifiedFiles.push(path);
  }
  const listed = new Set(entries.map((e) => e.file.replace(/^\.?\//, '').replace(/^payload\//, '')));
  const unlisted = payload.filter((f) => !listed.has(f.path) && f.path !== 'files.json').map((f) => f.path);
  const verified = verifiedFiles.length;
  const lines = [
    `${verified} of ${entries.length} listed file(s) match their size and SHA-256.`,
    bad.length ? `Changed: ${bad.join('; ')}.` : '',
    missing.length ? `Listed but not in the payload (unverified): ${missing.join(', ')}.` : '',
    unhashed.length ? `Listed without a usable hash (unverified): ${unhashed.join(', ')}.` : '',
    unlisted.length ? `In the payload but not listed (normal for DICOM in some producers): ${unlisted.length} file(s).` : '',
  ].filter(Boolean);
  const data = { verified, verifiedFiles, changed: bad, missing, unhashed, unlisted };
  if (bad.length) return { id, status: 'fail', title: `${bad.length} file(s) differ from files.json`, detail: lines.join(' '), data };
  if (missing.length || unhashed.length)
    return { id, status: 'warn', title: 'Some files in files.json could not be checked', detail: lines.join(' '), data };
  return { id, status: 'pass', title: `All ${verified} file(s) in files.json match`, detail: lines.join(' '), data };
}
