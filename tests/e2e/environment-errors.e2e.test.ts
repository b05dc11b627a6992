/**
 * Exit code 3 for environment problems (README "Everyday use"): a database that cannot be opened, and a
 * Temporal address where no Temporal server answers, through the built binary. The "server" that does
 * not answer is a TCP listener on a port the OS chose, kept open for the test and closing every
 * connection at once, so no other process can take the port in between.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSpine } from '../helpers/temporal-cli.js';
import type { CliResult } from '../helpers/run-cli.js';
import { openTempDb, tempDir } from '../helpers/tmp-db.js';
import type { TempDir } from '../helpers/tmp-db.js';

interface ErrorJson {
  error: { code: string; message: string; exitCode: number };
}

const GOOD = fileURLToPath(new URL('../fixtures/otc/pipeline/good_otc_20251215.psv', import.meta.url));

let dir: TempDir;

beforeEach(() => {
  dir = tempDir('spine-env-');
});

afterEach(() => {
  dir.cleanup();
});

const spine = (dbPath: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runSpine([...args, '--json'], { dbPath, devDir: dir.join('.data'), env });

describe('a database that cannot be opened', () => {
  it('exits 3 with DATABASE_ERROR when the database path is a directory', async () => {
    const res = await spine(dir.path, ['executions', 'list']);

    expect(res.code).toBe(3);
    expect(res.json<ErrorJson>().error).toMatchObject({
      code: 'DATABASE_ERROR',
      message: 'unable to open database file',
      exitCode: 3,
    });
  });

  it('exits 3 with DATABASE_ERROR when the file is not a SQLite database, for a run too', async () => {
    const garbage = dir.join('spine.db');
    writeFileSync(garbage, Buffer.alloc(8192, 'not a database '));

    const list = await spine(garbage, ['executions', 'list']);
    const run = await spine(garbage, ['run', 'finra.otc_transparency.week', '--file', GOOD]);

    for (const res of [list, run]) {
      expect(res.code).toBe(3);
      expect(res.json<ErrorJson>().error).toMatchObject({ code: 'DATABASE_ERROR', message: 'file is not a database' });
    }
  });
});

describe('a Temporal server that is not there', () => {
  let server: Server;
  let address: string;

  beforeEach(async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('exits 3 with TEMPORAL_UNAVAILABLE for `run --async` and records the execution as failed', async () => {
    const dbPath = dir.join('spine.db');

    const res = await spine(dbPath, ['run', 'finra.otc_transparency.week', '--file', GOOD, '--async'], {
      SPINE_TEMPORAL_ADDRESS: address,
    });

    expect(res.code).toBe(3);
    const { error } = res.json<ErrorJson>();
    expect(error).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE', exitCode: 3 });
    expect(error.message).toContain(`Temporal server at ${address} is not reachable`);
    const db = openTempDb(dbPath, { migrate: false });
    try {
      expect(db.prepare('SELECT lane, backend, status, error_code FROM core_executions').all()).toEqual([
        { lane: 'background', backend: 'temporal', status: 'failed', error_code: 'TEMPORAL_UNAVAILABLE' },
      ]);
    } finally {
      db.close();
    }
  });

  it('exits 3 with TEMPORAL_UNAVAILABLE for `schedules list`', async () => {
    const res = await spine(dir.join('spine.db'), ['schedules', 'list'], { SPINE_TEMPORAL_ADDRESS: address });

    expect(res.code).toBe(3);
    expect(res.json<ErrorJson>().error.code).toBe('TEMPORAL_UNAVAILABLE');
  });
});
