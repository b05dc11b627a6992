/**
 * Liveness by time on Temporal: a stage that blocks its thread far longer than the heartbeat timeout (as
 * one long SQLite statement does on a busy machine) still completes in ONE attempt, because the stage
 * runs in a stage thread while the activity heartbeats from its own event loop. And concurrent
 * background submissions of one week in different spellings start one workflow and publish one capture.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { openTestStack, useTestTemporal } from '../../helpers/temporal-env.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { setEnv, tempDir } from '../../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const SAMPLE = new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url).pathname;

describe('liveness on Temporal', () => {
  const temporal = useTestTemporal();

  it('a stage blocked three times longer than the heartbeat timeout completes with one attempt', async () => {
    const dir = tempDir('spine-liveness-');
    const faults = dir.join('faults.json');
    writeFileSync(faults, JSON.stringify({ [`${WEEK}/normalize`]: { blockMs: 9_000 } }));
    // Stage threads share the process environment (worker_threads SHARE_ENV).
    const restore = setEnv({ SPINE_FAULTS_FILE: faults });
    const stack = openTestStack(temporal(), {
      name: 'liveness',
      dir,
      env: { SPINE_HEARTBEAT_TIMEOUT_MS: '3000', SPINE_RETRY_INITIAL_MS: '100' },
    });
    const worker = await stack.startWorker();
    try {
      const run = (await stack.client.dispatcher.submit(
        WEEK,
        { file_path: SAMPLE },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;
      expect(run.status).toBe('completed');
      expect(run.attempts).toBe(1);
      const db = stack.client.db;
      expect(eventsOf(db, run.id, 'retrying')).toEqual([]);
      const normalize = eventsOf(db, run.id, 'stage_started').filter((e) => e.stage === 'normalize');
      expect(normalize.map((e) => e.attempt)).toEqual([1]);
      const captures = db.prepare(`SELECT status FROM core_captures`).all();
      expect(captures).toEqual([{ status: 'published' }]);
    } finally {
      await worker.stop();
      restore();
      stack.cleanup();
      dir.cleanup();
    }
  }, 120_000);

  it('three concurrent background submissions of one week in different spellings run one workflow', async () => {
    const dir = tempDir('spine-spellings-');
    mkdirSync(dir.join('x'));
    symlinkSync(SAMPLE, dir.join('link.csv'));
    const stack = openTestStack(temporal(), { name: 'spellings', dir });
    const worker = await stack.startWorker();
    try {
      const submit = (params: Record<string, string>): Promise<ExecutionRecord> =>
        stack.client.dispatcher.submit(WEEK, params, { lane: 'background', wait: true }) as Promise<ExecutionRecord>;
      const runs = await Promise.all([
        submit({ file_path: SAMPLE }),
        submit({ file_path: `${dir.join('x')}/../link.csv` }),
        submit({ file_path: SAMPLE, week_ending: '2025-12-12', tier: 'otc' }),
      ]);
      const ids = new Set(runs.map((r) => r.id));
      expect(ids.size).toBe(1);
      expect(runs[0]?.status).toBe('completed');
      const db = stack.client.db;
      expect(db.prepare(`SELECT COUNT(*) AS n FROM core_captures WHERE status = 'published'`).get()).toEqual({ n: 1 });
      const attached = db
        .prepare(`SELECT COUNT(*) AS n FROM core_executions WHERE json_extract(result, '$.attached_to') = ?`)
        .get(runs[0]?.id) as { n: number };
      expect(attached.n).toBe(2);
      expect(runs[0]?.workflowId).toMatch(/^spine:finra\.otc_transparency\.week:OTC:2025-12-12:file:[0-9a-f]{16}$/);
    } finally {
      await worker.stop();
      stack.cleanup();
      dir.cleanup();
    }
  }, 120_000);
});
