// The bench fixtures: plain and encrypted CT envelopes of a target size, made with
// fixtures/envelopes/pack.ts and cached in bench/fixtures/ (folder and zip form, with a meta.json).
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeZip } from '../../src/jmix/archive/zip-write.ts';
import { bytesToBase64 } from '../../src/jmix/crypto/bytes.ts';
import type { Producer } from '../../src/jmix/crypto/payload-cipher.ts';
import { generateX25519KeyPair } from '../../src/jmix/crypto/x25519.ts';
import { syntheticCtSeries } from '../../fixtures/dicom/synth.ts';
import { packEnvelope, type PackDialect, type PackedEnvelope } from '../../fixtures/envelopes/pack.ts';
import { writeFolder } from '../../fixtures/envelopes/pack-node.ts';
import { FIXTURES, log, MiB } from './options.ts';

const FIXTURE_VERSION = 1;
const SLICE = 512;
/** Bytes per 512×512 16-bit CT file: pixels plus ~1.5 KB of header. */
const SLICE_BYTES = SLICE * SLICE * 2 + 1500;
/** Encrypted fixtures are written as jmix-rs does: payload.enc, payload_hash = SHA-256 of the plaintext tar, files.json of every file. */
const ENC_DIALECT: PackDialect = 'jmix-rs';
const PLAIN_DIALECT: PackDialect = 'spec';
const HKDF_PRODUCER: Record<PackDialect, Producer> = {
  'jmix-js': 'jmix-js',
  'jmix-rs': 'jmix-rs',
  'jmix-php': 'jmix-php',
  spec: 'jmix-php',
};

export interface FixtureMeta {
  version: number;
  label: string;
  encrypted: boolean;
  /** Which producer's layout and hash recipes the packer used (older cached fixtures: 'spec'). */
  dialect: PackDialect;
  ciphertextName: string | null;
  slices: number;
  rootName: string;
  /** Folder form: <dir>/folder/<rootName>/...; zip form: <dir>/envelope.zip. */
  folderBytes: number;
  zipBytes: number;
  ciphertextBytes: number | null;
  producer: Producer;
  /** Published on purpose: a throwaway key made for this fixture. */
  privateKeyB64: string | null;
}

export function sizeLabel(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)}GiB` : `${bytes / MiB}MiB`;
}

export async function fixture(target: number, encrypted: boolean): Promise<FixtureMeta & { dir: string }> {
  const dialect = encrypted ? ENC_DIALECT : PLAIN_DIALECT;
  const label = `${encrypted ? `enc-${dialect === 'jmix-rs' ? 'rs' : dialect}` : 'plain'}-${sizeLabel(target)}`;
  const dir = join(FIXTURES, label);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as FixtureMeta;
    // Fixtures cached before the dialect was recorded were written with the spec dialect.
    if (meta.version === FIXTURE_VERSION)
      return {
        ...meta,
        dialect: meta.dialect ?? 'spec',
        ciphertextName: meta.ciphertextName ?? (encrypted ? 'payload.encrypted' : null),
        dir,
      };
  }
  await rm(dir, { recursive: true, force: true });
  const slices = Math.round(target / SLICE_BYTES);
  const t0 = performance.now();
  const series = syntheticCtSeries(slices, SLICE, 11);
  const keys = encrypted ? generateX25519KeyPair() : null;
  const env: PackedEnvelope = await packEnvelope({
    dialect,
    payloadFiles: series.files.map((f) => ({ path: f.path, bytes: f.bytes })),
    ...(keys ? { encryptTo: keys.publicKey } : {}),
    id: `00000000-0000-4000-8000-${String(target).padStart(12, '0').slice(-12)}`,
    study: {
      studyUid: series.studyUid,
      description: 'BENCH CT',
      date: '20240101',
      series: [{ seriesUid: series.seriesUid, modality: 'CT', count: slices }],
    },
  });
  await writeFolder(env, join(dir, 'folder'));
  // Encrypted payloads do not compress: store them; deflate the plain one as producers do.
  const zip = writeZip(
    env.files.map((f) => ({ name: `${env.rootName}/${f.path}`, data: f.bytes })),
    { level: encrypted ? 0 : 6 },
  );
  await writeFile(join(dir, 'envelope.zip'), zip);
  const ct = env.files.find((f) => f.path === 'payload.encrypted' || f.path === 'payload.enc');
  const meta: FixtureMeta = {
    version: FIXTURE_VERSION,
    label,
    encrypted,
    dialect,
    ciphertextName: ct ? ct.path : null,
    slices,
    rootName: env.rootName,
    folderBytes: env.files.reduce((n, f) => n + f.bytes.length, 0),
    zipBytes: zip.length,
    ciphertextBytes: ct ? ct.bytes.length : null,
    producer: HKDF_PRODUCER[dialect],
    privateKeyB64: keys ? bytesToBase64(keys.privateKey) : null,
  };
  await writeFile(metaPath, JSON.stringify(meta, null, 2));
  log(
    `  made ${label}: ${slices} slices, folder ${(meta.folderBytes / MiB).toFixed(1)} MiB, zip ${(meta.zipBytes / MiB).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { ...meta, dir };
}
