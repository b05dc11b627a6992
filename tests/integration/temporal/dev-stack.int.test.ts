import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevStatus } from '../../../src/backends/temporal/dev-stack/supervisor.js';
import type { DevUpOutput } from '../../../src/cli/commands/dev/up.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { isAlive } from '../../../src/backends/temporal/dev-stack/state.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const SAMPLE = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));

/** A port the OS has just handed out. Another process may take it before the server binds it: see devUp. */
function candidatePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A bind failure of the dev server (or someone else answering there): worth another port, nothing else is. */
const PORT_CONFLICT = /address already in use|bind: |Something already answers at/i;

/**
 * The developer loop end to end with the built binary: this test starts its own dev stack (that is what
 * it tests) on free ports, headless, with state in a temp directory. It starts two processes and runs a
 * whole week, so it gets a longer test timeout than the suite's 60 s (2 shared cores).
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
    const cli = { dbPath: dir.join('spine.db'), devDir: dir.join('.data'), cwd: dir.path, timeoutMs: 90_000 };
    // The port is chosen by the OS; if another process takes it before the server binds it, `dev up`
    // fails naming the conflict and the test retries on a fresh port (any other failure is reported).
    let up: CliResult | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      writeFileSync(
        config,
        [
          'temporal:',
          '  ip: 127.0.0.1',
          `  port: ${await candidatePort()}`,
          '  uiPort: null',
          '  dbFilename: .data/temporal.db',
          '  searchAttributes: { SpinePipeline: Keyword, SpineExecutionId: Keyword, SpineWeekEnding: Keyword, SpineTier: Keyword, SpineCaptureId: Keyword }',
          'worker:',
          '  taskQueue: dev-stack-test',
          '  maxConcurrentActivityTaskExecutions: 2',
        ].join('\n'),
      );
      up = await runSpine(['dev', 'up', '--config', config, '--json'], cli);
      if (up.code === 0 || !PORT_CONFLICT.test(up.stdout + up.stderr)) break;
    }
    if (!up) throw new Error('dev up never ran');
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
  }, 180_000);
});
