// "Trust this sender": sender id -> Ed25519 public key, remembered on this device on an explicit click.
// Public keys only (nothing secret is ever stored); what is read back is checked, never trusted as is.
import type { OpenResult } from '../jmix/api.ts';
import type { TrustedKey } from '../jmix/types.ts';

const STORAGE_KEY = 'jmix-viewer.trusted-senders.v1';
const MAX_SENDERS = 500;

export interface RememberedSender extends TrustedKey {
  senderId: string;
  fingerprint: string;
  /** ISO date of the click. */
  addedAt: string;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (private mode, sandboxed frame): trust lasts for the session
  }
}

const isKey = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9+/_-]{43}=?$/.test(v);

function valid(v: unknown): v is RememberedSender {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.senderId === 'string' &&
    r.senderId.length > 0 &&
    r.senderId.length < 1024 &&
    isKey(r.publicKey) &&
    typeof r.fingerprint === 'string' &&
    typeof r.addedAt === 'string' &&
    (r.senderName === undefined || r.senderName === null || typeof r.senderName === 'string')
  );
}

export function loadTrustedSenders(): RememberedSender[] {
  try {
    const raw = storage()?.getItem(STORAGE_KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(list) ? list.filter(valid).slice(0, MAX_SENDERS) : [];
  } catch {
    return [];
  }
}

function save(list: RememberedSender[]): void {
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify(list.slice(0, MAX_SENDERS)));
  } catch {
    // Quota or disabled storage: the list still holds for this page.
  }
}

/** Remember `entry`; an earlier key for the same sender id is replaced (the user chose the new one). */
export function rememberSender(list: readonly RememberedSender[], entry: RememberedSender): RememberedSender[] {
  const next = [entry, ...list.filter((s) => s.senderId !== entry.senderId)];
  save(next);
  return next;
}

export function forgetSender(list: readonly RememberedSender[], senderId: string): RememberedSender[] {
  const next = list.filter((s) => s.senderId !== senderId);
  save(next);
  return next;
}

/**
 * The sender and key "Trust this sender" would remember: the key that verified manifest.jws over
 * this manifest, for the sender id it names. Null when there is nothing to trust or it is trusted.
 */
export function senderToTrust(result: OpenResult, remembered: readonly RememberedSender[]): RememberedSender | null {
  const origin = result.report.checks.find((c) => c.id === 'origin');
  const data = origin?.data as
    { senderId?: string | null; signedBy?: { publicKey: string; fingerprint: string } | null; kind?: string } | undefined;
  if (!data?.senderId || !data.signedBy || data.kind === 'key-mismatch') return null;
  const known = remembered.some((s) => s.senderId === data.senderId && s.publicKey === data.signedBy!.publicKey);
  if (known) return null;
  return {
    senderId: data.senderId,
    senderName: result.envelope.manifest.sender?.name ?? null,
    publicKey: data.signedBy.publicKey,
    fingerprint: data.signedBy.fingerprint,
    addedAt: new Date().toISOString(),
  };
}
