// manifest.jws: the compact JWS over the manifest, rs (exact bytes) and php (pre-finalisation
// snapshot) styles, tampering, unverifiable and malformed signatures.
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, bytesToBase64Url, utf8Encode } from '../../../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey, fingerprint } from '../../../src/jmix/crypto/ed25519.ts';
import { parseCompactJws, signManifestJws, verifyManifestJws } from '../../../src/jmix/crypto/jws.ts';
import { seed, rsManifest } from '../../helpers/signing.ts';

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
    expect(r.data['verifiedBy']).toEqual({
      label: 'user key',
      fingerprint: fingerprint(signer.publicKey),
      publicKey: bytesToBase64(signer.publicKey),
      trusted: false,
    });
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
    expect([...(r.data['differingPointers'] as string[])].sort()).toEqual([
      '/security/encryption',
      '/security/jws',
      '/security/payload_hash',
    ]);
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
    expect(() => parseCompactJws(`${h}.ab+c.${s}`)).toThrow(
      /JWS payload \(part 2 of 3\) is not valid base64url: unexpected character '\+' at position 3/,
    );
    const bad = await verifyManifestJws({ jwsText: `${h}.ab+c.${s}`, manifestBytes, candidateKeys: [signer] });
    expect(bad.status).toBe('fail');
    expect(bad.title).toMatch(/malformed \(payload\)/);
  });
});
