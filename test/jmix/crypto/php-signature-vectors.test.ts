// The real jmix-php signed/ and full/ vectors: manifest.jws and entity assertions (skipped without
// ../shared).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../src/jmix/crypto/bytes.ts';
import { fingerprint } from '../../../src/jmix/crypto/ed25519.ts';
import { parseCompactJws, verifyManifestJws } from '../../../src/jmix/crypto/jws.ts';
import { verifyAssertion } from '../../../src/jmix/crypto/assertions.ts';
import { sharedPath, describeWithShared } from '../../shared.ts';

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
      expect(r.data['verifiedBy']).toEqual({
        label: 'sender key (keys.json)',
        fingerprint: fingerprint(pubOf('sender')),
        publicKey: bytesToBase64(pubOf('sender')),
        trusted: false,
      });
      // php signs the snapshot before payload_hash was set: the signature never covers the payload.
      expect(r.data['coversPayloadHash']).toBe(false);
      expect([...(r.data['differingPointers'] as string[])].sort()).toEqual(
        env.manifest_jws.payload_differs_from_manifest_only_in.map((f: string) => '/' + f.replace('.', '/')).sort(),
      );
    });

    it('manifest.jws: requester key alone or no key is unverifiable, the assertion keys find the sender', async () => {
      expect(
        (await verifyManifestJws({ jwsText, manifestBytes, candidateKeys: [{ label: 'r', publicKey: pubOf('requester') }] })).status,
      ).toBe('unverifiable');
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
