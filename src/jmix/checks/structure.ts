// The structure check: what the envelope must hold, and what the carrier reading found wrong.
import type { Check, Problem } from '../types.ts';

export interface StructureFacts {
  manifestId: string | null;
  hasAudit: boolean;
  encrypted: boolean;
  ciphertextName: string | null;
  hasEncryptionBlock: boolean;
  plainCount: number;
  ignored: string[];
  problems: Problem[];
}

export function structureCheck(s: StructureFacts): Check {
  const issues: string[] = [];
  const notes: string[] = [];
  let failed = false;
  if (!s.manifestId) issues.push('manifest.json has no envelope id (id or envelope_id).');
  if (!s.hasAudit) issues.push('audit.json is missing (the spec lists it as required; the audit trail is empty).');
  if (s.encrypted && !s.ciphertextName) {
    failed = true;
    issues.push('The manifest declares encryption but there is no payload.encrypted or payload.enc.');
  }
  if (!s.encrypted && s.plainCount === 0) {
    failed = true;
    issues.push('There is no payload/ folder and no encrypted payload: the envelope carries no data.');
  }
  if (s.ciphertextName && s.plainCount > 0)
    issues.push(
      `Both a plain payload/ folder and ${s.ciphertextName} are present; the ${s.hasEncryptionBlock ? 'encrypted one' : 'plain one'} was used.`,
    );
  // A fatal carrier problem (a second gzip member, data after the tar end blocks): the archive has
  // more than one reading, so whatever is shown may not be what was sent.
  const ambiguous = s.problems.filter((p) => p.fatal);
  if (ambiguous.length) failed = true;
  for (const p of [...ambiguous, ...s.problems.filter((p) => !p.fatal)]) if (p.severity !== 'info') issues.push(p.message);
  if (s.ignored.length)
    notes.push(`Ignored: ${s.ignored.slice(0, 10).join(', ')}${s.ignored.length > 10 ? ` and ${s.ignored.length - 10} more` : ''}.`);
  const status = failed ? 'fail' : issues.length ? 'warn' : 'pass';
  return {
    id: 'structure',
    status,
    title: ambiguous.length
      ? 'The archive can be read more than one way'
      : failed
        ? 'The envelope is incomplete'
        : issues.length
          ? 'Envelope layout has irregularities'
          : 'Envelope layout is complete',
    detail: [...issues, ...notes].join(' ') || `manifest.json, audit.json and ${s.encrypted ? s.ciphertextName : 'payload/'} are present.`,
  };
}
