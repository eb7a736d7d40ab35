// People and organisations in the manifest and metadata: entities with their assertions, patients,
// names, identifiers, contact points and consent.
import { isAustralianIhi } from '../common/identifiers.ts';
import { describe, entryProblems, obj, str, strArray, type Sink } from './normalise-fields.ts';
import type { Assertion, Consent, ContactPoint, Entity, Identifier, Patient, PersonName } from './types.ts';

export function identifierLabel(system: string | null, value: string): string | null {
  const sys = (system ?? '').toLowerCase();
  if (isAustralianIhi(system, value)) return 'Australian IHI';
  if (/\bmedicare\b/.test(sys)) return 'Medicare number';
  if (/\bmrn\b|medical record/.test(sys)) return 'Medical record number';
  return null;
}

export function normaliseAssertion(v: unknown, file: string, at: string, sink: Sink): Assertion | null {
  const a = obj(v);
  if (!a) return null;
  const sk = obj(a.signing_key);
  if (!sk)
    sink.push({
      severity: 'warning',
      file,
      pointer: at + '/signing_key',
      message: 'The assertion has no signing_key, so its signature cannot be checked.',
    });
  return {
    signingKey: sk ? { alg: str(sk.alg) ?? '', publicKey: str(sk.public_key) ?? '', fingerprint: str(sk.fingerprint) ?? '' } : null,
    keyReference: str(a.key_reference),
    signedFields: strArray(a.signed_fields),
    signature: str(a.signature) ?? '',
    expiresAt: str(a.expires_at),
    directoryAttestation: obj(a.directory_attestation),
  };
}

export function normaliseContact(v: unknown): string | ContactPoint | null {
  if (typeof v === 'string') return v;
  const o = obj(v);
  if (o) return { system: str(o.system) ?? '', value: str(o.value) ?? '' };
  return null;
}

export function normaliseEntity(v: unknown, file: string, at: string, sink: Sink): Entity | null {
  if (v === undefined || v === null) return null;
  const e = obj(v);
  if (!e) {
    sink.push({ severity: 'warning', file, pointer: at, message: `Expected an object (name, id, contact) but found ${describe(v)}.` });
    return null;
  }
  return {
    name: str(e.name),
    id: str(e.id),
    contact: normaliseContact(e.contact),
    assertion: e.assertion === undefined || e.assertion === null ? null : normaliseAssertion(e.assertion, file, at + '/assertion', sink),
  };
}

export function normaliseName(v: unknown): PersonName | null {
  if (typeof v === 'string') return { text: v, family: null, given: [], prefix: null, suffix: null };
  const n = obj(v);
  if (!n) return null;
  const given = Array.isArray(n.given) ? strArray(n.given) : str(n.given) ? [str(n.given)!] : [];
  const family = str(n.family);
  const text = str(n.text) ?? ([...given, family].filter(Boolean).join(' ') || null);
  return { text, family, given, prefix: str(n.prefix), suffix: str(n.suffix) };
}

export function normalisePatient(v: unknown, file: string, at: string, sink: Sink): Patient | null {
  const p = obj(v);
  if (!p) {
    if (v !== undefined && v !== null)
      sink.push({ severity: 'warning', file, pointer: at, message: `Expected the patient as an object but found ${describe(v)}.` });
    return null;
  }
  const identifiers: Identifier[] = [];
  if (Array.isArray(p.identifiers)) {
    const skipped = entryProblems(sink, file, `${at}/identifiers`);
    p.identifiers.forEach((idv, i) => {
      const o = obj(idv);
      const value = o ? str(o.value) : str(idv);
      if (!value) {
        skipped.add(`${at}/identifiers/${i}`, 'An identifier without a value was ignored.');
        return;
      }
      const system = o ? (str(o.system) ?? str(o.use_field)) : null;
      identifiers.push({ system, value, label: identifierLabel(system, value) });
    });
    skipped.close('identifiers without a value were ignored');
  }
  return {
    id: str(p.id),
    name: normaliseName(p.name),
    dob: str(p.dob) ?? str(p.birth_date),
    sex: str(p.sex),
    identifiers,
    source: file,
  };
}

export function normaliseConsent(v: unknown): Consent | null {
  const c = obj(v);
  if (!c) return null;
  return {
    status: str(c.status),
    scope: Array.isArray(c.scope) ? strArray(c.scope) : str(c.scope) ? [str(c.scope)!] : [],
    method: str(c.method),
    signedOn: str(c.signed_on),
  };
}
