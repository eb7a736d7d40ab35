// Who sealed the envelope. Two checks, kept apart on purpose:
// - manifest-jws: is manifest.jws a signature over this manifest, and by which key we hold;
// - origin: is that key one the user trusts, and does the signature cover the payload hash.
// A key carried inside the envelope proves only that the manifest is intact: anyone can make a key
// and re-sign a copy. "Genuine" needs a key the user gave us (pasted, a file, or remembered).
import { base64ToBytes } from '../crypto/bytes.ts';
import { fingerprint } from '../crypto/ed25519.ts';
import { verifyManifestJws } from '../crypto/jws.ts';
import { isObject, type JsonObject } from '../json.ts';
import type { Check, TrustedKey } from '../types.ts';

export interface SignatureTrust {
  /** Keys the user gave for this session (pasted, key file, --trust): trusted for any sender. */
  trustedPublicKeys: readonly string[];
  /** Keys remembered with "Trust this sender": trusted for that sender id only. */
  rememberedSenders: readonly TrustedKey[];
}

/** What manifest-jws found, as the origin check needs it. */
interface JwsFacts {
  verifiedBy: { label: string; fingerprint: string; publicKey: string; trusted: boolean } | null;
  coversPayloadHash: boolean;
  style: string;
}

function decodeKey(text: string): Uint8Array | null {
  try {
    const key = base64ToBytes(text.trim(), { alphabet: 'either' });
    return key.length === 32 ? key : null;
  } catch {
    return null;
  }
}

export function receiverList(m: JsonObject): unknown[] {
  const r = m.receiver ?? m.receivers;
  return Array.isArray(r) ? r : [];
}

export function senderIdOf(manifestRaw: JsonObject): string | null {
  const s = manifestRaw.sender;
  return isObject(s) && typeof s.id === 'string' && s.id.trim() ? s.id : null;
}

/** The keys remembered for the sender this manifest names (exact id match). */
function rememberedFor(trust: SignatureTrust, senderId: string | null): TrustedKey[] {
  return senderId === null ? [] : trust.rememberedSenders.filter((k) => k.senderId === senderId && decodeKey(k.publicKey));
}

export async function manifestJwsCheck(
  name: string | null,
  text: string | null,
  manifestBytes: Uint8Array,
  manifestRaw: JsonObject,
  trust: SignatureTrust,
): Promise<Check> {
  if (!name || text === null)
    return {
      id: 'manifest-jws',
      status: 'not-present',
      title: 'No manifest signature',
      detail: 'The envelope has no manifest.jws, so the manifest is not signed as a whole.',
    };
  const candidateKeys: { label: string; publicKey: Uint8Array; trusted: boolean }[] = [];
  trust.trustedPublicKeys.forEach((k, i) => {
    const key = decodeKey(k);
    if (key) candidateKeys.push({ label: `your trusted key #${i + 1}`, publicKey: key, trusted: true });
  });
  const senderId = senderIdOf(manifestRaw);
  for (const k of rememberedFor(trust, senderId))
    candidateKeys.push({
      label: `the key you trusted for ${k.senderName ?? k.senderId}`,
      publicKey: decodeKey(k.publicKey)!,
      trusted: true,
    });
  const roles: [string, unknown][] = [
    ['sender', manifestRaw.sender],
    ['requester', manifestRaw.requester],
    ...receiverList(manifestRaw).map((r, i) => [`receiver #${i + 1}`, r] as [string, unknown]),
  ];
  for (const [label, ent] of roles) {
    const pk =
      isObject(ent) && isObject(ent.assertion) && isObject(ent.assertion.signing_key) ? ent.assertion.signing_key.public_key : null;
    const key = typeof pk === 'string' ? decodeKey(pk) : null;
    // A malformed key is reported by the assertion check.
    if (key) candidateKeys.push({ label: `the ${label} assertion key (carried in the envelope)`, publicKey: key, trusted: false });
  }
  return { id: 'manifest-jws', ...(await verifyManifestJws({ jwsText: text, manifestBytes, candidateKeys })) };
}

const short = (fp: string) => (fp.length > 23 ? `${fp.slice(0, 23)}…` : fp);

/**
 * The origin check: pass only when manifest.jws verifies under a key the user trusts AND signs the
 * final manifest (so it covers security.payload_hash). The verdict also needs that hash to match.
 */
export function originCheck(jws: Check, manifestRaw: JsonObject, trust: SignatureTrust): Check {
  const id = 'origin' as const;
  const senderId = senderIdOf(manifestRaw);
  const sender =
    isObject(manifestRaw.sender) && typeof manifestRaw.sender.name === 'string' ? manifestRaw.sender.name : (senderId ?? 'the sender');
  const remembered = rememberedFor(trust, senderId);
  const rememberedFps = remembered.map((k) => fingerprint(decodeKey(k.publicKey)!));
  const rememberedText = rememberedFps.join(', ');
  const facts = (jws.data ?? {}) as Partial<JwsFacts>;
  const by = jws.status === 'pass' || jws.status === 'warn' ? (facts.verifiedBy ?? null) : null;
  const data = {
    senderId,
    signedBy: by,
    remembered: rememberedFps,
    trusted: false,
    coversPayloadHash: facts.coversPayloadHash === true,
    kind: '',
  };

  if (!by) {
    if (remembered.length) {
      return {
        id,
        status: 'warn',
        title: `Not signed by the key you trusted for ${sender}`,
        detail: `You marked ${sender} (${senderId}) as trusted with key ${rememberedText}. This envelope ${jws.status === 'not-present' ? 'is not signed at all' : 'carries no signature that key verifies'}. It may not come from ${sender}: ask them before relying on it.`,
        data: { ...data, kind: 'key-mismatch' },
      };
    }
    if (jws.status === 'unverifiable') {
      return {
        id,
        status: 'unverifiable',
        title: "Signed, but by a key you have not given: paste the sender's public key",
        detail: `manifest.jws covers this manifest, but none of the keys we have made it. If ${sender} gave you their Ed25519 public key by another route (email, phone, their website), paste it under "Sender's public key you trust" to check who signed.`,
        data: { ...data, kind: 'unknown-key' },
      };
    }
    return {
      id,
      status: jws.status === 'fail' ? 'unverifiable' : 'not-present',
      title:
        jws.status === 'fail'
          ? 'Who sealed it cannot be established: the signature is broken'
          : 'Not signed: who made this envelope cannot be proven',
      detail:
        jws.status === 'fail'
          ? 'manifest.jws does not match this manifest (see that check), so it says nothing about who made the envelope.'
          : `The envelope has no manifest.jws. Names in the manifest (${sender}) are as claimed, not proven. Entity assertions, where present, sign only the entity's own fields, never the payload.`,
      data: { ...data, kind: jws.status === 'fail' ? 'broken' : 'unsigned' },
    };
  }

  const signedByRemembered = rememberedFps.includes(by.fingerprint);
  if (remembered.length && !signedByRemembered && !by.trusted) {
    return {
      id,
      status: 'warn',
      title: `Signed by a different key than the one you trusted for ${sender}`,
      detail: `You marked ${sender} (${senderId}) as trusted with key ${rememberedText}. This envelope is signed by ${by.fingerprint} (${by.label}). Anyone can make a key and name themselves ${sender}: ask ${sender} whether they changed keys before relying on it.`,
      data: { ...data, kind: 'key-mismatch' },
    };
  }
  if (!by.trusted) {
    return {
      id,
      status: 'warn',
      title: `Intact, signed by key ${short(by.fingerprint)} that you have not marked as trusted`,
      detail: `manifest.jws verifies with ${by.label}, fingerprint ${by.fingerprint}. A key carried in the envelope proves the manifest was not changed after signing, not who signed it: anyone can re-sign a copy with a key of their own. Compare the fingerprint with the one ${sender} gave you, then choose "Trust this sender", or paste their public key.`,
      data: { ...data, kind: 'untrusted-key' },
    };
  }
  if (!data.coversPayloadHash) {
    return {
      id,
      status: 'warn',
      title: 'Signed by a key you trust, but the signature does not cover the payload hash',
      detail: `manifest.jws verifies with ${by.label} (${by.fingerprint}), but it signs a snapshot of the manifest taken before security.payload_hash was filled in (${facts.style} style, as jmix-php writes it). The payload could be swapped, with a new hash, without breaking the signature.`,
      data: { ...data, trusted: true, kind: 'hash-not-signed' },
    };
  }
  return {
    id,
    status: 'pass',
    title: `Sealed by a key you trust (${short(by.fingerprint)})`,
    detail: `manifest.jws verifies with ${by.label}, fingerprint ${by.fingerprint}, and signs this exact manifest, including security.payload_hash.`,
    data: { ...data, trusted: true, kind: 'trusted' },
  };
}

/** An entity assertion signs its own fields only: say what it binds, and that it is no proof of the payload. */
export function describeAssertion(check: Check): Check {
  if (check.status !== 'pass' && check.status !== 'warn') return check;
  return {
    ...check,
    detail: `${check.detail} An assertion binds only these fields, not the payload: it is not proof of who made this envelope.`,
  };
}
