/**
 * `spine status` after `spine sync` runs against the fake FINRA Query API, all through the built CLI: a
 * week the API answers 503 for is a source problem (not late), a week the API withholds is late, both
 * alert once, and both recover once when a later sync publishes them.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/app/status.js';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';
import { BIN, cliEnv, REPO_ROOT } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

/** After every run the test makes (runs and captures carry the real clock). */
const LATER = '2030-01-01T00:00:00Z';
const SYNC = ['run', 'finra.otc_transparency.sync', 'tier=otc', 'as_of=2026-02-02', 'lookback_weeks=3', '--json'];

let dir: TempDir;
let fake: RunningFake;
let alertsFile: string;

beforeEach(async () => {
  dir = tempDir();
  alertsFile = dir.join('alerts.jsonl');
  fake = await startFakeFinra({ rowsPerWeek: 40, now: '2026-02-02T06:00:00.000Z' });
});
afterEach(async () => {
  await fake.stop();
  dir.cleanup();
});

/** The CLI in a child process, so the in-process fake API keeps answering while it runs. */
function spine(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(
        { SPINE_DATABASE_PATH: dir.join('spine.db') },
        {
          SPINE_FINRA_API_URL: fake.url,
          SPINE_FINRA_RETRY_BASE_MS: '5',
          SPINE_RETRY_MAX_ATTEMPTS: '1',
          SPINE_RETRY_INITIAL_MS: '1',
          SPINE_ALERT_COMMAND: `cat >> '${alertsFile}'; echo >> '${alertsFile}'`,
        },
      ),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function status(...args: string[]): Promise<{ code: number | null; result: StatusResult }> {
  const res = await spine(['status', '--tier', 'otc', '--json', '--now', LATER, '--record', ...args]);
  return { code: res.code, result: JSON.parse(res.stdout) as StatusResult };
}

function alerts(): { kind: string; weeks: { week_ending: string; reason?: string }[] }[] {
  if (!existsSync(alertsFile)) return [];
  return readFileSync(alertsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { kind: string; weeks: { week_ending: string; reason?: string }[] })
    .filter((a) => a.kind.startsWith('freshness_')); // the failed sync run also alerts, as a dead letter
}

describe('spine status after spine sync', () => {
  it('503 for a week is a source problem, a withheld week is late; both alert once and recover once', async () => {
    fake.api.outage({ status: 503, requests: 100_000, weeks: ['2026-01-02'] });
    fake.api.withhold('OTC', '2025-12-26');
    const sync = await spine(SYNC);
    expect(sync.code, sync.stderr).toBe(1);
    const syncId = (JSON.parse(sync.stdout) as { error: { code: string; details: { execution: { id: string } } } })
      .error;
    expect(syncId.code).toBe('SOURCE_UNAVAILABLE');

    const window = ['--from', '2025-12-19', '--to', '2026-01-02'];
    const first = await status(...window);
    expect(first.code).toBe(4);
    const weeks = first.result.tiers[0]?.weeks ?? [];
    expect(weeks.map((w) => [w.week_ending, w.state, w.flags])).toEqual([
      ['2026-01-02', 'source_problem', ['source_problem']],
      ['2025-12-26', 'late', ['late']],
      ['2025-12-19', 'published', ['published']],
    ]);
    expect(weeks[0]).toMatchObject({
      error_code: 'SOURCE_UNAVAILABLE',
      last_execution_id: syncId.details.execution.id,
      last_execution_pipeline: 'finra.otc_transparency.sync',
    });
    // The outage alone (without the withheld week) exits 5.
    const outageOnly = await status('--from', '2026-01-02', '--to', '2026-01-02');
    expect(outageOnly.code).toBe(5);
    expect(alerts().map((a) => [a.kind, a.weeks.map((w) => `${w.week_ending} ${w.reason}`)])).toEqual([
      ['freshness_late', ['2026-01-02 source_unavailable', '2025-12-26 no_capture']],
    ]);

    fake.api.clearOutages();
    fake.api.release('OTC', '2025-12-26');
    const again = await spine(SYNC);
    expect(again.code, again.stderr).toBe(0);
    const recovered = await status(...window);
    expect(recovered.code).toBe(0);
    expect(recovered.result.tiers[0]?.weeks.map((w) => w.state)).toEqual(['published', 'published', 'published']);
    expect((await status(...window)).result.incidents).toEqual({ opened: [], recovered: [] });
    expect(alerts().map((a) => [a.kind, a.weeks.map((w) => w.week_ending)])).toEqual([
      ['freshness_late', ['2026-01-02', '2025-12-26']],
      ['freshness_recovered', ['2026-01-02', '2025-12-26']],
    ]);
  }, 180_000);
});
