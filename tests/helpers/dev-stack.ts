/**
 * A private `spine dev up` stack for tests that start their own (tests/integration/temporal): a stack file
 * on free ports with its own task queue, and what Temporal and /proc say about its processes, read
 * independently of the code under test.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import { isAlive } from '../../src/backends/temporal/dev-stack/state.js';
import type { TempDir } from './tmp-db.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface StackFiles {
  /** The stack file (`--config` / SPINE_DEV_CONFIG), `<dir>/stack/temporal-dev.yml`. */
  readonly config: string;
  readonly port: number;
  readonly uiPort: number | null;
  readonly taskQueue: string;
}

/**
 * Writes `<dir>/stack/temporal-dev.yml`: the project's stack (search attributes, namespace `default`) on
 * free ports, with `taskQueue`, a Web UI only `withUi`, and its server database beside the file.
 */
export async function writeStackFile(dir: TempDir, taskQueue: string, withUi: boolean): Promise<StackFiles> {
  const port = await freePort();
  const uiPort = withUi ? await freePort() : null;
  const config = dir.join('stack', 'temporal-dev.yml');
  mkdirSync(dir.join('stack'), { recursive: true });
  writeFileSync(
    config,
    [
      'temporal:',
      '  ip: 127.0.0.1',
      `  port: ${port}`,
      `  uiPort: ${uiPort ?? 'null'}`,
      '  dbFilename: temporal.db',
      '  searchAttributes: { SpinePipeline: Keyword, SpineExecutionId: Keyword, SpineWeekEnding: Keyword, SpineTier: Keyword, SpineCaptureId: Keyword }',
      'worker:',
      `  taskQueue: ${taskQueue}`,
      '  maxConcurrentActivityTaskExecutions: 2',
    ].join('\n'),
  );
  return { config, port, uiPort, taskQueue };
}

/**
 * The identities Temporal lists as polling the queue's workflow tasks whose process is alive (the server
 * keeps listing a poller for a while after it stopped).
 */
export async function livePollers(address: string, taskQueue: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
    });
    return (res.pollers ?? [])
      .map((p) => p.identity ?? '')
      .filter((identity) => {
        const pid = Number(/^spine-worker-(\d+)@/.exec(identity)?.[1] ?? 0);
        return pid > 0 && isAlive(pid);
      });
  } finally {
    await connection.close();
  }
}

/**
 * Every live process of the stack in `stackDir`: `spine dev up` starts its server and worker with
 * SPINE_DEV_STACK=<stack dir> in their environment, which /proc/<pid>/environ shows.
 */
export function stackPids(stackDir: string): number[] {
  const marker = `SPINE_DEV_STACK=${stackDir}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
