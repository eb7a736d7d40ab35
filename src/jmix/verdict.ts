// From checks to one verdict and one sentence a patient understands. The rules are deliberately
// strict: any failed check fails the envelope, and "pass" needs a verified payload hash AND a
// signature over the manifest holding that hash by a key the user trusts (the origin check), with
// every payload file covered. A hash alone proves completeness, an embedded key only intactness.
import type { Check, Coverage, Dialect, Problem, Verdict, VerificationReport } from './types.ts';

export interface ReportInput {
  dialect: Dialect;
  evidence: string[];
  encrypted: boolean;
  envelopeId: string | null;
  checks: Check[];
  coverage: Coverage;
  problems: Problem[];
  now: Date;
}

export function decideVerdict(checks: readonly Check[], coverage?: Coverage): { verdict: Verdict; headline: string } {
  const byId = (id: string) => checks.find((c) => c.id === id);
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) {
    if (byId('decrypt')?.status === 'fail') return { verdict: 'fail', headline: 'Could not be decrypted: wrong key or damaged file' };
    return { verdict: 'fail', headline: 'Damaged or altered: do not rely on it' };
  }
  const decrypt = byId('decrypt');
  if (decrypt?.status === 'unverifiable') return { verdict: 'warn', headline: 'Encrypted: enter the recipient key to open and check it' };
  const hashOk = byId('payload-hash')?.status === 'pass';
  const origin = byId('origin');
  // Only the origin check speaks for who sealed it: entity assertions sign their own fields, not the payload.
  const trustedSeal = origin?.status === 'pass';
  const uncovered = coverage?.uncoveredFiles.length ?? 0;
  // Schema differences are about key names, not trust: shown, but they do not lower the verdict.
  const warned = checks.filter((c) => c.id !== 'schema' && (c.status === 'warn' || c.status === 'unverifiable'));
  if (hashOk && trustedSeal && !warned.length && !uncovered) return { verdict: 'pass', headline: 'Genuine and complete' };
  const kind = (origin?.data as { kind?: string } | undefined)?.kind;
  if (kind === 'key-mismatch')
    return { verdict: 'warn', headline: `Warning: ${origin!.title.charAt(0).toLowerCase()}${origin!.title.slice(1)}` };
  if (kind === 'untrusted-key')
    return {
      verdict: 'warn',
      headline: hashOk ? origin!.title : 'Signed by a key you have not marked as trusted; the contents could not be checked against a hash',
    };
  if (kind === 'unknown-key')
    return {
      verdict: 'warn',
      headline: hashOk
        ? "Intact, but signed by a key you have not given: paste the sender's public key"
        : 'Signed by a key you have not given, and the contents could not be checked against a hash',
    };
  if (kind === 'hash-not-signed')
    return { verdict: 'warn', headline: 'Signed by a key you trust, but the signature does not cover the contents' };
  if (!trustedSeal) {
    return {
      verdict: 'warn',
      headline: hashOk ? 'Complete, but the sender could not be verified' : 'Could not verify the sender or the contents',
    };
  }
  if (!hashOk) return { verdict: 'warn', headline: 'Signed, but the contents could not be checked against a hash' };
  if (uncovered && !warned.length) return { verdict: 'warn', headline: `${uncovered} file(s) are not covered by any check` };
  return { verdict: 'warn', headline: `Opened with warnings: ${warned[0]!.title.toLowerCase()}` };
}

export function buildReport(input: ReportInput): VerificationReport {
  const order = ['structure', 'decrypt', 'payload-hash', 'files-json', 'manifest-jws', 'origin'];
  const rank = (id: string) => {
    const i = order.indexOf(id);
    if (i >= 0) return i;
    if (id.startsWith('assertion:')) return order.length;
    return order.length + (id === 'audit' ? 1 : id === 'schema' ? 2 : 3);
  };
  const checks = [...input.checks].sort((a, b) => rank(a.id) - rank(b.id));
  const { verdict, headline } = decideVerdict(checks, input.coverage);
  return {
    verdict,
    headline,
    dialect: input.dialect,
    dialectEvidence: input.evidence,
    encrypted: input.encrypted,
    envelopeId: input.envelopeId,
    checks,
    coverage: input.coverage,
    problems: input.problems,
    generatedAt: input.now.toISOString(),
  };
}
