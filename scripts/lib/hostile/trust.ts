// Forged origin: copied assertions, re-signed envelopes, keys that are not trusted (issue 11, classes 1-2).
import type { HostileCase } from '../hostile.ts';

export async function trustCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  return cases;
}
