/**
 * Issue 4 retention: `pruneExecutions` at its exact cutoff, and `spine executions prune` with --older-than,
 * --dry-run and the SPINE_EVENTS_RETENTION_DAYS default. Running and pending executions are never pruned.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { pruneExecutions } from '../../../src/core/execution/history.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { DAY, HOUR, ago, count, insertEvent, insertExecution } from './seed.js';

const P = 'finra.otc_transparency.week';

let dir: TempDir;
let dbPath: string;
let db: Db;

beforeEach(() => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  db = openTempDb(dbPath);
});

afterEach(() => {
  db.close();
  dir.cleanup();
});

/** An execution with `events` lifecycle events, all at its created_at. */
function seed(
  id: string,
  status: 'running' | 'pending' | 'completed' | 'failed',
  createdAt: string,
  events = 3,
  parentId?: string,
): void {
  insertExecution(db, { id, pipeline: P, status, createdAt, ...(parentId ? { parentId } : {}) });
  for (const type of ['submitted', 'started', 'completed'].slice(0, events)) insertEvent(db, id, type, createdAt);
}

const executionIds = (): string[] =>
  (db.prepare('SELECT id FROM core_executions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
const eventsOf = (id: string): number =>
  count(db, 'SELECT COUNT(*) AS n FROM core_execution_events WHERE execution_id = ?', id);

describe('pruneExecutions', () => {
  const cutoff = '2025-06-01T00:00:00.000Z';

  beforeEach(() => {
    seed('a-before', 'completed', '2025-05-31T23:59:59.999Z');
    seed('b-failed-before', 'failed', '2025-01-01T00:00:00.000Z', 2);
    seed('c-at-cutoff', 'completed', cutoff);
    seed('d-after', 'completed', '2025-06-01T00:00:00.001Z');
    seed('e-running-old', 'running', '2024-01-01T00:00:00.000Z', 2);
    seed('f-pending-old', 'pending', '2024-01-01T00:00:00.000Z', 1);
    seed('g-child-of-a', 'completed', '2025-07-01T00:00:00.000Z', 3, 'a-before');
  });

  it('deletes finished executions created before the cutoff with their events and keeps the one created at it', () => {
    const result = pruneExecutions(db, cutoff, false);

    expect(result).toEqual({ cutoff, executions: 2, events: 5, dryRun: false });
    expect(executionIds()).toEqual(['c-at-cutoff', 'd-after', 'e-running-old', 'f-pending-old', 'g-child-of-a']);
    expect(eventsOf('a-before') + eventsOf('b-failed-before')).toBe(0);
    expect(eventsOf('c-at-cutoff')).toBe(3);
  });

  it('never prunes a running or pending execution however old', () => {
    pruneExecutions(db, '2030-01-01T00:00:00.000Z', false);

    expect(executionIds()).toEqual(['e-running-old', 'f-pending-old']);
    expect(eventsOf('e-running-old')).toBe(2);
    expect(eventsOf('f-pending-old')).toBe(1);
  });

  it('keeps a child whose parent was pruned, detached from it', () => {
    pruneExecutions(db, cutoff, false);

    const child = db
      .prepare(`SELECT parent_execution_id AS p FROM core_executions WHERE id = 'g-child-of-a'`)
      .get() as {
      p: string | null;
    };
    expect(child.p).toBeNull();
  });

  it('counts the same rows in a dry run and deletes nothing', () => {
    const before = count(db, 'SELECT COUNT(*) AS n FROM core_execution_events');

    const dry = pruneExecutions(db, cutoff, true);

    expect(dry).toEqual({ cutoff, executions: 2, events: 5, dryRun: true });
    expect(executionIds()).toHaveLength(7);
    expect(count(db, 'SELECT COUNT(*) AS n FROM core_execution_events')).toBe(before);
  });
});

describe('spine executions prune', () => {
  it('prunes an execution an hour older than --older-than 90d and keeps one an hour younger; --dry-run first changes nothing', () => {
    const now = new Date();
    seed('old', 'completed', ago(now, 90 * DAY + HOUR));
    seed('young', 'completed', ago(now, 90 * DAY - HOUR));
    seed('running', 'running', ago(now, 400 * DAY), 2);

    const dry = runCli(['executions', 'prune', '--older-than', '90d', '--dry-run'], { dbPath });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Would delete 1 execution\(s\) and 3 event\(s\) created before \d{4}-\d{2}-\d{2}T/);
    expect(executionIds()).toEqual(['old', 'running', 'young']);
    expect(count(db, 'SELECT COUNT(*) AS n FROM core_execution_events')).toBe(8);

    const real = runCli(['executions', 'prune', '--older-than', '90d', '--json'], { dbPath });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json<{ executions: number; events: number }>()).toMatchObject({ executions: 1, events: 3 });
    expect(executionIds()).toEqual(['running', 'young']);
    expect(eventsOf('old')).toBe(0);
  });

  it('says dryRun false in the --json result of a real prune', () => {
    const res = runCli(['executions', 'prune', '--older-than', '90d', '--json'], { dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(res.json<Record<string, unknown>>()).toEqual({
      cutoff: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) as unknown,
      executions: 0,
      events: 0,
      dryRun: false,
    });
  });

  it('defaults the age to SPINE_EVENTS_RETENTION_DAYS', () => {
    const now = new Date();
    seed('31-days', 'failed', ago(now, 31 * DAY));
    seed('29-days', 'failed', ago(now, 29 * DAY));

    const res = runCli(['executions', 'prune'], { dbPath, env: { SPINE_EVENTS_RETENTION_DAYS: '30' } });

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Deleted 1 execution\(s\) and 3 event\(s\)/);
    expect(executionIds()).toEqual(['29-days']);
  });

  it('refuses a bad --older-than with exit 2 naming the flag', () => {
    const res = runCli(['executions', 'prune', '--older-than', 'ninety days', '--json'], { dbPath });

    expect(res.code).toBe(2);
    const { error } = res.json<{ error: { code: string; details: { invalid: Record<string, string> } } }>();
    expect(error.code).toBe('INVALID_PARAMS');
    expect(Object.keys(error.details.invalid)).toEqual(['older-than']);
  });
});
