// "Trust this sender": sender id -> Ed25519 public key, remembered on this device on an explicit click.
// Public keys only (nothing secret is ever stored); what is read back is checked, never trusted as is.
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
