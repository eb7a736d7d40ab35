// Archive readings that other tools could read differently (issue 11, class 3).
import type { HostileCase } from '../hostile.ts';

export async function archiveStrictCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  return cases;
}
