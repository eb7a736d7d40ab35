// `npm test`: typecheck, lint, unit tests (Vitest), production build, browser tests (Playwright in Debian
// Chromium). Ends with one summary line, "tests: N passed, N failed, N skipped", and a non-zero
// exit if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`=== ${name} failed (exit ${r.status ?? r.signal})`);
    ok = false;
  }
  return r.status === 0;
}

function readJson(path) {
  try {
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
  } catch {
    return null;
  }
}

if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  console.error("Chromium is not installed at /usr/bin/chromium. Install Debian's package first: apt-get install -y chromium");
  process.exit(1);
}

const typecheckOk = step('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
if (!typecheckOk) totals.failed++;

// ESLint (typescript-eslint strict, the layers as import rules) and Prettier (140 columns).
if (!step('lint', 'node', ['scripts/lint.mjs'])) totals.failed++;

step('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']);
const v = readJson('test-results/vitest.json');
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} else totals.failed++;

if (step('build', 'npm', ['run', 'build'])) {
  step('browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json',
  });
  const p = readJson('test-results/playwright.json');
  if (p?.stats) {
    totals.passed += p.stats.expected + (p.stats.flaky ?? 0);
    totals.failed += p.stats.unexpected;
    totals.skipped += p.stats.skipped;
  } else totals.failed++;
} else totals.failed++;

console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
