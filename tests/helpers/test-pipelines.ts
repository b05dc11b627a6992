/**
 * Test-only pipelines that exercise the dispatcher and the sync backend without any domain code:
 * - `test.echo`: three stages writing core_manifest rows through WorkManifest, with nested log steps.
 * - `test.flaky`: its `fetch` stage fails through the SPINE_FAULTS_FILE hook (see writeFaultsFile).
 * - `test.bad_input`: a non-retryable SourceError in its only stage.
 * - `test.fanout`: `plan` asks for one `test.echo` child per week; `collect` reads state.children.
 */
import { writeFileSync } from 'node:fs';
import type { JsonObject, StageOutcome } from '../../src/contracts/execution.js';
import { SourceError } from '../../src/core/errors.js';
import type { FaultSpec } from '../../src/core/execution/fault-injection.js';
import { logStep } from '../../src/core/logging/span.js';
import { partitionKey, WorkManifest } from '../../src/core/manifest/work-manifest.js';
import { PipelineRegistry } from '../../src/core/pipeline/registry.js';
import type { Params } from '../../src/core/pipeline/params.js';
import type { PipelineDefinition, StageContext } from '../../src/core/pipeline/types.js';

export const TEST_DOMAIN = 'test';
export const ECHO_STAGES = ['prepare', 'process', 'finish'] as const;

export function echoPartition(weekEnding: string): string {
  return partitionKey({ week_ending: weekEnding });
}

function echoManifest(ctx: StageContext): WorkManifest {
  return new WorkManifest(ctx.db, TEST_DOMAIN, ECHO_STAGES, ctx.clock);
}

function lineage(ctx: StageContext): { executionId: string; batchId: string } {
  return { executionId: ctx.execution.executionId, batchId: ctx.execution.batchId };
}

const count = (params: Params): number => Number(params['count']);
const week = (params: Params): string => String(params['week_ending']);

export const echoPipeline: PipelineDefinition = {
  name: 'test.echo',
  description: 'Echoes its params through three manifest stages',
  domain: TEST_DOMAIN,
  params: [
    { name: 'week_ending', type: 'date', description: 'Week ending', required: true },
    { name: 'count', type: 'int', description: 'Rows to pretend to process', default: 3, min: 0 },
    { name: 'force', type: 'bool', description: 'Re-run finish even when done', default: false },
  ],
  logicalKey: (params) => `echo:${week(params)}`,
  stages: [
    {
      name: 'prepare',
      description: 'Counts the input',
      async run(ctx): Promise<StageOutcome> {
        const n = count(ctx.params);
        await logStep(ctx.log, 'echo.prepare', (span) => span.addMetrics({ rows_in: n }));
        echoManifest(ctx).advanceTo(echoPartition(week(ctx.params)), 'prepare', { rowCount: n, ...lineage(ctx) });
        return { state: { prepared: n }, rowsIn: n };
      },
    },
    {
      name: 'process',
      description: 'Doubles the count inside nested steps',
      async run(ctx): Promise<StageOutcome> {
        const n = count(ctx.params);
        const doubled = await logStep(ctx.log, 'echo.process', async (outer) => {
          const inner = await logStep(ctx.log, 'echo.process.inner', (span) => {
            span.addMetrics({ rows_out: n * 2 });
            return n * 2;
          });
          outer.addMetrics({ rows_out: inner, table: 'core_manifest' });
          return inner;
        });
        echoManifest(ctx).advanceTo(echoPartition(week(ctx.params)), 'process', {
          rowCount: doubled,
          metrics: { doubled },
          ...lineage(ctx),
        });
        return { state: { processed: doubled }, rowsIn: n, rowsOut: doubled, metrics: { doubled } };
      },
    },
    {
      name: 'finish',
      description: 'Marks the week finished unless it already is (force re-runs it)',
      run(ctx): Promise<StageOutcome> {
        const manifest = echoManifest(ctx);
        const key = echoPartition(week(ctx.params));
        if (ctx.params['force'] !== true && manifest.hasStage(key, 'finish')) {
          return Promise.resolve({ skipped: 'already finished' });
        }
        manifest.advanceTo(key, 'finish', lineage(ctx));
        return Promise.resolve({ state: { finished: true } });
      },
    },
  ],
};

export const flakyPipeline: PipelineDefinition = {
  name: 'test.flaky',
  description: 'Fails in fetch when SPINE_FAULTS_FILE says so',
  domain: TEST_DOMAIN,
  params: [],
  retryPolicy: { maximumAttempts: 3 },
  stages: [
    {
      name: 'fetch',
      description: 'Subject to the fault hook',
      async run(ctx): Promise<StageOutcome> {
        await logStep(ctx.log, 'flaky.fetch', (span) => span.addMetrics({ rows_out: 1 }));
        return { state: { fetched: ctx.execution.attempt }, rowsOut: 1 };
      },
    },
    {
      name: 'store',
      description: 'Runs only after fetch succeeded',
      run: () => Promise.resolve({ state: { stored: true } }),
    },
  ],
};

export const badInputPipeline: PipelineDefinition = {
  name: 'test.bad_input',
  description: 'Always fails with a non-retryable SourceError',
  domain: TEST_DOMAIN,
  params: [],
  stages: [
    {
      name: 'parse',
      description: 'Throws SourceError',
      async run(ctx): Promise<StageOutcome> {
        return logStep(ctx.log, 'bad.parse', () => {
          throw new SourceError('input.csv', 7, 'BAD_ROW', 'unparseable row');
        });
      },
    },
  ],
};

export const fanoutPipeline: PipelineDefinition = {
  name: 'test.fanout',
  description: 'Runs one test.echo child per week',
  domain: TEST_DOMAIN,
  params: [{ name: 'weeks', type: 'string', description: 'Comma-separated weeks', required: true }],
  stages: [
    {
      name: 'plan',
      description: 'Asks for the children',
      run(ctx): Promise<StageOutcome> {
        const weeks = String(ctx.params['weeks']).split(',');
        return Promise.resolve({
          state: { planned: weeks.length },
          children: weeks.map((w) => ({ pipeline: 'test.echo', params: { week_ending: w, count: 1 }, label: w })),
        });
      },
    },
    {
      name: 'collect',
      description: 'Reads the child outcomes from state.children',
      run(ctx): Promise<StageOutcome> {
        const children = (ctx.state['children'] ?? []) as JsonObject[];
        return Promise.resolve({
          state: {
            child_count: children.length,
            completed_children: children.filter((c) => c['status'] === 'completed').map((c) => String(c['label'])),
          },
        });
      },
    },
  ],
};

export function testRegistry(): PipelineRegistry {
  return new PipelineRegistry()
    .register(echoPipeline)
    .register(flakyPipeline)
    .register(badInputPipeline)
    .register(fanoutPipeline);
}

/** Writes a SPINE_FAULTS_FILE (`{"pipeline/stage": spec}`) and returns its path. */
export function writeFaultsFile(path: string, faults: Readonly<Record<string, FaultSpec>>): string {
  writeFileSync(path, JSON.stringify(faults));
  return path;
}
