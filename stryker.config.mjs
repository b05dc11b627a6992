// Mutation testing (issue 15), not part of .ci/run. `npm run mutate -- <module>` (scripts/mutate.mjs)
// mutates one module of scripts/mutation-modules.mjs and runs only that module's tests; each module keeps
// its own incremental file and reports under reports/mutation/<module>/, so a re-run after a change
// reuses the results of unchanged code and tests. `npm run mutate -- <module> --mutate <file>` narrows
// further to one file. With no module: everything, with the whole in-process suite (hours on 2 cores).
// Scores are recorded in docs/testing.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { MUTATION_MODULES } from './scripts/mutation-modules.mjs';

const moduleName = process.env.SPINE_MUTATE_MODULE;
const selected = moduleName === undefined ? undefined : MUTATION_MODULES[moduleName];
if (moduleName !== undefined && selected === undefined) {
  throw new Error(`unknown mutation module '${moduleName}' (see scripts/mutation-modules.mjs)`);
}
// Read by vitest.mutate.config.ts in Stryker's test-runner processes, which inherit this environment.
// JSON, not a comma list: a test glob may hold a brace list ({a,b}.test.ts).
if (selected !== undefined) process.env.SPINE_MUTATE_TESTS = JSON.stringify(selected.tests);
else delete process.env.SPINE_MUTATE_TESTS;
// A recheck (`npm run mutate -- <module> --recheck`) keeps its own report and incremental file.
const recheck = process.env.SPINE_MUTATE_RECHECK === '1';
const out = `reports/mutation/${moduleName ?? 'all'}${recheck ? '/recheck' : ''}`;
// Read by vitest.mutate.config.ts: a recheck runs every mutant in a fresh module graph.
if (recheck) process.env.SPINE_MUTATE_ISOLATE = '1';
else delete process.env.SPINE_MUTATE_ISOLATE;

// The TypeScript checker's project: the mutated files (and what they import), not their dependents, tests
// or bench. Type-checking every dependent of a mutated file with each mutant cost several times the test
// runs on 2 cores; a mutant that breaks only a dependent's types compiles here and is then run by tests.
// Written outside reports/ (which Stryker leaves out of its sandbox) and git-ignored.
const checkerProject = `.mutation/tsconfig.${moduleName ?? 'all'}.json`;
mkdirSync('.mutation', { recursive: true });
writeFileSync(
  checkerProject,
  `${JSON.stringify(
    {
      extends: '../tsconfig.json',
      // tsconfig has no negated globs; an excluded file (`!path`) is still only compiled, never mutated.
      include: (selected?.mutate ?? ['src/**/*.ts'])
        .filter((glob) => !glob.startsWith('!'))
        .map((glob) => `../${glob}`),
    },
    null,
    2,
  )}\n`,
);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // related: of the selected test files, run only those that import the mutated code.
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: checkerProject,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: selected?.mutate ?? ['src/core/**/*.ts', 'src/domains/otc/**/*.ts', 'src/activities/**/*.ts'],
  // Each mutant runs only the tests that reached it. Needs Stryker >= 9.6.1 with vitest 4.1: 9.4 collected no
  // coverage (stryker-js#5928), so every mutant ran all the module's tests and none was "no coverage".
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `${out}/mutation.json` },
  htmlReporter: { fileName: `${out}/mutation.html` },
  // One test-runner process: the machine has 2 cores shared with the checker and other work.
  concurrency: 1,
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 30,
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: the Temporal toolchain (a symlink in worktrees), outputs of other runs.
  ignorePatterns: ['/.tools', '/.test-results', '/bench/.out', '/bench/.scratch', '/exports', '/coverage'],
};
