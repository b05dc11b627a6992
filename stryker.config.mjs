// Mutation testing (issue 15): `npm run mutate` over the domain and core code, or one module with
// `npm run mutate -- --mutate src/core/captures/gc.ts`. Incremental: results of unchanged code and tests
// are reused from reports/mutation/stryker-incremental.json, so a re-run after a change is quick.
// Not part of .ci/run (it takes far longer than the suite); scores are recorded in docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/core/**/*.ts', 'src/domains/otc/**/*.ts', 'src/activities/**/*.ts'],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  concurrency: 2,
  timeoutMS: 30_000,
  // The initial run executes the whole in-process suite once to learn which test covers which mutant.
  dryRunTimeoutMinutes: 30,
  tempDirName: '.stryker-tmp',
};
