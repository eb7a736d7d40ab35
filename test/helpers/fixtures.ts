// Small, fast envelopes for the unit tests, made with the project's own writer.
import { syntheticStudy } from '../../fixtures/dicom/synth.ts';
import { packEnvelope, type PackDialect, type PackOptions, type PackedEnvelope } from '../../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../../fixtures/pdf/synth.ts';
import { ed25519PublicKey } from '../../src/jmix/crypto/ed25519.ts';
import { generateX25519KeyPair } from '../../src/jmix/crypto/x25519.ts';
import type { EnvelopeSource } from '../../src/jmix/types.ts';
import { filesFromMap } from '../../src/jmix/sources.ts';

export const DIALECTS: PackDialect[] = ['spec', 'jmix-js', 'jmix-rs', 'jmix-php'];

let cachedStudy: ReturnType<typeof syntheticStudy> | null = null;
export function smallStudy() {
  cachedStudy ??= syntheticStudy({ seed: 7, ctSlices: 6, ctSize: 64, mrSlices: 3, mrSize: 32, usFrames: 3 });
  return cachedStudy;
}

export const recipient = generateX25519KeyPair();
export const wrongRecipient = generateX25519KeyPair();
export const signingSeed = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
export const signingPublicKey = ed25519PublicKey(signingSeed);

export function studyPayload(withReport = true) {
  const s = smallStudy();
  const files = s.files.map((f) => ({ path: f.path, bytes: f.bytes }));
  if (withReport) files.push({ path: 'files/report.pdf', bytes: syntheticPdfReport(['Radiology report', 'No acute findings.']) });
  return files;
}

export function studyInfo() {
  const s = smallStudy().study;
  return {
    studyUid: s.studyUid,
    description: s.description,
    date: s.date,
    series: s.series.map((x) => ({ seriesUid: x.seriesUid, modality: x.modality, description: x.description, count: x.count })),
  };
}

export async function pack(dialect: PackDialect, extra: Partial<PackOptions> = {}): Promise<PackedEnvelope> {
  return packEnvelope({ dialect, payloadFiles: studyPayload(), study: studyInfo(), ...extra });
}

export function asFolderSource(env: PackedEnvelope, wrapped = true): EnvelopeSource {
  const map: Record<string, Uint8Array> = {};
  for (const f of env.files) map[(wrapped ? env.rootName + '/' : '') + f.path] = f.bytes;
  return { kind: 'files', files: filesFromMap(map), name: env.rootName };
}
