// The coverage invariant: every payload file shown is covered by a check, or listed as not covered.
// A matched payload-hash recipe covers exactly the payload list it was computed over (every recipe
// hashes that list or the bytes it was read from); without a match, only files.json can cover a file.
import type { Check, Coverage, PayloadFile } from '../types.ts';

export function coverageOf(input: { payload: readonly PayloadFile[] | null; checks: readonly Check[]; hasAudit: boolean }): Coverage {
  const byId = (id: string) => input.checks.find((c) => c.id === id);
  const hash = byId('payload-hash');
  const payloadRecipe = hash?.status === 'pass' ? String((hash.data as { recipe?: string } | undefined)?.recipe ?? 'unknown') : null;
  const filesJson = byId('files-json');
  // files.json vouches for a file only when it is not itself in doubt (no changed entries).
  const vouched = new Set(
    filesJson?.status === 'pass' || filesJson?.status === 'warn'
      ? ((filesJson.data as { verifiedFiles?: string[] } | undefined)?.verifiedFiles ?? [])
      : [],
  );
  const uncoveredFiles = payloadRecipe ? [] : (input.payload ?? []).map((f) => f.path).filter((p) => !vouched.has(p));
  const jws = byId('manifest-jws');
  const manifest =
    jws?.status === 'pass'
      ? 'signed'
      : jws?.status === 'warn' && (jws.data as { style?: string } | undefined)?.style === 'php'
        ? 'signed-except-late-fields'
        : 'not-covered';
  return { payloadRecipe, uncoveredFiles, manifest, audit: input.hasAudit ? 'not-covered' : 'absent' };
}
