/**
 * The captures registry on a real SQLite file: staging, publishing (first, replace, lost race), failing
 * and discarding captures, and what each leaves in core_captures and the capture-scoped tables.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureRegistry } from '../../../src/core/captures/capture-registry.js';
import type { NewCapture } from '../../../src/core/captures/capture-registry.js';
import { listCaptures } from '../../../src/core/captures/capture-queries.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;
let registry: CaptureRegistry;

beforeEach(() => {
  dir = tempDir('spine-captures-');
  db = openTempDb(dir.join('spine.db'));
  registry = new CaptureRegistry(db, new Map([['d', ['core_rejects']]]), fixedClock('2026-01-05T12:00:00Z'));
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

function stage(captureId: string, over: Partial<NewCapture> = {}): void {
  registry.createStaged({
    captureId,
    domain: 'd',
    weekEnding: '2025-12-12',
    tier: 'OTC',
    capturedAt: `2025-12-15T00:00:0${captureId.slice(-1)}.000000+00:00`,
    sourceLastUpdateDate: '2025-12-15',
    source: 'f.csv',
    executionId: `e-${captureId}`,
    batchId: `b-${captureId}`,
    ...over,
  });
}

function addRejects(captureId: string, n: number): void {
  for (let i = 0; i < n; i++) {
    db.prepare(
      `INSERT INTO core_rejects (domain, partition_key, stage, reason_code, capture_id, execution_id, created_at)
       VALUES ('d', 'k', 'NORMALIZE', 'X', ?, 'e', '2026-01-05')`,
    ).run(captureId);
  }
}

const rejectsOf = (captureId: string): number =>
  (db.prepare('SELECT COUNT(*) AS n FROM core_rejects WHERE capture_id = ?').get(captureId) as { n: number }).n;

describe('CaptureRegistry', () => {
  it('stages a capture with every field and the clock time, and keeps row counts, clock 2 and the hash', () => {
    stage('c1', { contentHash: 'h0' });
    expect(registry.get('c1')?.content_hash).toBe('h0');
    registry.setRowCount('c1', 'otc_venue_volume', 12);
    registry.setRowCount('c1', 'core_rejects', 3);
    registry.setSourceLastUpdateDate('c1', '2025-12-16');
    registry.setContentHash('c1', 'abc');
    expect(registry.get('c1')).toEqual({
      capture_id: 'c1',
      domain: 'd',
      week_ending: '2025-12-12',
      tier: 'OTC',
      captured_at: '2025-12-15T00:00:01.000000+00:00',
      source_last_update_date: '2025-12-16',
      source: 'f.csv',
      status: 'staged',
      row_counts: { otc_venue_volume: 12, core_rejects: 3 },
      content_hash: 'abc',
      execution_id: 'e-c1',
      batch_id: 'b-c1',
      quality_status: null,
      status_reason: null,
      created_at: '2026-01-05T12:00:00.000Z',
      published_at: null,
      superseded_by: null,
      deleted_at: null,
      deleted_by_execution: null,
      deleted_rows: null,
      base_capture_id: null,
    });
    stage('c2');
    expect(registry.get('c2')?.content_hash).toBeNull();
    expect(registry.get('nope')).toBeUndefined();
  });

  it('publishes the first capture of a partition, and latestPublished follows captured_at', () => {
    stage('c1');
    expect(registry.latestPublished('d', '2025-12-12', 'OTC')).toBeUndefined();
    expect(registry.publish('c1', { qualityStatus: 'WARN' })).toEqual({
      published: true,
      replaced: null,
      winner: null,
    });
    expect(registry.get('c1')).toMatchObject({
      status: 'published',
      quality_status: 'WARN',
      published_at: '2026-01-05T12:00:00.000Z',
    });
    stage('c2');
    expect(registry.publish('c2', { qualityStatus: 'PASS' })).toEqual({
      published: true,
      replaced: null,
      winner: null,
    });
    expect(registry.latestPublished('d', '2025-12-12', 'OTC')?.capture_id).toBe('c2');
    expect(registry.latestPublished('d', '2025-12-12', 'NMS_TIER_1')).toBeUndefined();
    expect(registry.latestPublished('other', '2025-12-12', 'OTC')).toBeUndefined();
  });

  it('with replace, supersedes the latest capture and deletes its rows in the same transaction', () => {
    stage('c1');
    addRejects('c1', 2);
    registry.publish('c1', { qualityStatus: 'PASS' });
    stage('c2');
    addRejects('c2', 1);
    expect(registry.publish('c2', { qualityStatus: 'PASS', replace: true })).toEqual({
      published: true,
      replaced: 'c1',
      winner: null,
    });
    expect(registry.get('c1')).toMatchObject({
      status: 'superseded',
      superseded_by: 'c2',
      deleted_at: '2026-01-05T12:00:00.000Z',
      status_reason: 'replaced by --replace-capture',
    });
    expect([rejectsOf('c1'), rejectsOf('c2')]).toEqual([0, 1]);
  });

  it('with onlyIfFirst, a capture another run published meanwhile wins: this one and its rows are discarded', () => {
    stage('c1');
    registry.publish('c1', { qualityStatus: 'PASS' });
    stage('c2');
    addRejects('c2', 2);
    expect(registry.publish('c2', { qualityStatus: 'PASS', onlyIfFirst: true })).toEqual({
      published: false,
      replaced: null,
      winner: 'c1',
    });
    expect(registry.get('c2')).toBeUndefined();
    expect(rejectsOf('c2')).toBe(0);
    // replace overrides onlyIfFirst, and onlyIfFirst on an empty partition publishes.
    stage('c3');
    expect(registry.publish('c3', { qualityStatus: 'PASS', onlyIfFirst: true, replace: true })).toMatchObject({
      published: true,
      replaced: 'c1',
    });
    stage('c4', { weekEnding: '2025-12-19' });
    expect(registry.publish('c4', { qualityStatus: 'PASS', onlyIfFirst: true })).toEqual({
      published: true,
      replaced: null,
      winner: null,
    });
  });

  it('refuses to publish a missing or already published capture, and a failing fence publishes nothing', () => {
    expect(() => registry.publish('nope', { qualityStatus: 'PASS' })).toThrow('Capture nope not found');
    stage('c1');
    registry.publish('c1', { qualityStatus: 'PASS' });
    expect(() => registry.publish('c1', { qualityStatus: 'PASS' })).toThrow('Capture c1 is published, not staged');
    stage('c2');
    const fence = (): void => {
      throw new Error('fenced');
    };
    expect(() => registry.publish('c2', { qualityStatus: 'PASS', replace: true, fence })).toThrow('fenced');
    expect([registry.get('c1')?.status, registry.get('c2')?.status]).toEqual(['published', 'staged']);
  });

  it('marks only a staged capture failed, keeping the quality status unless one is given', () => {
    stage('c1');
    registry.markFailed('c1', 'quality FAIL', 'FAIL');
    expect(registry.get('c1')).toMatchObject({
      status: 'failed',
      status_reason: 'quality FAIL',
      quality_status: 'FAIL',
    });
    stage('c2');
    registry.markFailed('c2', 'crashed');
    expect(registry.get('c2')).toMatchObject({ status: 'failed', status_reason: 'crashed', quality_status: null });
    stage('c3');
    registry.publish('c3', { qualityStatus: 'PASS' });
    registry.markFailed('c3', 'late');
    expect(registry.get('c3')).toMatchObject({ status: 'published', status_reason: null, quality_status: 'PASS' });
  });

  it("deletes a capture's rows per table and counts them; a domain without tables has none", () => {
    stage('c1');
    addRejects('c1', 3);
    addRejects('other', 1);
    expect(registry.deleteRows('d', 'c1')).toEqual({ core_rejects: 3 });
    expect(rejectsOf('other')).toBe(1);
    expect(registry.tablesOf('d')).toEqual(['core_rejects']);
    expect(registry.tablesOf('unknown')).toEqual([]);
    expect(registry.deleteRows('unknown', 'other')).toEqual({});
  });

  it('discards the staged and failed captures of an execution, with their rows, and nothing else', () => {
    stage('c1', { executionId: 'e' });
    addRejects('c1', 2);
    stage('c2', { executionId: 'e' });
    registry.markFailed('c2', 'x');
    stage('c3', { executionId: 'e' });
    registry.publish('c3', { qualityStatus: 'PASS' });
    stage('c4', { executionId: 'other' });
    expect(registry.discardStagedOf('e')).toEqual(['c1', 'c2']);
    expect([registry.get('c1'), registry.get('c2')]).toEqual([undefined, undefined]);
    expect([registry.get('c3')?.status, registry.get('c4')?.status]).toEqual(['published', 'staged']);
    expect(rejectsOf('c1')).toBe(0);
    expect(registry.discardStagedOf('e')).toEqual([]);
  });

  it('lists captures newest first, flagging only the latest published one of its partition', () => {
    stage('c1');
    registry.publish('c1', { qualityStatus: 'PASS' });
    stage('c2');
    registry.publish('c2', { qualityStatus: 'PASS' });
    stage('c3');
    expect(listCaptures(db, { domain: 'd' }).map((c) => [c.capture_id, c.status, c.is_latest])).toEqual([
      ['c3', 'staged', false],
      ['c2', 'published', true],
      ['c1', 'published', false],
    ]);
  });
});
