// `node scripts/lint.mjs [--fix]`: ESLint (typescript-eslint strict, the layers as import rules) and
// Prettier over the project. Both live in tools/lint with TypeScript 5.9 of their own, because
// typescript-eslint needs the compiler API that TypeScript 7 (the project's tsc) does not ship.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const fix = process.argv.includes('--fix');
const bin = (name) => `tools/lint/node_modules/.bin/${name}`;
if (!existsSync(bin('eslint')) || !existsSync(bin('prettier'))) {
  console.log('Installing the lint tools (tools/lint: npm ci)');
  const r = spawnSync('npm', ['ci', '--prefix', 'tools/lint', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const SOURCES = ['src', 'fixtures', 'scripts', 'test', 'e2e'];
const FORMATTED = ['src/**/*.{ts,tsx,css}', 'fixtures/**/*.ts', 'scripts/**/*.{ts,mjs}', 'test/**/*.ts', 'e2e/**/*.ts', '*.{ts,json,html}'];
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
const prettierOk = run(bin('prettier'), [fix ? '--write' : '--check', '--log-level', 'warn', ...FORMATTED]);
const eslintOk = run(bin('eslint'), ['-c', 'tools/lint/eslint.config.js', '--max-warnings', '0', ...(fix ? ['--fix'] : []), ...SOURCES]);
if (prettierOk && eslintOk) console.log('lint: ESLint and Prettier found nothing to change');
process.exit(prettierOk && eslintOk ? 0 : 1);
