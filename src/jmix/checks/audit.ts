// The audit check: the trail as listed, and any signed entries. audit.json is covered by no hash and
// no signature, so what it says is reported, never relied on.
import { verifyAssertion } from '../crypto/assertions.ts';
import type { JsonObject } from '../json.ts';
import type { AuditEntry, Check } from '../types.ts';

export async function auditCheck(
  present: boolean,
  audit: AuditEntry[],
  damage: readonly string[],
  manifestRaw: JsonObject,
  now: Date,
): Promise<Check> {
  const checked = await auditTrailCheck(present, audit, manifestRaw, now);
  // An unreadable or partly skipped audit.json is not "absent", and its trail is not complete.
  if (damage.length && (checked.status === 'pass' || checked.status === 'not-present')) {
    return {
      ...checked,
      status: 'warn',
      title: 'audit.json is damaged: the audit trail is incomplete',
      detail: `${damage.join(' ')} ${checked.detail}`,
    };
  }
  return checked;
}

async function auditTrailCheck(present: boolean, audit: AuditEntry[], manifestRaw: JsonObject, now: Date): Promise<Check> {
  if (!present) return { id: 'audit', status: 'not-present', title: 'No audit trail', detail: 'The envelope has no audit.json.' };
  const signed = audit.filter((a) => a.assertion);
  const lines = audit.map(
    (a) =>
      `${a.timestamp ?? '(no time)'} ${a.event}${a.by?.name || a.by?.id ? ` by ${a.by.name ?? a.by.id}` : ''}${a.to?.name || a.to?.id ? ` to ${a.to.name ?? a.to.id}` : ''}`,
  );
  if (!signed.length)
    return {
      id: 'audit',
      status: 'pass',
      title: `Audit trail: ${audit.length} event(s), none signed`,
      detail: lines.join('; ') || 'The audit trail is empty.',
    };
  const results: string[] = [];
  let failed = 0;
  let ok = 0;
  for (const [i, a] of audit.entries()) {
    if (!a.assertion) continue;
    // No producer signs audit entries yet; verify as a manifest assertion over the entry's context.
    const r = await verifyAssertion({
      manifest: { ...manifestRaw, ...a.raw },
      role: 'sender',
      entity: { ...a.raw, assertion: a.raw.assertion },
      now,
    });
    if (r.status === 'fail') failed++;
    else if (r.status === 'pass' || r.status === 'warn') ok++;
    results.push(`entry ${i + 1} (${a.event}): ${r.title}`);
  }
  return {
    id: 'audit',
    status: failed ? 'unverifiable' : ok === signed.length ? 'pass' : 'warn',
    title: failed
      ? `${failed} signed audit entr${failed === 1 ? 'y' : 'ies'} could not be verified`
      : `Audit trail: ${audit.length} event(s), ${ok} signature(s) verified`,
    detail: `${lines.join('; ')}. ${results.join('; ')}.${failed ? ' The spec does not fix what an audit signature covers, so an unmatched signature cannot be told apart from a different canonical form.' : ''}`,
  };
}
