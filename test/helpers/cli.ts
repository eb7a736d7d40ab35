// The CLI's main() run in-process, its two output streams captured.
import { main } from '../../src/cli/main.ts';

export async function runCli(...argv: string[]) {
  const log: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (s) => log.push(s), error: (s) => err.push(s) });
  return { code, stdout: log.join('\n'), stderr: err.join('\n') };
}
