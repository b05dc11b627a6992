import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevStatus } from '../../../src/backends/temporal/dev-stack/supervisor.js';
import type { DevUpOutput } from '../../../src/cli/commands/dev/up.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { isAlive } from '../../../src/backends/temporal/dev-stack/state.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const SAMPLE = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The developer loop end to end with the built binary: this test starts its own dev stack (that is what
 * it tests) on free ports, headless, with state in a temp directory.
 */
describe('spine dev up|status|down', () => {
  let dir: TempDir;
  afterEach(async () => {
    await runSpine(['dev', 'down'], { dbPath: dir.join('spine.db'), devDir: dir.join('.data') });
    dir.cleanup();
  });

  it('starts server and worker, runs the week pipeline with --async --wait, and stops exactly what it started', async () => {
    dir = tempDir('spine-devstack-');
    const config = dir.join('temporal-dev.yml');
    writeFileSync(
      config,
      [
        'temporal:',
        '  ip: 127.0.0.1',
        `  port: ${await freePort()}`,
        '  uiPort: null',
        '  dbFilename: .data/temporal.db',
        '  searchAttributes: { SpinePipeline: Keyword, SpineExecutionId: Keyword, SpineWeekEnding: Keyword, SpineTier: Keyword, SpineCaptureId: Keyword }',
        'worker:',
        '  taskQueue: dev-stack-test',
        '  maxConcurrentActivityTaskExecutions: 2',
      ].join('\n'),
    );
    const cli = { dbPath: dir.join('spine.db'), devDir: dir.join('.data'), cwd: dir.path, timeoutMs: 90_000 };

    const up = await runSpine(['dev', 'up', '--config', config, '--json'], cli);
    expect(up.code, up.stderr).toBe(0);
    const { stack } = up.json<DevUpOutput>();
    expect(stack).toMatchObject({ databasePath: dir.join('spine.db'), worker: { taskQueue: 'dev-stack-test' } });

    const run = await runSpine(
      ['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--async', '--wait', '--json'],
      cli,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<ExecutionRecord>()).toMatchObject({
      status: 'completed',
      backend: 'temporal',
      result: { rows_in: 5328, quality: 'PASS' },
    });

    const elsewhere = await runSpine(['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--async'], {
      ...cli,
      dbPath: dir.join('other.db'),
    });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`The dev stack's worker writes ${dir.join('spine.db')}`);

    const status = await runSpine(['dev', 'status', '--json'], cli);
    expect(status.json<DevStatus>()).toMatchObject({
      running: true,
      server: { reachable: true },
      worker: { polling: true, taskQueue: 'dev-stack-test' },
    });

    const down = await runSpine(['dev', 'down', '--json'], cli);
    expect(down.json()).toEqual({ worker: 'stopped', server: 'stopped' });
    expect(isAlive(stack.server.pid)).toBe(false);
    expect(isAlive(stack.worker?.pid ?? 0)).toBe(false);
    const after = await runSpine(['dev', 'status', '--json'], cli);
    expect(after.json<DevStatus>()).toMatchObject({ running: false, server: { pid: null } });
  });
});
