// Flat config: typescript-eslint (type-aware), import cycles, and the dependency rules of docs/architecture.md.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (patterns) => [
  'error',
  {
    patterns: patterns.map((group) => ({
      group: [group],
      message: 'Crosses a layer boundary (docs/architecture.md).',
    })),
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      '.data/**',
      'coverage/**',
      'bench/.out/**',
      'bench/.scratch/**',
      'tests/replay/histories/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      'import-x/no-cycle': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Rendering helpers stringify unknown values on purpose (objects go through JSON.stringify first).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'Buffer',
          'fetch',
          'AbortController',
          'AbortSignal',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    files: ['src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: ['../core/*', '../domains/*', '../cli/*', '../backends/*', 'pino', 'better-sqlite3'],
              message: 'contracts are pure and sandbox-safe.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        '**/domains/**',
        '**/cli/**',
        '**/backends/**',
        '**/workflows/**',
        '**/activities/**',
        '**/worker/**',
        '**/app/**',
        '@oclif/*',
        '@temporalio/*',
      ]),
    },
  },
  {
    files: ['src/domains/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        '**/cli/**',
        '**/backends/**',
        '**/workflows/**',
        '**/activities/**',
        '**/worker/**',
        '**/app/**',
        '@oclif/*',
        '@temporalio/*',
        'pino',
        'better-sqlite3',
      ]),
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: [
                '**/core/**',
                '**/domains/**',
                '**/cli/**',
                '**/backends/**',
                '**/app/**',
                '**/worker/**',
                'pino',
                'better-sqlite3',
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
              ],
              message:
                'Workflows are deterministic sandbox code: only @temporalio/workflow, @temporalio/common and contracts.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/activities/**'], allowTypeImports: true, message: 'Import activities as types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['**/workflows/**', '**/activities/**', '**/worker/**']) },
  },
);
