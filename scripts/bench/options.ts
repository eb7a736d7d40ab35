// Paths and command-line options of `npm run bench` (see scripts/bench.ts for the flags), and its log.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH = join(ROOT, 'bench');
export const FIXTURES = join(BENCH, 'fixtures');
export const BUILD = join(BENCH, '.build');
export const MiB = 1 << 20;

const argv = process.argv.slice(2);
export const LARGE = argv.includes('--large') || process.env.BENCH_LARGE === '1';
/** Skip the slow pure-JS GHASH comparison (≈50 MB/s), e.g. for 1 GiB. */
export const NO_NOBLE = argv.includes('--no-noble');
export const RUNS = Math.max(3, Number(argv[argv.indexOf('--runs') + 1] ?? 3) || 3);
/** Only make (or check) the fixtures, e.g. ahead of a timed run. */
export const FIXTURES_ONLY = argv.includes('--fixtures-only');
/** Skip the in-page building-block cases (floor always runs: the app ratios need it). */
export const APP_ONLY = argv.includes('--app-only');
/** Skip the end-to-end app cases. */
export const NO_APP = argv.includes('--no-app');
/** Reuse bench/.app (the last production build) instead of building again. */
export const REUSE_BUILD = argv.includes('--reuse-build');
/** Which app cases to run, e.g. `--only enc` or `--only enc-rs-1GiB` (substring of the fixture label). */
export const ONLY = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '') : '';
/** `--app-dir <dir>`: open this already-built app instead (e.g. a build of a patched tree). */
export const APP_DIR = argv.includes('--app-dir') ? resolve(argv[argv.indexOf('--app-dir') + 1] ?? '') : null;
export const APP_BUILD = APP_DIR ?? join(BENCH, '.app');
/** `--forms zip` or `--forms folder`: only that form of each fixture (default both). */
export const FORMS = (argv.includes('--forms') ? (argv[argv.indexOf('--forms') + 1] ?? '').split(',') : ['zip', 'folder']).filter(
  (f): f is 'zip' | 'folder' => f === 'zip' || f === 'folder',
);

export function log(s: string): void {
  process.stdout.write(s + '\n');
}
