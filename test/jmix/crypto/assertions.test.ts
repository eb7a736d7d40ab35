// Entity assertions: field resolution and canonicalisation (rs and php), signing, and verification
// with its warnings.
import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint } from '../../../src/jmix/crypto/ed25519.ts';
import { verifyAssertion } from '../../../src/jmix/crypto/assertions.ts';
import { canonicalPhp, canonicalRs, resolveFieldPhp, resolveFieldRs } from '../../../src/jmix/crypto/assertion-canonical.ts';
import { signAssertion } from '../../../src/jmix/crypto/assertion-sign.ts';
import { seed, NOW, rsManifest } from '../../helpers/signing.ts';

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
    expect(canonicalRs(values)).toBe(
      '{"Z":null,"manifest.id":"x","sender.contact":{"system":"email","value":"v"},"sender.name":"Genève/\u2028"}',
    );
    expect(canonicalRs(values, 'as-written')).toContain('{"value":"v","system":"email"}');
    expect(canonicalPhp(values)).toBe(
      '{"Z":null,"manifest.id":"x","sender.contact":{"value":"v","system":"email"},"sender.name":"Genève/\\u2028"}',
    );
    // Byte order, not UTF-16 order: U+FF5E (3 UTF-8 bytes) sorts before U+1F600 (4 bytes).
    expect(canonicalRs({ '\u{1F600}': 1, '\uFF5E': 2 })).toBe('{"\uFF5E":2,"\u{1F600}":1}');
  });
});

describe('entity assertions', () => {
  function signedManifest(style: 'rs' | 'php', opts: { expiresAt?: string } = {}) {
    const m = rsManifest();
    for (const [role, index, n] of [
      ['sender', 0, 11],
      ['requester', 0, 12],
      ['receiver', 0, 13],
    ] as const) {
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
    expect((await verifyAssertion({ manifest: m2, role: 'receiver', index: 0, entity: entity(m2, 'receiver'), now: NOW })).status).toBe(
      'fail',
    );
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
    const before = await verifyAssertion({
      manifest: m,
      role: 'sender',
      entity: entity(m, 'sender'),
      now: new Date('2025-06-01T00:00:00Z'),
    });
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
