// The built-in demo envelopes, made by our own writer from synthetic data: deterministic (fixed ids,
// timestamps and keys), so every build ships the same bytes. The demo keys are published on purpose.
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip, type PackOptions } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { bytesToBase64Url } from '../src/jmix/crypto/bytes.ts';
import { publicKeyFromPrivate } from '../src/jmix/crypto/keys.ts';

/** Demo recipient key: 32 fixed bytes. Never use it for real data. */
export const DEMO_PRIVATE_KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
export const DEMO_PUBLIC_KEY = publicKeyFromPrivate(DEMO_PRIVATE_KEY);
export const DEMO_SIGNING_SEED = new Uint8Array(32).map((_, i) => (i * 53 + 5) & 0xff);
export const DEMO_KEY_B64URL = bytesToBase64Url(DEMO_PRIVATE_KEY);

export interface DemoEnvelope {
  name: string;
  file: string;
  title: string;
  sentence: string;
  needsKey: boolean;
  bytes: Uint8Array;
}

function studyPayload(ctSize: number) {
  const study = syntheticStudy({ seed: 2026, ctSlices: 40, ctSize, mrSlices: 20, usFrames: 12 });
  const payloadFiles = [
    ...study.files,
    {
      path: 'files/report.pdf',
      bytes: syntheticPdfReport([
        'Radiology report (synthetic demo)',
        `Study: ${study.study.description}`,
        'Findings: synthetic phantom, no real patient.',
        'Impression: demonstration only.',
      ]),
    },
  ];
  const base: Omit<PackOptions, 'dialect'> = {
    payloadFiles,
    study: {
      studyUid: study.study.studyUid,
      description: study.study.description,
      date: study.study.date,
      series: study.study.series.map((s) => ({ seriesUid: s.seriesUid, modality: s.modality, description: s.description, count: s.count })),
    },
    timestamp: '2026-11-20T09:30:00Z',
  };
  return base;
}

export async function demoEnvelopes(): Promise<DemoEnvelope[]> {
  // The signed demo carries a full 512×512 CT; the others a 256×256 one, to keep the site light
  // (encrypted payloads do not compress).
  const full = studyPayload(512);
  const light = studyPayload(256);
  const make = async (base: Omit<PackOptions, 'dialect'>, opts: Partial<PackOptions> & { dialect: PackOptions['dialect'] }, id: string) =>
    toZip(await packEnvelope({ ...base, ...opts, id }), opts.dialect === 'jmix-rs' ? 'root' : 'wrapped');
  return [
    {
      name: 'signed',
      file: 'demo/signed.zip',
      title: 'Signed and encrypted',
      sentence: 'A jmix-rs style envelope with a 512×512 CT, encrypted for the demo key and signed by its sender: every check passes.',
      needsKey: true,
      bytes: await make(
        full,
        { dialect: 'jmix-rs', encryptTo: DEMO_PUBLIC_KEY, signWith: DEMO_SIGNING_SEED },
        '6f1d2c3b-4a59-4e68-9b7a-0c1d2e3f4a5b',
      ),
    },
    {
      name: 'encrypted',
      file: 'demo/encrypted.zip',
      title: 'Encrypted',
      sentence: 'A jmix-js style envelope encrypted for the demo key: the key is in the link, the sender is not signed.',
      needsKey: true,
      bytes: await make(light, { dialect: 'jmix-js', encryptTo: DEMO_PUBLIC_KEY }, '2b8e4f61-7c3a-4d25-8e19-5a6b7c8d9e0f'),
    },
    {
      name: 'plain',
      file: 'demo/plain.zip',
      title: 'Plain',
      sentence: 'A jmix-php style envelope with no encryption: opens at once, hash checked, sender not signed.',
      needsKey: false,
      bytes: await make(light, { dialect: 'jmix-php' }, '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f'),
    },
    {
      name: 'damaged',
      file: 'demo/damaged.zip',
      title: 'Damaged',
      sentence: 'The plain envelope with one image byte changed after it was made: the viewer says it must not be relied on.',
      needsKey: false,
      bytes: await make(light, { dialect: 'jmix-php', tamper: 'payload-byte' }, '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b'),
    },
  ];
}

/** The link that opens a demo: `#src=demo/<name>.zip&key=<base64url>`. */
export function demoLink(d: DemoEnvelope): string {
  return `#src=${d.file}${d.needsKey ? `&key=${DEMO_KEY_B64URL}` : ''}`;
}
