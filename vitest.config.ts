import { defineConfig } from 'vitest/config';

// One config, three tiers named by suffix: *.test.ts (unit), *.int.test.ts (integration, real Temporal
// dev server started once in globalSetup), *.e2e.test.ts (the built `spine` binary against temp files).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    // Two test files at a time on the 2-core CI machine (vitest's default is cores - 1 = one): most files
    // wait on child processes, SQLite locks or the Temporal server, and the suite is built to pass with
    // both cores busy. 1,251 tests: 446 s with two workers, 744 s with one (docs/testing.md).
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // `.only` fails the run everywhere (locally too): a focused test must never be committed by accident.
    allowOnly: false,
    disableConsoleIntercept: true,
    env: { TZ: 'UTC', SPINE_LOG_LEVEL: 'silent' },
    globalSetup: ['tests/helpers/global-setup.ts'],
  },
});
