// `npm run fixtures`: writes a full set of envelopes for manual testing into fixtures/generated/ (gitignored):
// every dialect × plain/encrypted × folder / zip (root, wrapped) / tar.gz, plus signed and tampered
// variants, the keys to open them, and an index.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toTarGz, toZip, type PackDialect, type Tamper } from '../fixtures/envelopes/pack.ts';
import { writeFolder } from '../fixtures/envelopes/pack-node.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { DEMO_KEY_B64URL, DEMO_PUBLIC_KEY, DEMO_SIGNING_SEED } from './demo-envelopes.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey } from '../src/jmix/crypto/ed25519.ts';

const out = join(import.meta.dirname, '..', 'fixtures', 'generated');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const study = syntheticStudy({ seed: 1 });
const payloadFiles = [
  ...study.files,
  { path: 'files/report.pdf', bytes: syntheticPdfReport(['Radiology report (synthetic)', 'No real patient.']) },
];
const info = {
  studyUid: study.study.studyUid,
  description: study.study.description,
  date: study.study.date,
  series: study.study.series.map((s) => ({ seriesUid: s.seriesUid, modality: s.modality, description: s.description, count: s.count })),
};
const index: { name: string; dialect: string; encrypted: boolean; signed: boolean; tamper: string | null; paths: string[] }[] = [];
const dialects: PackDialect[] = ['spec', 'jmix-js', 'jmix-rs', 'jmix-php'];
const variants: { encrypted: boolean; signed: boolean; tamper?: Tamper }[] = [
  { encrypted: false, signed: false },
  { encrypted: true, signed: false },
  { encrypted: true, signed: true },
  { encrypted: false, signed: false, tamper: 'payload-byte' },
  { encrypted: true, signed: false, tamper: 'ciphertext-byte' },
];
for (const dialect of dialects) {
  for (const v of variants) {
    const name = `${dialect}-${v.encrypted ? 'encrypted' : 'plain'}${v.signed ? '-signed' : ''}${v.tamper ? `-tampered-${v.tamper}` : ''}`;
    const env = await packEnvelope({
      dialect,
      payloadFiles,
      study: info,
      ...(v.encrypted ? { encryptTo: DEMO_PUBLIC_KEY } : {}),
      ...(v.signed ? { signWith: DEMO_SIGNING_SEED } : {}),
      ...(v.tamper ? { tamper: v.tamper } : {}),
    });
    const dir = join(out, name);
    await mkdir(dir, { recursive: true });
    const folder = await writeFolder(env, dir);
    await writeFile(join(dir, 'root.zip'), toZip(env, 'root'));
    await writeFile(join(dir, 'wrapped.zip'), toZip(env, 'wrapped'));
    await writeFile(join(dir, 'envelope.tar.gz'), toTarGz(env));
    index.push({
      name,
      dialect,
      encrypted: v.encrypted,
      signed: v.signed && dialect !== 'jmix-js',
      tamper: v.tamper ?? null,
      paths: [folder, join(dir, 'root.zip'), join(dir, 'wrapped.zip'), join(dir, 'envelope.tar.gz')],
    });
  }
}
await writeFile(
  join(out, 'keys.json'),
  JSON.stringify(
    {
      warning: 'Demo keys, published on purpose. Never use them for real data.',
      recipient_private_key_b64: bytesToBase64(
        Uint8Array.from(atob(DEMO_KEY_B64URL.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0)),
      ),
      signing_public_key_b64: bytesToBase64(ed25519PublicKey(DEMO_SIGNING_SEED)),
    },
    null,
    2,
  ),
);
await writeFile(join(out, 'index.json'), JSON.stringify(index, null, 2));
console.log(`wrote ${index.length} envelopes × 4 carriers to ${out} (keys in fixtures/generated/keys.json)`);
