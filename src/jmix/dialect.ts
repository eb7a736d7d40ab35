// Which producer wrote this envelope, from the fingerprints each leaves (INTEROP §8a). The HKDF info
// string that authenticated is decisive; the rest are weighed. We say what we saw, not just a name.
import type { Dialect } from './types.ts';

export interface DialectClues {
  manifestRaw: Record<string, unknown>;
  manifestText: string;
  rootName: string;
  hasRootReadme: boolean;
  ciphertextName: string | null;
  hkdfProducer: 'jmix-js' | 'jmix-rs' | 'jmix-php' | null;
  tarLayout: 'payload-prefix' | 'dot-root' | 'files-only' | null;
  jwsTyp: string | null;
  filesJsonListsMetadata: boolean | null;
  metadataHasDicomBlock: boolean | null;
  auditEvents: string[];
  fingerprints: string[];
  keyReferenceNull: boolean;
}

type Producer = 'jmix-js' | 'jmix-rs' | 'jmix-php';

export function detectDialect(c: DialectClues): { dialect: Dialect; evidence: string[] } {
  const score: Record<Producer, number> = { 'jmix-js': 0, 'jmix-rs': 0, 'jmix-php': 0 };
  const evidence: Record<Producer, string[]> = { 'jmix-js': [], 'jmix-rs': [], 'jmix-php': [] };
  const add = (p: Producer, weight: number, why: string) => {
    score[p] += weight;
    evidence[p].push(why);
  };
  const m = c.manifestRaw;

  if (c.hkdfProducer) add(c.hkdfProducer, 10, `payload decrypted with the ${c.hkdfProducer} HKDF info string`);
  const jsKeys = ['envelope_id', 'jmix_version', 'created_at', 'receivers'].filter((k) => k in m);
  if (jsKeys.length) add('jmix-js', 2 + jsKeys.length, `manifest uses jmix-js keys (${jsKeys.join(', ')})`);
  if (typeof m.created_at === 'string' && /\.\d{3}Z$/.test(m.created_at)) add('jmix-js', 1, 'timestamp has milliseconds');
  if (c.metadataHasDicomBlock) add('jmix-js', 2, 'metadata.json has a jmix-js "dicom" block');
  if (c.auditEvents.includes('envelope_created')) add('jmix-js', 2, 'audit event "envelope_created"');
  if (c.tarLayout === 'payload-prefix') add('jmix-js', 2, 'encrypted tar entries start with payload/');

  if (/\.jmix$/.test(c.rootName)) add('jmix-rs', 1, `folder suffix ".jmix" (${c.rootName})`);
  if (c.hasRootReadme) add('jmix-rs', 2, 'README.md at the envelope root');
  if (c.ciphertextName === 'payload.enc') add('jmix-rs', 3, 'ciphertext named payload.enc');
  if (c.filesJsonListsMetadata) add('jmix-rs', 2, 'files.json lists metadata.json');
  if (c.auditEvents.includes('transmitted')) add('jmix-rs', 2, 'audit event "transmitted"');
  if (c.keyReferenceNull) add('jmix-rs', 2, 'assertions carry "key_reference": null');
  if (c.tarLayout === 'dot-root') add('jmix-rs', 2, 'encrypted tar rooted at "./"');
  if (c.jwsTyp === 'JWS') add('jmix-rs', 2, 'manifest.jws header typ "JWS"');

  if (/^\s*\{\r?\n {4}"/.test(c.manifestText)) add('jmix-php', 2, 'manifest.json indented with 4 spaces');
  if (/\\u[0-9a-fA-F]{4}/.test(c.manifestText)) add('jmix-php', 1, 'manifest.json escapes non-ASCII as \\uXXXX');
  const sec = m.security as Record<string, unknown> | undefined;
  if (sec && typeof sec === 'object' && sec.jws) add('jmix-php', 1, 'security.jws.jws_file present');
  if (c.jwsTyp === 'JWT') add('jmix-php', 2, 'manifest.jws header typ "JWT"');
  if (c.tarLayout === 'files-only') add('jmix-php', 2, 'encrypted tar holds files only');
  // One clue however many entities carry a fingerprint: they were all written by the same code.
  const hexes = c.fingerprints.map((f) => f.replace(/^SHA256:/i, ''));
  if (hexes.some((h) => /[A-F]/.test(h) && !/[a-f]/.test(h))) add('jmix-php', 1, 'upper-case key fingerprints');
  else if (hexes.some((h) => /[a-f]/.test(h) && !/[A-F]/.test(h))) add('jmix-rs', 1, 'lower-case key fingerprints');

  const ranked = (Object.keys(score) as Producer[]).sort((a, b) => score[b] - score[a]);
  const best = ranked[0]!;
  if (score[best] >= 2 && score[best] > score[ranked[1]!]) return { dialect: best, evidence: evidence[best] };
  const specKeys = ['version', 'id', 'timestamp', 'receiver'].every((k) => k in m);
  if (score[best] < 2 && specKeys)
    return { dialect: 'spec', evidence: ['manifest uses the spec keys and carries no producer fingerprint'] };
  return { dialect: 'unknown', evidence: ranked.flatMap((p) => evidence[p].map((e) => `${p}? ${e}`)) };
}
