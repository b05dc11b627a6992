import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevDownResult, DevStatus } from '../../../src/backends/temporal/dev-stack/supervisor.js';
import type { DevUpOutput } from '../../../src/cli/commands/dev/up.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { isAlive } from '../../../src/backends/temporal/dev-stack/state.js';
import { livePollers, writeStackFile } from '../../helpers/dev-stack.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { waitFor } from '../../helpers/temporal-env.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const SAMPLE = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));

/** Worker processes polling `taskQueue`, read from /proc independently of the code under test. */
function workerPids(taskQueue: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.some((a) => a.endsWith('bin/run.js')) && argv.includes('worker') && argv.includes(taskQueue))
      pids.push(Number(entry));
  }
  return pids;
}

async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), `pid ${pid} to die`, 10_000);
}

/**
 * The developer loop end to end with the built binary: these tests start their own dev stack (that is
 * what they test) on free ports, with the stack directory in a temp directory named by SPINE_DEV_DIR,
 * and run every client command from another directory: the stack is found through configuration.
 */
describe('spine dev up|status|down', () => {
  let dir: TempDir;
  afterEach(async () => {
    await runSpine(['dev', 'down'], { dbPath: dir.join('spine.db'), devDir: dir.join('.data') });
    dir.cleanup();
  });

  it('starts server and worker, runs the week pipeline with --async --wait from another directory, and stops exactly what it started', async () => {
    dir = tempDir('spine-devstack-');
    const files = await writeStackFile(dir, 'dev-stack-test', true);
    mkdirSync(dir.join('elsewhere'));
    const cli = { dbPath: dir.join('spine.db'), devDir: dir.join('.data'), cwd: dir.path, timeoutMs: 90_000 };
    const elsewhere = { ...cli, cwd: dir.join('elsewhere') };

    const up = await runSpine(['dev', 'up', '--config', files.config, '--json'], cli);
    expect(up.code, up.stderr).toBe(0);
    const { stack, server, worker } = up.json<DevUpOutput>();
    expect({ server, worker }).toEqual({ server: 'started', worker: 'started' });
    expect(stack).toMatchObject({
      databasePath: dir.join('spine.db'),
      configPath: files.config,
      server: { address: `127.0.0.1:${files.port}`, uiUrl: `http://127.0.0.1:${files.uiPort}` },
      worker: { taskQueue: 'dev-stack-test' },
    });

    // From another directory, without --config: the recorded stack is adopted as it is.
    const again = await runSpine(['dev', 'up', '--json'], elsewhere);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<DevUpOutput>()).toMatchObject({ alreadyRunning: true, server: 'adopted', worker: 'adopted' });

    const run = await runSpine(
      ['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--async', '--wait'],
      elsewhere,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`http://127.0.0.1:${files.uiPort}/namespaces/default/workflows/`);
    const [id] = /Execution:\s+(\S+)/.exec(run.stdout)?.slice(1) ?? [];
    const shown = await runSpine(['executions', 'show', id ?? '?', '--json'], elsewhere);
    expect(shown.json<{ execution: ExecutionRecord }>().execution).toMatchObject({
      status: 'completed',
      backend: 'temporal',
      result: { rows_in: 5328, quality: 'PASS' },
    });

    const otherDb = await runSpine(['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--async'], {
      ...elsewhere,
      dbPath: dir.join('other.db'),
    });
    expect(otherDb.code).toBe(2);
    expect(otherDb.stderr).toContain(`The dev stack's worker writes ${dir.join('spine.db')}`);

    const status = await runSpine(['dev', 'status', '--json'], elsewhere);
    expect(status.code, status.stderr).toBe(0);
    expect(status.json<DevStatus>()).toMatchObject({
      running: true,
      stackDir: dir.join('.data'),
      server: { reachable: true },
      worker: { polling: true, taskQueue: 'dev-stack-test' },
      strays: [],
      problems: [],
    });

    const down = await runSpine(['dev', 'down', '--json'], elsewhere);
    expect(down.json<DevDownResult>()).toMatchObject({ worker: 'stopped', server: 'stopped' });
    expect(isAlive(stack.server.pid)).toBe(false);
    expect(isAlive(stack.worker?.pid as number)).toBe(false);
    const after = await runSpine(['dev', 'status', '--json'], elsewhere);
    expect(after.code).toBe(3);
    expect(after.json<DevStatus>()).toMatchObject({ running: false, server: { pid: null } });
  });

  it('after kill -9 of the server: status exits 3, up restarts it with exactly one worker, down still stops the worker', async () => {
    dir = tempDir('spine-devcrash-');
    const files = await writeStackFile(dir, `dev-crash-${process.pid}`, false);
    mkdirSync(dir.join('elsewhere'));
    // The stack file comes from SPINE_DEV_CONFIG here, the stack directory from SPINE_DEV_DIR.
    const cli = {
      dbPath: dir.join('spine.db'),
      devDir: dir.join('.data'),
      cwd: dir.join('elsewhere'),
      timeoutMs: 90_000,
      env: { SPINE_DEV_CONFIG: files.config },
    };
    const address = `127.0.0.1:${files.port}`;
    const status = async (): Promise<{ code: number | null; status: DevStatus }> => {
      const r = await runSpine(['dev', 'status', '--json'], cli);
      return { code: r.code, status: r.json<DevStatus>() };
    };

    const first = await runSpine(['dev', 'up', '--json'], cli);
    expect(first.code, first.stderr).toBe(0);
    const { stack } = first.json<DevUpOutput>();
    const workerPid = stack.worker?.pid as number;
    expect(stack.configPath).toBe(files.config);
    expect(await status()).toMatchObject({ code: 0, status: { running: true } });

    // 1. The server dies: status says so (exit 3), a run is refused instead of going to whatever answers.
    await killHard(stack.server.pid);
    expect(await status()).toMatchObject({
      code: 3,
      status: {
        running: false,
        server: { alive: false, reachable: false },
        worker: { alive: true, polling: false },
        problems: expect.arrayContaining([expect.stringContaining('Temporal server')]) as unknown,
      },
    });
    const refused = await runSpine(['run', 'captures.gc', '--async'], cli);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`is down: its Temporal server (pid ${stack.server.pid}, ${address})`);

    // `dev up` restarts the server and keeps (or replaces) the one worker: never two.
    const restarted = await runSpine(['dev', 'up', '--json'], cli);
    expect(restarted.code, restarted.stderr).toBe(0);
    const second = restarted.json<DevUpOutput>();
    expect(second.server).toBe('restarted');
    expect(['adopted', 'replaced']).toContain(second.worker);
    expect(second.stack.server.pid).not.toBe(stack.server.pid);
    expect(workerPids(files.taskQueue)).toEqual([second.stack.worker?.pid]);
    // Temporal's view: the one identity polling from a live process is that worker's.
    expect(await livePollers(address, files.taskQueue)).toEqual([second.stack.worker?.identity]);
    expect(await status()).toMatchObject({ code: 0, status: { running: true } });
    const gc = await runSpine(['run', 'captures.gc', '--async', '--wait', '--json'], cli);
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.json<ExecutionRecord>()).toMatchObject({ status: 'completed', backend: 'temporal' });

    // 2. The server dies and dev-stack.json is lost: the orphaned worker is still found, never doubled.
    await killHard(second.stack.server.pid);
    rmSync(dir.join('.data', 'dev-stack.json'));
    const orphan = await status();
    expect(orphan.code).toBe(3);
    expect(orphan.status.strays).toEqual([{ pid: second.stack.worker?.pid, role: 'worker' }]);
    const third = await runSpine(['dev', 'up', '--json'], cli);
    expect(third.code, third.stderr).toBe(0);
    const thirdStack = third.json<DevUpOutput>().stack;
    expect(workerPids(files.taskQueue)).toEqual([thirdStack.worker?.pid]);

    // 3. The worker dies: status exits 3 naming it; `dev up` starts one again.
    await killHard(thirdStack.worker?.pid as number);
    expect(await status()).toMatchObject({
      code: 3,
      status: {
        server: { reachable: true },
        worker: { alive: false },
        problems: [expect.stringContaining('the worker') as unknown],
      },
    });
    const fourth = await runSpine(['dev', 'up', '--json'], cli);
    expect(fourth.json<DevUpOutput>()).toMatchObject({ server: 'adopted', worker: 'started' });
    const fourthStack = fourth.json<DevUpOutput>().stack;
    expect(workerPids(files.taskQueue)).toEqual([fourthStack.worker?.pid]);

    // 4. The server is killed again: `dev down` still stops the worker.
    await killHard(fourthStack.server.pid);
    const down = await runSpine(['dev', 'down', '--json'], cli);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json<DevDownResult>()).toMatchObject({
      worker: 'stopped',
      server: 'not running',
      stopped: [{ pid: fourthStack.worker?.pid, role: 'worker', outcome: 'stopped' }],
    });
    expect(workerPids(files.taskQueue)).toEqual([]);
    expect(isAlive(workerPid)).toBe(false);
    expect(await status()).toMatchObject({ code: 3, status: { running: false, strays: [] } });
  }, 300_000);
});
