// From checks to one verdict and one sentence a patient understands. The rules are deliberately
// strict: any failed check fails the envelope, and "pass" needs a verified payload hash AND a
// verified signature — a hash alone proves completeness, not who made the envelope.
import type { Check, Dialect, Problem, Verdict, VerificationReport } from './types.ts';

export interface ReportInput {
  dialect: Dialect;
  evidence: string[];
  encrypted: boolean;
  envelopeId: string | null;
  checks: Check[];
  problems: Problem[];
  now: Date;
}

export function decideVerdict(checks: readonly Check[]): { verdict: Verdict; headline: string } {
  const byId = (id: string) => checks.find((c) => c.id === id);
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) {
    if (byId('decrypt')?.status === 'fail') return { verdict: 'fail', headline: 'Could not be decrypted: wrong key or damaged file' };
    return { verdict: 'fail', headline: 'Damaged or altered: do not rely on it' };
  }
  const decrypt = byId('decrypt');
  if (decrypt?.status === 'unverifiable') return { verdict: 'warn', headline: 'Encrypted: enter the recipient key to open and check it' };
  const hashOk = byId('payload-hash')?.status === 'pass';
  const signed = checks.some((c) => (c.id === 'manifest-jws' || c.id === 'assertion:sender') && c.status === 'pass');
  // Schema differences are about key names, not trust: shown, but they do not lower the verdict.
  const warned = checks.filter((c) => c.id !== 'schema' && (c.status === 'warn' || c.status === 'unverifiable'));
  if (hashOk && signed && !warned.length) return { verdict: 'pass', headline: 'Genuine and complete' };
  if (!signed) {
    return { verdict: 'warn', headline: hashOk ? 'Complete, but the sender could not be verified' : 'Could not verify the sender or the contents' };
  }
  if (!hashOk) return { verdict: 'warn', headline: 'Signed, but the contents could not be checked against a hash' };
  return { verdict: 'warn', headline: `Opened with warnings: ${warned[0]!.title.toLowerCase()}` };
}

export function buildReport(input: ReportInput): VerificationReport {
  const order = ['structure', 'decrypt', 'payload-hash', 'files-json', 'manifest-jws'];
  const rank = (id: string) => {
    const i = order.indexOf(id);
    if (i >= 0) return i;
    if (id.startsWith('assertion:')) return order.length;
    return order.length + (id === 'audit' ? 1 : id === 'schema' ? 2 : 3);
  };
  const checks = [...input.checks].sort((a, b) => rank(a.id) - rank(b.id));
  const { verdict, headline } = decideVerdict(checks);
  return {
    verdict,
    headline,
    dialect: input.dialect,
    dialectEvidence: input.evidence,
    encrypted: input.encrypted,
    envelopeId: input.envelopeId,
    checks,
    problems: input.problems,
    generatedAt: input.now.toISOString(),
  };
}
