import { defineConfig } from 'vitest/config';

// The in-process tiers only, for Stryker: tests that spawn the built CLI (e2e) run dist/, which Stryker
// does not mutate, and the Temporal tier needs a dev server per run. Both stay in `.ci/run`.
// `npm run mutate -- <module>` narrows the files to that module's tests (SPINE_MUTATE_TESTS, set by
// stryker.config.mjs from scripts/mutation-modules.mjs).
const selected = process.env['SPINE_MUTATE_TESTS'];

export default defineConfig({
  test: {
    include:
      selected !== undefined && selected !== ''
        ? (JSON.parse(selected) as string[])
        : ['tests/unit/**/*.test.ts', 'tests/integration-sync/**/*.test.ts'],
    // Stryker runs vitest in worker threads, where process.chdir() is not available.
    exclude: ['**/*.e2e.test.ts', '**/*.int.test.ts', 'tests/unit/backends/dev-stack-paths.test.ts'],
    pool: 'forks',
    // Stryker switches the pool to one worker thread and re-runs the tests that reach each mutant in it.
    // Without isolation that thread keeps its module cache between runs (mutants are switched on at run
    // time, never by reloading code), so a mutant costs its tests, not a fresh import of the project:
    // about twice the mutants per minute. A recheck (SPINE_MUTATE_ISOLATE, `--recheck`) re-tests the
    // survivors isolated, so state kept across runs cannot hide a kill (docs/testing.md).
    isolate: process.env['SPINE_MUTATE_ISOLATE'] === '1',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    allowOnly: false,
    env: { TZ: 'UTC', SPINE_LOG_LEVEL: 'silent' },
  },
});
