// Resource bounds: frames, audit entries, receivers, nesting (issue 11, class 5).
import type { HostileCase } from '../hostile.ts';

export async function boundsCases(): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  return cases;
}
