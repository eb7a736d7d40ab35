// Signatures: Ed25519, manifest.jws (rs and php styles) and entity assertions (rs canonicalisation,
// php wrapper-path fallback), including the real jmix-php signed/ and full/ vectors.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, bytesToBase64Url, utf8Encode } from '../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint, setEd25519Backend, signEd25519, verifyEd25519 } from '../src/jmix/crypto/ed25519.ts';
import { parseCompactJws, signManifestJws, verifyManifestJws } from '../src/jmix/crypto/jws.ts';
import {
  canonicalPhp,
  canonicalRs,
  resolveFieldPhp,
  resolveFieldRs,
  signAssertion,
  verifyAssertion,
} from '../src/jmix/crypto/assertions.ts';
import { hasShared, sharedPath, describeWithShared } from './shared.ts';

const seed = (n: number) => new Uint8Array(32).fill(n);
const NOW = new Date('2026-01-01T00:00:00Z');

afterEach(() => setEd25519Backend('auto'));

function rsManifest(): Record<string, unknown> {
  return {
    version: '1.0',
    id: '0b7e3f4a-1111-4222-8333-944455556666',
    timestamp: '2025-10-18T00:00:00Z',
    sender: { name: 'Radiology Sender', id: 'org:sender', contact: { system: 'email', value: 's@example.org' } },
    requester: { name: 'Dr Req', id: 'org:req', contact: 'r@example.org' },
    receiver: [{ name: 'Clinic', id: 'org:clinic', contact: 'c@example.org' }],
    security: { classification: 'confidential', payload_hash: 'sha256:placeholder' },
  };
}

describe('Ed25519', () => {
  it.each(['webcrypto', 'noble'] as const)('signs and verifies; rejects tampering (%s)', async (backend) => {
    setEd25519Backend(backend);
    const pub = ed25519PublicKey(seed(7));
    const msg = utf8Encode('hello JMIX');
    const sig = signEd25519(seed(7), msg);
    expect(await verifyEd25519(pub, msg, sig)).toBe(true);
    expect(await verifyEd25519(pub, utf8Encode('hello JMIX!'), sig)).toBe(false);
    const bad = sig.slice();
    bad[10]! ^= 1;
    expect(await verifyEd25519(pub, msg, bad)).toBe(false);
    expect(await verifyEd25519(ed25519PublicKey(seed(8)), msg, sig)).toBe(false);
    expect(await verifyEd25519(pub.slice(0, 31), msg, sig)).toBe(false);
  });
  it('accepts a 64-byte libsodium secret key and computes both fingerprint cases', () => {
    const pub = ed25519PublicKey(seed(3));
    const sodium = new Uint8Array([...seed(3), ...pub]);
    expect(signEd25519(sodium, utf8Encode('x'))).toEqual(signEd25519(seed(3), utf8Encode('x')));
    const lower = fingerprint(pub, 'lower');
    expect(lower).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(fingerprint(pub, 'upper')).toBe('SHA256:' + lower.slice(7).toUpperCase());
    expect(() => signEd25519(new Uint8Array([...seed(3), ...seed(1)]), utf8Encode('x'))).toThrow(/inconsistent/);
  });
});

describe('manifest.jws', () => {
  const signer = { label: 'user key', publicKey: ed25519PublicKey(seed(1)) };
  const other = { label: 'other key', publicKey: ed25519PublicKey(seed(2)) };
  const manifestBytes = utf8Encode(JSON.stringify(rsManifest(), null, 2));

  it('rs style: signed over the exact bytes -> pass, naming the key that verified', async () => {
    const jwsText = signManifestJws(manifestBytes, seed(1), 'rs');
    const jws = parseCompactJws(jwsText);
    expect(jws.header).toEqual({ alg: 'EdDSA', typ: 'JWS', crv: 'Ed25519' });
    expect(jwsText.split('.')[0]).toBe(bytesToBase64Url(utf8Encode('{"alg":"EdDSA","typ":"JWS","crv":"Ed25519"}')));
    const r = await verifyManifestJws({ jwsText: jwsText + '\n', manifestBytes, candidateKeys: [other, signer] });
    expect(r.status).toBe('pass');
    expect(r.title).toMatch(/rs style: JWS covers the exact manifest bytes/);
    expect(r.data['verifiedBy']).toEqual({ label: 'user key', fingerprint: fingerprint(signer.publicKey), publicKey: bytesToBase64(signer.publicKey), trusted: false });
    expect(r.data['coversPayloadHash']).toBe(true);
    expect(r.detail).toContain(fingerprint(signer.publicKey));
  });

  it('php style: signed over a pre-finalisation snapshot -> warn listing the late fields', async () => {
    const snapshot = rsManifest();
    (snapshot['security'] as Record<string, unknown>)['payload_hash'] = '';
    const jwsText = signManifestJws(JSON.stringify(snapshot), seed(1), 'php');
    expect(parseCompactJws(jwsText).header).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    const final = rsManifest();
    final['security'] = {
      classification: 'confidential',
      payload_hash: 'sha256:' + 'ab'.repeat(32),
      jws: { jws_file: 'manifest.jws' },
      encryption: { algorithm: 'AES-256-GCM', iv: 'x' },
    };
    const r = await verifyManifestJws({ jwsText, manifestBytes: utf8Encode(JSON.stringify(final, null, 4)), candidateKeys: [signer] });
    expect(r.status).toBe('warn');
    expect(r.title).toMatch(/pre-finalisation snapshot/);
    expect([...(r.data['differingPointers'] as string[])].sort()).toEqual(['/security/encryption', '/security/jws', '/security/payload_hash']);
  });

  it('manifest edited after signing -> fail with the JSON pointers that differ', async () => {
    const jwsText = signManifestJws(manifestBytes, seed(1), 'rs');
    const edited = rsManifest();
    (edited['sender'] as Record<string, unknown>)['name'] = 'Mallory';
    edited['timestamp'] = '2030-01-01T00:00:00Z';
    const r = await verifyManifestJws({ jwsText, manifestBytes: utf8Encode(JSON.stringify(edited, null, 2)), candidateKeys: [signer] });
    expect(r.status).toBe('fail');
    expect(r.title).toMatch(/edited after signing/);
    expect(r.data['differingPointers']).toEqual(['/timestamp', '/sender/name']);
    expect(r.detail).toContain('/sender/name');
  });

  it('no key, or only other keys, over this very manifest -> unverifiable (signed by a key not given), not damage', async () => {
    const jwsText = signManifestJws(manifestBytes, seed(1), 'rs');
    const none = await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: [] });
    expect(none.status).toBe('unverifiable');
    expect(none.title).toMatch(/signed by a key you have not given/);
    const wrong = await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: [other] });
    expect(wrong.status).toBe('unverifiable');
    expect(wrong.detail).toContain('other key');
    expect(wrong.detail).toMatch(/Paste the sender's Ed25519 public key/);
  });

  it('a tampered signature or payload part fails', async () => {
    const [h, p, s] = signManifestJws(manifestBytes, seed(1), 'rs').split('.') as [string, string, string];
    const sig = base64ToBytes(s);
    sig[0]! ^= 1;
    // A damaged signature over this manifest cannot be told from a key we were not given: not proof, not damage.
    const badSig = await verifyManifestJws({ jwsText: `${h}.${p}.${bytesToBase64Url(sig)}`, manifestBytes, candidateKeys: [signer] });
    expect(badSig.status).toBe('unverifiable');
    const forged = bytesToBase64Url(utf8Encode(JSON.stringify({ ...rsManifest(), id: 'forged' })));
    const badPayload = await verifyManifestJws({ jwsText: `${h}.${forged}.${s}`, manifestBytes, candidateKeys: [signer] });
    expect(badPayload.status).toBe('fail');
    expect(badPayload.title).toMatch(/does not match manifest.json/);
  });

  it('alg none and malformed parts fail with messages naming the problem', async () => {
    const none = `${bytesToBase64Url(utf8Encode('{"alg":"none"}'))}.${bytesToBase64Url(manifestBytes)}.`;
    const r = await verifyManifestJws({ jwsText: none, manifestBytes, candidateKeys: [signer] });
    expect(r.status).toBe('fail');
    expect(r.title).toMatch(/unsigned \(alg "none"\)/);
    expect(r.detail).toMatch(/proves nothing/);
    const hs = `${bytesToBase64Url(utf8Encode('{"alg":"HS256"}'))}.${bytesToBase64Url(manifestBytes)}.AAAA`;
    expect(() => parseCompactJws(hs)).toThrow(/alg "HS256".*"EdDSA"/);
    expect(() => parseCompactJws('a.b')).toThrow(/3 base64url parts.*has 2/);
    const [h, , s] = signManifestJws(manifestBytes, seed(1), 'rs').split('.');
    expect(() => parseCompactJws(`${h}.ab+c.${s}`)).toThrow(/JWS payload \(part 2 of 3\) is not valid base64url: unexpected character '\+' at position 3/);
    const bad = await verifyManifestJws({ jwsText: `${h}.ab+c.${s}`, manifestBytes, candidateKeys: [signer] });
    expect(bad.status).toBe('fail');
    expect(bad.title).toMatch(/malformed \(payload\)/);
  });
});

describe('canonicalisation and field resolution', () => {
  const m = rsManifest();
  it('rs resolves against the manifest, php against the {manifest} wrapper', () => {
    const sender = m['sender'] as Record<string, unknown>;
    expect(resolveFieldRs(m, sender, 'manifest.id')).toEqual({ ok: true, value: m['id'] });
    expect(resolveFieldRs(m, sender, 'receiver.0.id')).toEqual({ ok: true, value: 'org:clinic' });
    expect(resolveFieldRs(m, sender, 'entity.name')).toEqual({ ok: true, value: 'Radiology Sender' });
    expect(resolveFieldRs(m, sender, 'manifest_hash').ok).toBe(false);
    expect(resolveFieldPhp(m, 'sender.id')).toBe(null);
    expect(resolveFieldPhp(m, 'manifest_hash')).toBe(null);
    expect(resolveFieldPhp(m, 'manifest.sender.id')).toBe('org:sender');
    expect(resolveFieldPhp(m, 'manifest.receiver.0.name')).toBe('Clinic');
  });
  it('jmix-js manifest names resolve through the aliases', () => {
    const js = { envelope_id: 'E1', created_at: '2026-11-23T02:52:11.030Z', receivers: [{ id: 'r0', name: 'R' }], sender: { id: 's' } };
    expect(resolveFieldRs(js, {}, 'manifest.id')).toEqual({ ok: true, value: 'E1' });
    expect(resolveFieldRs(js, {}, 'timestamp')).toEqual({ ok: true, value: '2026-11-23T02:52:11.030Z' });
    expect(resolveFieldRs(js, {}, 'receiver.0.id')).toEqual({ ok: true, value: 'r0' });
  });
  it('sorts keys byte-wise and escapes as serde_json / PHP json_encode do', () => {
    const values = { 'sender.name': 'Genève/\u2028', 'manifest.id': 'x', 'sender.contact': { value: 'v', system: 'email' }, Z: null };
    expect(canonicalRs(values)).toBe('{"Z":null,"manifest.id":"x","sender.contact":{"system":"email","value":"v"},"sender.name":"Genève/\u2028"}');
    expect(canonicalRs(values, 'as-written')).toContain('{"value":"v","system":"email"}');
    expect(canonicalPhp(values)).toBe('{"Z":null,"manifest.id":"x","sender.contact":{"value":"v","system":"email"},"sender.name":"Genève/\\u2028"}');
    // Byte order, not UTF-16 order: U+FF5E (3 UTF-8 bytes) sorts before U+1F600 (4 bytes).
    expect(canonicalRs({ '\u{1F600}': 1, '\uFF5E': 2 })).toBe('{"\uFF5E":2,"\u{1F600}":1}');
  });
});

describe('entity assertions', () => {
  function signedManifest(style: 'rs' | 'php', opts: { expiresAt?: string } = {}) {
    const m = rsManifest();
    for (const [role, index, n] of [['sender', 0, 11], ['requester', 0, 12], ['receiver', 0, 13]] as const) {
      const a = signAssertion({ manifest: m, role, index, seed32: seed(n), style, ...opts });
      const entity = role === 'receiver' ? (m['receiver'] as Record<string, unknown>[])[0]! : (m[role] as Record<string, unknown>);
      entity['assertion'] = a;
    }
    return m;
  }
  const entity = (m: Record<string, unknown>, role: 'sender' | 'requester' | 'receiver') =>
    (role === 'receiver' ? (m['receiver'] as Record<string, unknown>[])[0] : m[role]) as Record<string, unknown>;

  it('rs round trip passes for every role, and is written as jmix-rs writes it', async () => {
    const m = signedManifest('rs');
    const a = entity(m, 'sender')['assertion'] as Record<string, unknown>;
    expect(a['key_reference']).toBe(null);
    expect((a['signing_key'] as Record<string, string>)['fingerprint']).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(a['signed_fields']).toEqual(['sender.id', 'sender.name', 'manifest.id', 'timestamp']);
    for (const role of ['sender', 'requester', 'receiver'] as const) {
      const r = await verifyAssertion({ manifest: m, role, index: 0, entity: entity(m, role), now: NOW });
      expect(r.status, r.detail).toBe('pass');
      expect(r.data['style']).toBe('rs');
    }
  });

  it('editing a signed field fails; editing an unsigned one does not', async () => {
    const m = signedManifest('rs');
    (m['sender'] as Record<string, unknown>)['contact'] = 'changed@example.org'; // not in rs default fields
    expect((await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW })).status).toBe('pass');
    (m['sender'] as Record<string, unknown>)['name'] = 'Mallory';
    const r = await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW });
    expect(r.status).toBe('fail');
    expect(r.title).toBe('Sender assertion: signature does not verify');
    expect(r.detail).toContain('"sender.name":"Mallory"');
    const m2 = signedManifest('rs');
    m2['timestamp'] = '2025-10-19T00:00:00Z';
    expect((await verifyAssertion({ manifest: m2, role: 'receiver', index: 0, entity: entity(m2, 'receiver'), now: NOW })).status).toBe('fail');
  });

  it('php style verifies only through the wrapper-path fallback, with the "binds no manifest values" warning', async () => {
    const m = signedManifest('php');
    const a = entity(m, 'sender')['assertion'] as Record<string, unknown>;
    expect('key_reference' in a).toBe(false);
    expect((a['signing_key'] as Record<string, string>)['fingerprint']).toMatch(/^SHA256:[0-9A-F]{64}$/);
    const r = await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW });
    expect(r.status).toBe('warn');
    expect(r.title).toMatch(/signature valid but binds no manifest values \(jmix-php path bug\)/);
    expect(r.data['style']).toBe('php');
    // Changing the "signed" values does not break a php signature: that is the bug, reported as a warning.
    (m['sender'] as Record<string, unknown>)['name'] = 'Mallory';
    expect((await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW })).status).toBe('warn');
  });

  it('expiry is a dated warning, distinct from a bad signature', async () => {
    const m = signedManifest('rs', { expiresAt: '2025-12-31T00:00:00Z' });
    const r = await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW });
    expect(r.status).toBe('warn');
    expect(r.title).toMatch(/signature valid; expired on 2025-12-31T00:00:00Z/);
    expect(r.data['expired']).toBe(true);
    const before = await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: new Date('2025-06-01T00:00:00Z') });
    expect(before.status).toBe('pass');
  });

  it('fingerprints compare case-insensitively; a different fingerprint fails', async () => {
    const m = signedManifest('rs');
    const sk = (entity(m, 'sender')['assertion'] as Record<string, Record<string, string>>)['signing_key']!;
    sk['fingerprint'] = 'SHA256:' + sk['fingerprint']!.slice('SHA256:'.length).toUpperCase();
    expect((await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW })).status).toBe('pass');
    sk['fingerprint'] = fingerprint(ed25519PublicKey(seed(99)));
    const r = await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW });
    expect(r.status).toBe('fail');
    expect(r.title).toMatch(/fingerprint does not match/);
  });

  it('absent assertion, attestation, missing key and bad encodings', async () => {
    const m = rsManifest();
    expect((await verifyAssertion({ manifest: m, role: 'sender', entity: entity(m, 'sender'), now: NOW })).status).toBe('not-present');
    const s = signedManifest('rs');
    const a = entity(s, 'sender')['assertion'] as Record<string, unknown>;
    a['directory_attestation'] = { provider: 'x', attestation_signature: 'y' };
    const att = await verifyAssertion({ manifest: s, role: 'sender', entity: entity(s, 'sender'), now: NOW });
    expect(att.status).toBe('pass');
    expect(att.detail).toMatch(/directory attestation cannot be verified offline/);
    expect(att.data['directoryAttestation']).toBe('unverifiable');
    const noKey = { ...a, signing_key: undefined, key_reference: 'aurabox://org/x#key' };
    const nk = await verifyAssertion({ manifest: s, role: 'sender', entity: { ...entity(s, 'sender'), assertion: noKey }, now: NOW });
    expect(nk.status).toBe('unverifiable');
    expect(nk.detail).toContain('aurabox://org/x#key');
    const shortSig = { ...a, signature: bytesToBase64(new Uint8Array(63)) };
    const ss = await verifyAssertion({ manifest: s, role: 'sender', entity: { ...entity(s, 'sender'), assertion: shortSig }, now: NOW });
    expect(ss.status).toBe('fail');
    expect(ss.detail).toMatch(/63 bytes.*64 bytes/);
  });
});

describeWithShared(['jmix', 'vectors', 'jmix-php'], 'real jmix-php signed/ and full/ vectors', () => {
  const v = (p: string) => sharedPath('jmix', 'vectors', 'jmix-php', p);
  const expected = JSON.parse(readFileSync(v('expected.json'), 'utf8'));
  const keys = JSON.parse(readFileSync(v('keys.json'), 'utf8'));
  const pubOf = (role: string) => base64ToBytes(keys.ed25519[role].public_key);

  describe.each(['signed', 'full'])('%s', (name) => {
    const env = expected.envelopes[name];
    const manifestBytes = new Uint8Array(readFileSync(v(`${env.dir}/manifest.json`)));
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes));
    const jwsText = readFileSync(v(`${env.dir}/manifest.jws`), 'utf8');

    it('manifest.jws verifies with the sender key and is reported as a php-style snapshot (warn)', async () => {
      expect(parseCompactJws(jwsText).header).toEqual(JSON.parse(env.manifest_jws.protected_header_exact));
      const r = await verifyManifestJws({
        jwsText,
        manifestBytes,
        candidateKeys: [
          { label: 'requester key', publicKey: pubOf('requester') },
          { label: 'sender key (keys.json)', publicKey: pubOf('sender') },
        ],
      });
      expect(r.status).toBe('warn');
      expect(r.title).toMatch(/pre-finalisation snapshot/);
      expect(r.data['verifiedBy']).toEqual({ label: 'sender key (keys.json)', fingerprint: fingerprint(pubOf('sender')), publicKey: bytesToBase64(pubOf('sender')), trusted: false });
      // php signs the snapshot before payload_hash was set: the signature never covers the payload.
      expect(r.data['coversPayloadHash']).toBe(false);
      expect([...(r.data['differingPointers'] as string[])].sort()).toEqual(
        env.manifest_jws.payload_differs_from_manifest_only_in.map((f: string) => '/' + f.replace('.', '/')).sort(),
      );
    });

    it('manifest.jws: requester key alone or no key is unverifiable, the assertion keys find the sender', async () => {
      expect((await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: [{ label: 'r', publicKey: pubOf('requester') }] })).status).toBe('unverifiable');
      expect((await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: [] })).status).toBe('unverifiable');
      const fromManifest = [
        { label: 'requester assertion key', publicKey: base64ToBytes(manifest.requester.assertion.signing_key.public_key) },
        { label: 'sender assertion key', publicKey: base64ToBytes(manifest.sender.assertion.signing_key.public_key) },
      ];
      const r = await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: fromManifest });
      expect((r.data['verifiedBy'] as { label: string }).label).toBe('sender assertion key');
    });

    it.each([
      ['sender', undefined, 'sender'],
      ['requester', undefined, 'requester'],
      ['receiver', 0, 'receiver.0'],
    ] as const)('%s assertion verifies only via the php fallback and binds no manifest values', async (role, index, key) => {
      const facts = env.assertions[key];
      const ent = role === 'receiver' ? manifest.receiver[0] : manifest[role];
      const r = await verifyAssertion({ manifest, role, index, entity: ent, now: new Date('2026-11-24T00:00:00Z') });
      expect(r.status).toBe('warn');
      expect(r.title).toMatch(/signature valid but binds no manifest values \(jmix-php path bug\)/);
      expect(r.data['style']).toBe('php');
      expect(r.data['phpMessage']).toBe(facts.signed_message_exact);
      expect(r.data['fingerprintMatches']).toBe(true);
      expect(ent.assertion.signing_key.fingerprint).toBe(facts.fingerprint);
      expect(r.data['fingerprint']).toBe(facts.fingerprint.toLowerCase().replace('sha256:', 'SHA256:'));
      expect(r.data['expired']).toBe(false);
      // After the 2027-11-23 expiry the same signature is still valid, and the report adds the date.
      const later = await verifyAssertion({ manifest, role, index, entity: ent, now: new Date('2028-01-01T00:00:00Z') });
      expect(later.status).toBe('warn');
      if (ent.assertion.expires_at) expect(later.title).toContain(`expired on ${ent.assertion.expires_at}`);
    });
  });
});
