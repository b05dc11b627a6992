/**
 * The point-in-time lookups on a real SQLite file with a hand-made capture history of one (week, tier):
 * which capture answers `latest`, `--as-of <instant>`, `--published-as-of <date>` and a capture id, and
 * what each refuses. The pipelines' end-to-end answers are in tests/integration-sync/point-in-time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import {
  captureAsOf,
  captureById,
  capturePublishedAsOf,
  firstCapture,
  getLatestCapture,
  resolveCapture,
} from '../../../src/core/query/point-in-time.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;

const W = '2025-12-12';
const T = 'OTC';
const at = (hh: string): string => `2025-12-15T${hh}:00:00.000000+00:00`;

function capture(id: string, capturedAt: string, status: string, sourceDate: string | null, over = {}): void {
  const c = { domain: 'd', week_ending: W, tier: T, ...over };
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, source_last_update_date, status,
       execution_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'e', '2025-12-15')`,
  ).run(id, c.domain, c.week_ending, c.tier, capturedAt, sourceDate, status);
}

const idOf = (c: { capture_id: string } | undefined): string | undefined => c?.capture_id;

beforeEach(() => {
  dir = tempDir('spine-pit-');
  db = openTempDb(dir.join('spine.db'));
  // 01: superseded; 02 and 03 published (03 newest); 04 staged; 05 failed; 06 deleted by gc at 06.
  // Source dates (clock 2): 01 12-15, 02 12-16, 03 12-16 (same day as 02, captured later), 04 12-17.
  capture('c01', at('01'), 'superseded', '2025-12-15');
  capture('c02', at('02'), 'published', '2025-12-16');
  capture('c03', at('03'), 'published', '2025-12-16');
  capture('c04', at('04'), 'staged', '2025-12-17');
  capture('c05', at('05'), 'failed', '2025-12-17');
  // Other partitions and domains never answer for (d, W, OTC).
  capture('x01', at('09'), 'published', '2025-12-20', { tier: 'NMS_TIER_1' });
  capture('x02', at('09'), 'published', '2025-12-20', { week_ending: '2025-12-19' });
  capture('x03', at('09'), 'published', '2025-12-20', { domain: 'other' });
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

describe('latest', () => {
  it('is the newest published capture of the partition, with every column', () => {
    expect(getLatestCapture(db, 'd', W, T)).toEqual({
      capture_id: 'c03',
      week_ending: W,
      tier: T,
      captured_at: at('03'),
      source_last_update_date: '2025-12-16',
      status: 'published',
    });
    expect(getLatestCapture(db, 'd', W, 'NMS_TIER_2')).toBeUndefined();
  });
});

describe('as of an instant', () => {
  it('is the newest capture captured at or before it, ignoring staged and failed ones', () => {
    expect(idOf(captureAsOf(db, 'd', W, T, at('02')))).toBe('c02');
    expect(idOf(captureAsOf(db, 'd', W, T, '2025-12-15T02:30:00.000000+00:00'))).toBe('c02');
    expect(idOf(captureAsOf(db, 'd', W, T, at('09')))).toBe('c03');
    expect(captureAsOf(db, 'd', W, T, '2025-12-15T00:59:59.000000+00:00')).toBeUndefined();
  });

  it('refuses with NOT_FOUND when the capture that was latest then has since been superseded or deleted', () => {
    expect(() => captureAsOf(db, 'd', W, T, '2025-12-15T01:30:00.000000+00:00')).toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: `Capture c01 was the latest for week ${W} tier ${T} at 2025-12-15T01:30:00.000000+00:00, but it has been superseded`,
        details: { capture_id: 'c01', status: 'superseded' },
      }),
    );
    capture('c06', at('06'), 'deleted', '2025-12-18');
    expect(() => captureAsOf(db, 'd', W, T, at('07'))).toThrow('but it has been deleted');
  });
});

describe('as published on a source date', () => {
  it('is the published capture with the newest source date on or before it, the later capture on a tie', () => {
    expect(idOf(capturePublishedAsOf(db, 'd', W, T, '2025-12-16'))).toBe('c03');
    expect(idOf(capturePublishedAsOf(db, 'd', W, T, '2025-12-31'))).toBe('c03');
    // c01 was superseded: it no longer answers, even for its own source date.
    expect(capturePublishedAsOf(db, 'd', W, T, '2025-12-15')).toBeUndefined();
  });

  it('prefers the newer source date over the newer capture', () => {
    capture('c07', at('07'), 'published', '2025-12-14');
    expect(idOf(capturePublishedAsOf(db, 'd', W, T, '2025-12-31'))).toBe('c03');
    expect(idOf(capturePublishedAsOf(db, 'd', W, T, '2025-12-15'))).toBe('c07');
  });
});

describe('first capture', () => {
  it('is the oldest capture of any status but staged or failed, over the given weeks and tiers', () => {
    expect(idOf(firstCapture(db, 'd', [W], [T]))).toBe('c01');
    expect(idOf(firstCapture(db, 'd', undefined, [T]))).toBe('c01');
    expect(idOf(firstCapture(db, 'd', [], ['NMS_TIER_1']))).toBe('x01');
    expect(idOf(firstCapture(db, 'd', ['2025-12-19', W], ['NMS_TIER_1', T]))).toBe('c01');
    expect(idOf(firstCapture(db, 'd', ['2025-12-19'], [T]))).toBe('x02');
    expect(firstCapture(db, 'd', ['2025-12-26'], [T])).toBeUndefined();
    db.prepare(`UPDATE core_captures SET status = 'staged' WHERE capture_id = 'c01'`).run();
    expect(idOf(firstCapture(db, 'd', [W], [T]))).toBe('c02');
    db.prepare(`UPDATE core_captures SET status = 'deleted' WHERE capture_id = 'c01'`).run();
    expect(idOf(firstCapture(db, 'd', [W], [T]))).toBe('c01');
  });
});

describe('resolveCapture', () => {
  it('answers each as-of rule for one partition', () => {
    expect(idOf(resolveCapture(db, 'd', W, T, { kind: 'latest' }))).toBe('c03');
    expect(idOf(resolveCapture(db, 'd', W, T, { kind: 'instant', capturedAt: at('02') }))).toBe('c02');
    expect(idOf(resolveCapture(db, 'd', W, T, { kind: 'published', sourceDate: '2025-12-16' }))).toBe('c03');
    expect(idOf(resolveCapture(db, 'd', W, T, { kind: 'capture', captureId: 'c02' }))).toBe('c02');
  });

  it('answers a capture id only for its own week and tier', () => {
    expect(resolveCapture(db, 'd', W, T, { kind: 'capture', captureId: 'x01' })).toBeUndefined();
    expect(resolveCapture(db, 'd', W, T, { kind: 'capture', captureId: 'x02' })).toBeUndefined();
    expect(resolveCapture(db, 'd', W, T, { kind: 'capture', captureId: 'nope' })).toBeUndefined();
    expect(captureById(db, 'c05')).toEqual({
      capture_id: 'c05',
      week_ending: W,
      tier: T,
      captured_at: at('05'),
      source_last_update_date: '2025-12-17',
      status: 'failed',
    });
  });
});
