// Mutation-testing modules (issue 15): each names the source it mutates and the in-process test files
// that exercise it. `npm run mutate -- <module>` mutates only that source and runs only those tests
// (vitest's `related` then narrows them further to the files that import the mutated code), so one
// module measures in minutes on 2 cores instead of the hours a whole-suite dry run takes.
// A test file that only spawns the built CLI cannot kill a mutant (it runs dist/, which Stryker does not
// mutate), so the lists favour tests that call the code in-process.

/** @type {Record<string, {mutate: string[], tests: string[]}>} */
export const MUTATION_MODULES = {
  'otc-calculations': {
    mutate: ['src/domains/otc/calculations/**/*.ts'],
    tests: ['tests/unit/domains/otc/calculations/*.test.ts', 'tests/unit/domains/calendar/volume-per-day.test.ts'],
  },
  'otc-parse': {
    mutate: ['src/domains/otc/parse/**/*.ts'],
    // week-bad-input runs whole weeks in-process on broken files: every reject rule with its line.
    tests: ['tests/unit/domains/otc/parse/*.test.ts', 'tests/integration-sync/otc/week-bad-input.test.ts'],
  },
  'core-query': {
    mutate: ['src/core/query/**/*.ts'],
    // The point-in-time integration tests (tests/integration-sync/point-in-time) run whole pipelines in
    // every mutant's run and took about a minute a mutant here; the unit tests hold the same lookups.
    tests: ['tests/unit/core/as-of.test.ts', 'tests/unit/core/point-in-time-lookups.test.ts'],
  },
  'core-execution-history': {
    mutate: [
      'src/core/execution/history.ts',
      'src/core/execution/dead-letters.ts',
      'src/core/execution/follow.ts',
      'src/core/execution/progress.ts',
    ],
    tests: [
      'tests/unit/core/id-prefix.test.ts',
      // follow.ts and progress.ts are otherwise reached only through the binary (watch, run's display).
      'tests/unit/core/execution-history.test.ts',
      'tests/unit/core/follow-and-progress.test.ts',
      'tests/integration-sync/history/*.test.ts',
      'tests/integration-sync/captures/gc.test.ts',
    ],
  },
  'core-execution-lease': {
    mutate: ['src/core/execution/lease.ts', 'src/core/execution/fence.ts', 'src/core/execution/partition-claim.ts'],
    tests: ['tests/unit/core/leases-and-fencing.test.ts'],
  },
  'core-execution-store': {
    mutate: [
      'src/core/execution/event-writer.ts',
      'src/core/execution/execution-store.ts',
      'src/core/execution/retry-policy.ts',
      'src/core/execution/fault-injection.ts',
      'src/core/execution/stage-runner.ts',
    ],
    tests: [
      'tests/unit/core/leases-and-fencing.test.ts',
      'tests/unit/core/event-writer.test.ts',
      'tests/unit/core/retry-policy.test.ts',
      'tests/unit/core/stage-runner.test.ts',
      'tests/unit/core/execution-store.test.ts',
      'tests/unit/core/fault-injection.test.ts',
      'tests/unit/core/dispatcher.test.ts',
      'tests/unit/core/error-taxonomy.test.ts',
      'tests/integration-sync/history/execution-events.test.ts',
      'tests/integration-sync/captures/publish-faults.test.ts',
      // The activities run stages through the same stage runner, with attempts, cancels and lost leases.
      'tests/unit/activities/*.test.ts',
      'tests/integration-sync/durability/concurrent-submits.test.ts',
    ],
  },
  'core-captures': {
    mutate: ['src/core/captures/**/*.ts'],
    // The CLI-and-pipeline tests of tests/integration-sync/captures cost a minute or more a mutant here;
    // these in-process tests hold the registry, gc and capture-id resolution on real SQLite files.
    tests: [
      'tests/unit/core/capture-registry.test.ts',
      'tests/unit/core/gc-plan.test.ts',
      'tests/unit/core/id-prefix.test.ts',
      'tests/unit/core/leases-and-fencing.test.ts',
    ],
  },
  'core-foundation': {
    mutate: [
      'src/core/*.ts',
      'src/core/alerts/**/*.ts',
      'src/core/db/**/*.ts',
      'src/core/dispatch/**/*.ts',
      'src/core/logging/**/*.ts',
      'src/core/manifest/**/*.ts',
      'src/core/pipeline/**/*.ts',
      'src/core/tools/**/*.ts',
    ],
    tests: ['tests/unit/core/*.test.ts', 'tests/unit/core/logging/*.test.ts', 'tests/unit/domains/calendar/*.test.ts'],
  },
  'core-export': {
    mutate: ['src/core/export/**/*.ts'],
    // tests/integration-sync/export calls exportDataset and verifyExport in-process (tests/e2e/export runs dist/).
    tests: [
      'tests/unit/core/export/*.test.ts',
      'tests/unit/domains/otc/export-order.test.ts',
      'tests/integration-sync/export/*.test.ts',
    ],
  },
  'otc-sources': {
    mutate: ['src/domains/otc/sources/**/*.ts'],
    tests: [
      'tests/unit/domains/otc/sources/*.test.ts',
      'tests/unit/devtools/fake-finra-api.test.ts',
      'tests/integration-sync/otc/api-source.test.ts',
    ],
  },
  'otc-autopilot': {
    mutate: [
      'src/domains/otc/sync/**/*.ts',
      'src/domains/otc/freshness/**/*.ts',
      'src/domains/otc/revisions/**/*.ts',
      'src/domains/otc/pipelines/sync.ts',
    ],
    // tests/integration-sync/otc/status*.test.ts drive `spine status` through the built binary (dist/).
    tests: [
      'tests/unit/domains/otc/sync/*.test.ts',
      // computeStatus and its facts in-process (the status*.test.ts above only reach them through dist/).
      'tests/unit/domains/otc/freshness/*.test.ts',
      'tests/integration-sync/sync/*.test.ts',
      'tests/integration-sync/revisions/*.test.ts',
      'tests/integration-sync/otc/freshness-incidents.test.ts',
    ],
  },
  'otc-stages': {
    mutate: ['src/domains/otc/stages/**/*.ts', 'src/domains/otc/repository/**/*.ts', 'src/domains/otc/*.ts'],
    // The in-process week-pipeline tests; the ones that spawn the binary (week-bad-input-cli,
    // read-commands, status*) cannot kill a mutant and are left out.
    tests: [
      'tests/unit/domains/otc/*.test.ts',
      'tests/integration-sync/otc/{normalize-stage,quality-gate,week-atomicity,week-bad-input,week-golden,week-rerun,set-based-equivalence,index-plans,backfill}.test.ts',
      'tests/integration-sync/captures/publish-faults.test.ts',
      'tests/integration-sync/durability/concurrent-submits.test.ts',
    ],
  },
  'otc-pipelines-query': {
    mutate: [
      'src/domains/otc/pipelines/**/*.ts',
      '!src/domains/otc/pipelines/sync.ts',
      'src/domains/otc/captures/**/*.ts',
      'src/domains/otc/query/**/*.ts',
    ],
    tests: [
      'tests/unit/domains/otc/pipeline-definitions.test.ts',
      'tests/integration-sync/otc/{week-golden,week-rerun,backfill,verify,verify-checks,query-service}.test.ts',
      'tests/integration-sync/calendar/*.test.ts',
      'tests/integration-sync/captures/{list-diff,replace-append,diff-inprocess}.test.ts',
      'tests/integration-sync/point-in-time/*.test.ts',
    ],
  },
  activities: {
    mutate: ['src/activities/**/*.ts'],
    // tests/unit/activities call the activities in Temporal's MockActivityEnvironment against real SQLite
    // files; the Temporal tier (tests/integration) runs them through a dev server, outside the mutation run.
    tests: [
      'tests/unit/activities/*.test.ts',
      'tests/unit/core/error-taxonomy.test.ts',
      'tests/unit/domains/otc/sources/*.test.ts',
    ],
  },
};
