import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;
let writer: EventWriter;

function rows(): Record<string, unknown>[] {
  return db.prepare('SELECT * FROM core_execution_events ORDER BY id').all() as Record<string, unknown>[];
}

beforeEach(() => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
  writer = new EventWriter(db, fixedClock('2025-12-15T10:00:00.000Z', 1000));
});

afterEach(() => {
  db.close();
  dir.cleanup();
});

describe('EventWriter', () => {
  it('writes the same event only once, returning false for the repeat', () => {
    const event = { type: 'stage_started', stage: 'ingest', attempt: 1 } as const;

    expect(writer.write('e-1', event)).toBe(true);
    expect(writer.write('e-1', event)).toBe(false);

    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toMatchObject({
      execution_id: 'e-1',
      event_type: 'stage_started',
      stage: 'ingest',
      attempt: 1,
      status: 'running',
      at: '2025-12-15T10:00:00.000Z',
      idempotency_key: 'e-1|stage_started|ingest|1|',
    });
  });

  it('keeps events apart that differ in attempt, stage, execution or progress span', () => {
    writer.write('e-1', { type: 'stage_started', stage: 'ingest', attempt: 1 });
    writer.write('e-1', { type: 'stage_started', stage: 'ingest', attempt: 2 });
    writer.write('e-1', { type: 'stage_started', stage: 'normalize' });
    writer.write('e-2', { type: 'stage_started', stage: 'ingest' });
    writer.write('e-1', { type: 'progress', stage: 'ingest', step: 'ingest.parse', spanId: 'aaaaaaaa' });
    writer.write('e-1', { type: 'progress', stage: 'ingest', step: 'ingest.parse', spanId: 'bbbbbbbb' });
    writer.write('e-1', { type: 'progress', stage: 'ingest', step: 'ingest.parse', spanId: 'bbbbbbbb' });

    expect(rows()).toHaveLength(6);
    expect(
      rows()
        .filter((r) => r['event_type'] === 'progress')
        .map((r) => r['step']),
    ).toEqual(['ingest.parse', 'ingest.parse']);
  });

  it('stores the retry delay in the payload and the error in its own columns', () => {
    writer.write('e-1', {
      type: 'retrying',
      stage: 'fetch',
      attempt: 2,
      delayMs: 4000,
      error: { type: 'EXECUTION_FAILED', message: 'boom', stack: 'Error: boom\n    at x' },
      payload: { note: 'transient' },
    });

    expect(rows()[0]).toMatchObject({
      event_type: 'retrying',
      attempt: 2,
      status: 'running',
      payload: '{"note":"transient","delay_ms":4000}',
      error_type: 'EXECUTION_FAILED',
      error_message: 'boom',
      error_stack: 'Error: boom\n    at x',
    });
  });

  it('stores rows_in, rows_out and capture_id of a completed stage and the status of terminal events', () => {
    writer.write('e-1', { type: 'submitted', payload: { pipeline: 'p' } });
    writer.write('e-1', { type: 'stage_completed', stage: 'ingest', rowsIn: 10, rowsOut: 9, captureId: 'c-1' });
    writer.write('e-1', { type: 'failed', stage: 'ingest', error: { type: 'X', message: 'y' } });
    writer.write('e-1', { type: 'completed' });

    expect(rows().map((r) => [r['event_type'], r['status'], r['rows_in'], r['rows_out'], r['capture_id']])).toEqual([
      ['submitted', 'pending', null, null, null],
      ['stage_completed', 'running', 10, 9, 'c-1'],
      ['failed', 'failed', null, null, null],
      ['completed', 'completed', null, null, null],
    ]);
    expect(rows()[0]?.['payload']).toBe('{"pipeline":"p"}');
  });
});
