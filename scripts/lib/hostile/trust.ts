// Forged origin (issue 11, classes 1 and 2): envelopes that are internally consistent but were not
// sealed by a key the user trusts. None may reach "Genuine and complete"; a genuine jmix-rs envelope
// whose JWS key is recorded nowhere is "signed by a key you have not given", not damage.
import { bytesToBase64 } from '../../../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey } from '../../../src/jmix/crypto/ed25519.ts';
import { signManifestJws } from '../../../src/jmix/crypto/jws.ts';
import { signAssertion } from '../../../src/jmix/crypto/assertions.ts';
import { syntheticStudy } from '../dicom-synth.ts';
import type { HostileCase } from '../hostile.ts';
import { folder, HOSTILE_KEYS, json2, manifestOf, packBase, pass, replaceFile, reseal, text, warn } from '../hostile.ts';

const fixed = (mul: number, add: number) => new Uint8Array(32).map((_, i) => (i * mul + add) & 0xff);

export async function trustCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const integ = (id: string, description: string, c: Omit<HostileCase, 'id' | 'category' | 'description'>) => cases.push({ id: `integrity/${id}`, category: 'integrity', description, ...c });
  const senderKey = bytesToBase64(ed25519PublicKey(HOSTILE_KEYS.signingSeed));
  const strangerKey = HOSTILE_KEYS.strangerSeed;
  const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
  // Other images under the same envelope id: what a forger would swap in.
  const forgedImages = () => syntheticStudy({ seed: 99, ctSlices: 1, ctSize: 16, mrSlices: 1, mrSize: 16, usFrames: 1 }).files.map((f) => ({ path: f.path, bytes: f.bytes }));
  // The forger drops files.json (optional in the spec) rather than rewrite it.
  const swapImages = (files: { path: string; bytes: Uint8Array }[]) => [...files.filter((f) => !f.path.startsWith('dicom/') && f.path !== 'files.json'), ...forgedImages()];

  // Class 1: the genuine sender assertion copied onto a forged payload (it signs only the sender's
  // own fields, which the forger keeps), payload_hash recomputed.
  const copied = await reseal(spec, { payload: swapImages, keepAssertions: true, sign: false });
  integ('copied-assertion-no-jws', "the genuine sender's assertion copied onto forged images with a recomputed payload_hash, no manifest.jws", {
    source: folder(spec, copied),
    trustedKeys: [senderKey],
    expect: warn(undefined, { 'assertion:sender': 'pass', 'payload-hash': 'pass', 'manifest-jws': 'not-present', origin: 'not-present' }),
  });
  const copiedManifest = manifestOf(copied);
  // Signed by a key the forger made and kept out of the envelope: nothing we hold verifies it.
  integ('copied-assertion-own-jws', "the genuine sender's assertion copied onto forged images, manifest.jws by the forger's own key (not in the envelope)", {
    source: folder(spec, [...copied, { path: 'manifest.jws', bytes: text(signManifestJws(json2(copiedManifest), strangerKey, 'rs')) }]),
    trustedKeys: [senderKey],
    expect: warn('origin', { 'assertion:sender': 'pass', 'manifest-jws': 'unverifiable' }),
  });
  // The forger adds a receiver whose assertion carries their key, and signs manifest.jws with it:
  // the JWS verifies with a key carried in the envelope, which proves nothing about who made it.
  const withForgerReceiver = structuredClone(copiedManifest);
  withForgerReceiver.receiver = [...(withForgerReceiver.receiver ?? []), { name: 'Courier', id: 'org:courier' }];
  const ri = withForgerReceiver.receiver.length - 1;
  withForgerReceiver.receiver[ri].assertion = signAssertion({ manifest: withForgerReceiver, role: 'receiver', index: ri, seed32: strangerKey, style: 'rs' });
  const forgerBytes = json2(withForgerReceiver);
  integ('copied-assertion-embedded-forger-key', "the genuine sender's assertion copied onto forged images, manifest.jws by a key the forger embedded in a receiver assertion", {
    source: folder(spec, [...replaceFile(copied, 'manifest.json', forgerBytes), { path: 'manifest.jws', bytes: text(signManifestJws(forgerBytes, strangerKey, 'rs')) }]),
    trustedKeys: [senderKey],
    expect: warn('origin', { 'manifest-jws': 'pass', 'assertion:sender': 'pass' }),
  });
  // Without any trusted key, a fully re-sealed forgery by the forger's own embedded key is intact but not genuine.
  const resealed = await reseal(spec, { payload: swapImages, seed: strangerKey });
  integ('re-sealed-no-trusted-key', 'forged images re-sealed (assertions and manifest.jws) with a key the forger embedded; the user trusts no key', {
    source: folder(spec, resealed),
    expect: warn('origin', { 'manifest-jws': 'pass', 'payload-hash': 'pass' }),
  });

  // Class 2: jmix-rs signs manifest.jws with a key it records nowhere (not the assertion key).
  const jwsSeed = fixed(17, 9);
  const rs = await packBase('jmix-rs', { signWith: HOSTILE_KEYS.signingSeed, jwsWith: jwsSeed });
  integ('rs-jws-key-not-given', 'a genuine jmix-rs envelope whose manifest.jws key is recorded nowhere, opened without that key: signed by a key you have not given, not damage', {
    source: folder(rs),
    expect: warn('origin', { 'manifest-jws': 'unverifiable', 'payload-hash': 'pass', structure: 'pass' }),
  });
  integ('rs-jws-key-given', "the same jmix-rs envelope with the signer's public key pasted: genuine", {
    source: folder(rs),
    control: true,
    trustedKeys: [bytesToBase64(ed25519PublicKey(jwsSeed))],
    expect: pass({ 'manifest-jws': 'pass', origin: 'pass' }),
  });
  // jmix-php signs its manifest before payload_hash is set: a trusted key still does not cover the payload.
  const php = await packBase('jmix-php', { signWith: HOSTILE_KEYS.signingSeed });
  integ('php-signed-trusted-key', "a jmix-php envelope signed by the trusted key: its JWS covers a snapshot without payload_hash, so the payload is not covered by the signature", {
    source: folder(php),
    trustedKeys: [senderKey],
    expect: warn('origin', { 'manifest-jws': 'warn', 'payload-hash': 'pass' }),
  });
  return cases;
}
