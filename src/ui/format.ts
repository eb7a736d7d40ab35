// Words and numbers shown to people. Pure functions: unit-tested without a browser.
import { isAustralianIhi } from '../common/identifiers.ts';
import type { Stage } from '../jmix/api.ts';
import type { Check, CheckStatus, ContactPoint, Identifier, PersonName, VerificationReport } from '../jmix/types.ts';

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Whole percent, or null when the total is unknown. */
export function percent(done: number, total: number): number | null {
  if (!(total > 0)) return null;
  return Math.min(100, Math.floor((done / total) * 100));
}

export const STAGE_LABEL: Record<Stage | 'downloading', string> = {
  downloading: 'Downloading',
  reading: 'Reading',
  unpacking: 'Unpacking',
  decrypting: 'Decrypting',
  verifying: 'Verifying',
  indexing: 'Indexing DICOM',
};

/** "Australian IHI" for an Individual Healthcare Identifier (the core's one rule), else the model's label or the system. */
export function identifierLabel(id: Identifier): string {
  if (isAustralianIhi(id.system, id.value)) return 'Australian IHI';
  return id.label ?? id.system ?? 'Identifier';
}

export function personNameText(name: PersonName | null): string | null {
  if (!name) return null;
  if (name.text) return name.text;
  const parts = [name.prefix, ...name.given, name.family, name.suffix].filter((p): p is string => !!p);
  return parts.length ? parts.join(' ') : null;
}

export function contactText(contact: string | ContactPoint | null): string | null {
  if (!contact) return null;
  if (typeof contact === 'string') return contact;
  return contact.system ? `${contact.value} (${contact.system})` : contact.value;
}

export const STATUS_TEXT: Record<CheckStatus, string> = {
  pass: 'Passed',
  fail: 'Failed',
  warn: 'Warning',
  'not-present': 'Not present',
  unverifiable: 'Could not check',
};

export const STATUS_ICON: Record<CheckStatus, string> = {
  pass: '✓',
  fail: '✗',
  warn: '!',
  'not-present': '–',
  unverifiable: '?',
};

function isSenderCheck(c: Check): boolean {
  return c.id === 'manifest-jws' || c.id.startsWith('assertion:');
}

function isConcern(c: Check): boolean {
  return c.status === 'warn' || c.status === 'unverifiable';
}

/** The verdict in one sentence a patient understands (the core's own headline when it gives one). */
export function verdictSentence(report: VerificationReport): string {
  if (report.headline?.trim()) return report.headline;
  const decrypt = report.checks.find((c) => c.id === 'decrypt');
  if (report.verdict === 'fail') {
    if (decrypt?.status === 'fail') return 'Could not be decrypted: wrong key or damaged file';
    return 'Damaged or altered: do not rely on it';
  }
  if (report.verdict === 'pass') return 'Genuine and complete';
  if (decrypt?.status === 'unverifiable') return 'Encrypted: enter the recipient private key to open and check it';
  if (report.checks.some((c) => isSenderCheck(c) && isConcern(c))) return 'Could not verify the sender';
  const first = report.checks.find((c) => c.status === 'warn') ?? report.checks.find(isConcern);
  return first ? `Opened with a warning: ${first.title}` : 'Opened with warnings';
}

/** A short line under the verdict: what to do about it. */
export function verdictAdvice(report: VerificationReport): string {
  const decrypt = report.checks.find((c) => c.id === 'decrypt');
  if (report.verdict === 'pass') {
    // Only schema notes can sit beside a pass (key names, not trust): say so rather than "every".
    const notes = report.checks.filter((c) => c.status === 'warn').length;
    return notes
      ? `The contents and the signature check out: the files are exactly what the sender packed (${notes} note${notes === 1 ? '' : 's'} on the format below).`
      : 'Every check passed: the files are exactly what the sender packed.';
  }
  if (report.verdict === 'fail') {
    if (decrypt?.status === 'fail') return 'Try another key, or ask the sender for the envelope again.';
    return 'At least one check failed. Ask the sender for a new copy before relying on these images.';
  }
  if (decrypt?.status === 'unverifiable') return 'Only the envelope label can be read until it is decrypted.';
  const origin = report.checks.find((c) => c.id === 'origin')?.data as { kind?: string } | undefined;
  if (origin?.kind === 'key-mismatch')
    return 'This may not come from the sender it names. Ask them, by phone or another route you trust, before relying on it.';
  if (origin?.kind === 'untrusted-key')
    return 'If the fingerprint matches the one the sender gave you, choose "Trust this sender". Until then, who made it is not proven.';
  if (origin?.kind === 'unknown-key')
    return 'Ask the sender for their public signing key and paste it under Trust checks to confirm who made it.';
  return 'Nothing failed, but not everything could be confirmed. See the checks below.';
}
