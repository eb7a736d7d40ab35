// ESLint for JMIX Viewer: typescript-eslint strict, and the layers of the house as import rules.
// Run from the project root: `node scripts/lint.mjs` (npm test does).
import tseslint from 'typescript-eslint';

/** What a layer may not import: data flows one way (common <- dicom <- jmix <- workers/cli <- ui; viewer renders). */
const layer = (files, group, message) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group, message, allowTypeImports: true }] }] },
});

export default tseslint.config(
  { basePath: '../..' },
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-*/**',
      'tools/**',
      'public/**',
      'bench/**',
      'fixtures/generated/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.d.ts',
    ],
  },
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off', // checked lookups (`map.get(k)!`) are the house style
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      // Prettier wraps code at 140; messages to people stay whole on one line, so they are greppable.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  // Crafting hostile or edited JSON in tests means reaching into it untyped, on purpose.
  { files: ['fixtures/hostile/**', 'test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layer(['src/common/**'], ['../*', '!../common/**'], 'src/common depends on nothing else in the app.'),
  layer(['src/dicom/**'], ['../jmix/*', '../ui/*', '../viewer/*', '../workers/*', '../cli/*'], 'src/dicom depends on src/common only.'),
  layer(
    ['src/jmix/**'],
    ['**/ui/*', '**/viewer/*', '**/workers/*', '**/cli/*', 'react', 'react-dom', 'zustand', '@cornerstonejs/*'],
    'The envelope core is pure TypeScript: no UI, viewer, worker glue, React or Cornerstone.',
  ),
  layer(
    ['src/viewer/**'],
    ['../jmix/*', '!../jmix/types.ts', '../workers/*', '../cli/*', '../ui/store.ts'],
    'The viewer renders the model: it does not open envelopes or reach into the store.',
  ),
  layer(
    ['src/ui/**'],
    ['../jmix/*', '!../jmix/api.ts', '!../jmix/types.ts', '!../jmix/index.ts', '../cli/*'],
    'The UI is thin: it renders the model and calls the worker, it holds no envelope logic.',
  ),
);
