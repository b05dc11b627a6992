/**
 * Issue 4: `listExecutions` and `spine executions list` filters over executions seeded at controlled
 * created_at values (relative to now for 90m/24h/7d, absolute for dates and instants), and bad --since values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { listExecutions } from '../../../src/core/execution/history.js';
import type { ExecutionFilter, ExecutionListItem } from '../../../src/core/execution/history.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { DAY, HOUR, MINUTE, ago, insertExecution } from './seed.js';
import type { SeedExecution } from './seed.js';

const WEEK = 'finra.otc_transparency.week';

interface ErrorJson {
  error: { code: string; message: string; details: { invalid?: Record<string, string> }; exitCode: number };
}

let dir: TempDir;
let dbPath: string;
let db: Db;

/** Seeded rows, newest first: G A B C D E F. */
function seed(now: Date): SeedExecution[] {
  return [
    {
      id: 'exec-G',
      pipeline: WEEK,
      status: 'running',
      createdAt: ago(now, 5 * MINUTE),
      params: { week_ending: '2025-12-19', tier: 'NMS_TIER_2' },
    },
    {
      id: 'exec-A',
      pipeline: WEEK,
      status: 'failed',
      createdAt: ago(now, 30 * MINUTE),
      params: { week_ending: '2025-12-19', tier: 'OTC' },
      errorCode: 'SOURCE_ERROR',
      errorStage: 'ingest',
    },
    {
      id: 'exec-B',
      pipeline: WEEK,
      status: 'completed',
      createdAt: ago(now, 3 * HOUR),
      params: { file_path: 'finra_otc_weekly_otc_20251215.csv' },
      result: { week_ending: '2025-12-12', tier: 'OTC' },
    },
    { id: 'exec-C', pipeline: 'captures.gc', status: 'completed', createdAt: ago(now, 2 * DAY), params: { keep: 3 } },
    {
      id: 'exec-D',
      pipeline: WEEK,
      status: 'failed',
      createdAt: ago(now, 10 * DAY),
      params: { week_ending: '2025-12-12', tier: 'NMS_TIER_1' },
      errorCode: 'QUALITY_GATE_FAILED',
      errorStage: 'publish',
    },
    {
      id: 'exec-E',
      pipeline: 'finra.otc_transparency.normalize_week',
      status: 'completed',
      createdAt: '2025-12-01T00:00:00.000Z',
      params: { week_ending: '2025-12-12', tier: 'NMS_TIER_1' },
    },
    {
      id: 'exec-F',
      pipeline: WEEK,
      status: 'failed',
      createdAt: '2025-11-30T23:59:59.999Z',
      params: { week_ending: '2025-11-28', tier: 'OTC' },
      errorCode: 'SOURCE_ERROR',
      errorStage: 'ingest',
    },
  ];
}

const ids = (rows: readonly ExecutionListItem[]): string[] => rows.map((r) => r.id);
const list = (f: ExecutionFilter): string[] => ids(listExecutions(db, f));

function cliList(...flags: string[]): string[] {
  const res = runCli(['executions', 'list', '--json', ...flags], { dbPath });
  expect(res.code, res.stderr).toBe(0);
  return ids(res.json<{ executions: ExecutionListItem[] }>().executions);
}

beforeAll(() => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  db = openTempDb(dbPath);
  for (const e of seed(new Date())) insertExecution(db, e);
});

afterAll(() => {
  db.close();
  dir.cleanup();
});

describe('listExecutions', () => {
  it('lists every execution newest first when no filter is given', () => {
    expect(list({})).toEqual(['exec-G', 'exec-A', 'exec-B', 'exec-C', 'exec-D', 'exec-E', 'exec-F']);
  });

  it('filters by status and by pipeline', () => {
    expect(list({ status: 'failed' })).toEqual(['exec-A', 'exec-D', 'exec-F']);
    expect(list({ pipeline: 'captures.gc' })).toEqual(['exec-C']);
  });

  it('matches --week against the params or, for file runs, the result', () => {
    expect(list({ week: '2025-12-12' })).toEqual(['exec-B', 'exec-D', 'exec-E']);
  });

  it('matches --tier against the result or the params', () => {
    expect(list({ tier: 'OTC' })).toEqual(['exec-A', 'exec-B', 'exec-F']);
  });

  it('includes created_at equal to since and excludes created_at equal to until', () => {
    expect(list({ since: '2025-12-01T00:00:00.000Z', until: '2025-12-01T00:00:00.001Z' })).toEqual(['exec-E']);
    expect(list({ until: '2025-12-01T00:00:00.000Z' })).toEqual(['exec-F']);
  });

  it('combines filters with AND and applies the limit last', () => {
    expect(list({ status: 'failed', tier: 'OTC', pipeline: WEEK })).toEqual(['exec-A', 'exec-F']);
    expect(list({ status: 'failed', limit: 1 })).toEqual(['exec-A']);
  });

  it('carries week, tier and the error on each listed row', () => {
    const [a] = listExecutions(db, { status: 'failed', limit: 1 });
    expect(a).toMatchObject({
      id: 'exec-A',
      pipeline: WEEK,
      status: 'failed',
      week_ending: '2025-12-19',
      tier: 'OTC',
      error_code: 'SOURCE_ERROR',
      error_stage: 'ingest',
    });
  });
});

describe('spine executions list', () => {
  it('filters by --status, --pipeline, --week and --tier (tier aliases accepted)', () => {
    expect(cliList('--status', 'failed')).toEqual(['exec-A', 'exec-D', 'exec-F']);
    expect(cliList('--pipeline', 'finra.otc_transparency.normalize_week')).toEqual(['exec-E']);
    expect(cliList('--week', '2025-12-12')).toEqual(['exec-B', 'exec-D', 'exec-E']);
    expect(cliList('--tier', 'tier1')).toEqual(['exec-D', 'exec-E']);
  });

  it('returns the newest N with --limit', () => {
    expect(cliList('--limit', '2')).toEqual(['exec-G', 'exec-A']);
  });

  it('reads --since as minutes, hours or days back from now', () => {
    expect(cliList('--since', '90m')).toEqual(['exec-G', 'exec-A']);
    expect(cliList('--since', '24h')).toEqual(['exec-G', 'exec-A', 'exec-B']);
    expect(cliList('--since', '7d')).toEqual(['exec-G', 'exec-A', 'exec-B', 'exec-C']);
  });

  it('reads --since as a date (midnight UTC) or an ISO instant, and --until the same way', () => {
    expect(cliList('--since', '2025-12-01')).toEqual(['exec-G', 'exec-A', 'exec-B', 'exec-C', 'exec-D', 'exec-E']);
    expect(cliList('--since', '2025-12-01T00:00:00.001Z')).toEqual(['exec-G', 'exec-A', 'exec-B', 'exec-C', 'exec-D']);
    expect(cliList('--until', '2025-12-01')).toEqual(['exec-F']);
    expect(cliList('--since', '2025-11-30T23:00:00Z', '--until', '2025-12-01T00:00:00.001Z')).toEqual([
      'exec-E',
      'exec-F',
    ]);
  });

  it('combines --status failed --since 7d --tier otc into one window', () => {
    expect(cliList('--status', 'failed', '--since', '7d', '--tier', 'otc')).toEqual(['exec-A']);
  });

  it.each(['7x', 'yesterday', '2025-13-01'])(
    'refuses --since %s with exit 2 and INVALID_PARAMS naming the flag',
    (value) => {
      const res = runCli(['executions', 'list', '--since', value, '--json'], { dbPath });

      expect(res.code).toBe(2);
      const { error } = res.json<ErrorJson>();
      expect(error.code).toBe('INVALID_PARAMS');
      expect(error.exitCode).toBe(2);
      expect(Object.keys(error.details.invalid ?? {})).toEqual(['since']);
      expect(error.message).toContain('since');
      expect(error.message).toContain(value);
    },
  );

  it('explains a bad --until on stderr in human mode, naming the flag', () => {
    const res = runCli(['executions', 'list', '--until', 'soon'], { dbPath });

    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('INVALID_PARAMS');
    expect(res.stderr).toContain("Invalid --until: 'soon' is not 'now', a duration");
  });
});
