// ESLint flat config: typescript-eslint's type-aware rules for the sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import haven from './eslint/boundaries.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(ip|ips|remoteAddress|socket)$/]',
          message: 'Haven never reads, stores or logs a client address.',
        },
      ],
    },
  },
  {
    // Module boundaries (eslint/boundaries.js).
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { haven },
    rules: { 'haven/boundaries': 'error' },
  },
  {
    // The CLI, benchmarks, and CI helpers talk to a terminal; everything else logs through platform/log.
    files: ['src/cli/**', 'src/main.ts', 'bench/**', 'bin/**', 'e2e/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
