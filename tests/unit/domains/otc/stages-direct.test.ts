/**
 * The OTC stage functions called directly on a migrated temp SQLite file, with a StageContext whose
 * fence check and event-loop yield are counted (the stage runner's own are a read of the execution row
 * and a setImmediate): what each stage returns and writes, and how it shapes its transactions — a staged
 * capture is written in fenced stretches with a yield in between, a published one in one transaction.
 * Captures are made through the real CaptureRegistry; raw rows are inserted as the ingest stage writes
 * them, or ingested from a file by the ingest stage itself.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureRegistry } from '../../../../src/core/captures/capture-registry.js';
import { fixedClock, formatCapturedAt } from '../../../../src/core/clock.js';
import type { Db } from '../../../../src/core/db/open-database.js';
import { SpineError } from '../../../../src/core/errors.js';
import { silentLogger } from '../../../../src/core/logging/logger.js';
import type { SpineLogger } from '../../../../src/core/logging/logger.js';
import type { Params } from '../../../../src/core/pipeline/params.js';
import type { StageContext } from '../../../../src/core/pipeline/types.js';
import { OTC_CAPTURE_TABLES, OTC_DOMAIN, OTC_TABLES as T } from '../../../../src/domains/otc/constants.js';
import {
  aggregateStage,
  ingestStage,
  normalizeStage,
  qualityGateAndPublishStage,
  rollingStage,
  symbolVenueCalcsStage,
  venueShareStage,
} from '../../../../src/domains/otc/stages/index.js';
import { captureLogs } from '../../../helpers/capture-logs.js';
import { openTempDb, tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';
import { FORMAT_A_HEADER } from './otc-test-helpers.js';

const inPipeline = { standalone: false };
/** 2^53 + 1: a count a double cannot hold; the raw and venue tables keep it exactly. */
const BIG = 9007199254740993n;

let dir: TempDir;
let db: Db;

beforeAll(() => {
  dir = tempDir('spine-otc-stages-');
  db = openTempDb(dir.join('spine.db'));
});

afterAll(() => {
  db.close();
  dir.cleanup();
});

function registry(): CaptureRegistry {
  return new CaptureRegistry(db, new Map([[OTC_DOMAIN, OTC_CAPTURE_TABLES]]));
}

function captureId(week: string, name: string, tier = 'OTC'): string {
  return `${OTC_DOMAIN}:${tier}:${week}:${name}`;
}

function newCapture(week: string, name: string, status: 'staged' | 'published', tier = 'OTC'): string {
  const id = captureId(week, name, tier);
  registry().createStaged({
    captureId: id,
    domain: OTC_DOMAIN,
    weekEnding: week,
    tier,
    capturedAt: formatCapturedAt(new Date('2025-12-15T10:00:00Z')),
    sourceLastUpdateDate: '2025-12-15',
    source: `${name}.psv`,
    executionId: 'exec-test',
    batchId: 'batch-test',
  });
  if (status === 'published') registry().publish(id, { qualityStatus: 'PASS' });
  return id;
}

/** [symbol, mpid, shares, trades, source line (null: the column allows it)] in insert (id) order. */
type RawSpec = readonly [string, string, number | bigint, number, number | null];

function insertRaw(id: string, week: string, rows: readonly RawSpec[]): void {
  const insert = db.prepare(
    `INSERT INTO ${T.raw} (record_hash, week_ending, tier, tier_text, symbol, issue_name, venue_name, mpid,
       total_shares, total_trades, source_last_update_date, source_file, source_line, ingested_at, execution_id,
       batch_id, captured_at, capture_id)
     VALUES (?, ?, 'OTC', 'OTC', ?, ?, ?, ?, ?, ?, '2025-12-15', 'f.psv', ?, 'now', 'exec-test', 'batch-test', 'at', ?)`,
  );
  rows.forEach(([symbol, mpid, shares, trades, line], i) =>
    insert.run(`${id}-h${i}`, week, symbol, `Issue ${symbol}`, `Venue ${mpid}`, mpid, shares, trades, line, id),
  );
}

/** The week and tier a capture id of `captureId` names (the stages read them from the pipeline state). */
function partitionOf(id: string | undefined): Record<string, string> {
  const [, tier, week] = (id ?? '').slice(OTC_DOMAIN.length).split(':');
  return tier && week ? { week_ending: week, tier } : {};
}

interface Probe {
  readonly ctx: StageContext;
  /** Fence checks, i.e. write transactions begun. */
  readonly fences: () => number;
  /** Yields to the event loop between transactions. */
  readonly yields: () => number;
}

function probe(
  opts: { state?: Record<string, string>; params?: Params; log?: SpineLogger; executionId?: string } = {},
): Probe {
  let fences = 0;
  let yields = 0;
  const ctx: StageContext = {
    db,
    execution: { executionId: opts.executionId ?? 'exec-test', batchId: 'batch-test', pipeline: 'test', attempt: 1 },
    params: opts.params ?? {},
    state: opts.state ? { ...partitionOf(opts.state['capture_id']), ...opts.state } : {},
    log: opts.log ?? silentLogger,
    clock: fixedClock('2025-12-16T10:00:00Z'),
    yieldControl: () => {
      yields++;
      return Promise.resolve();
    },
    checkFence: () => {
      fences++;
    },
  };
  return { ctx, fences: () => fences, yields: () => yields };
}

function rows(sql: string, ...args: unknown[]): unknown[] {
  return db.prepare(sql).all(...args);
}

// A junk row AA$PL (line 2) comes before the clean row AAPL (no line) that cleans to the same key, so the
// junk row takes the key and the clean row becomes the collision; MSFT is clean.
const JUNK_FIRST: readonly RawSpec[] = [
  ['AA$PL', 'OTCN', 10, 2, 2],
  ['AAPL', 'OTCN', BIG, 3, null],
  ['MSFT', 'OTCX', 30, 4, 4],
];

/** A capture of `week` with the JUNK_FIRST raw rows. */
function captureWithRows(week: string, status: 'staged' | 'published'): string {
  const id = newCapture(week, status, status);
  insertRaw(id, week, JUNK_FIRST);
  return id;
}

// Every test makes its own capture (its own week) and runs the stages it needs: Stryker attributes code that
// runs in a beforeAll hook to no test, so a mutant reached only there would never be tested.
describe('stages on a staged capture (the week pipeline)', () => {
  it('normalize: the clean row that lost its key is one reject, with its own line (none) and exact counts', async () => {
    const W = '2025-09-05';
    const id = captureWithRows(W, 'staged');
    const p = probe({ state: { capture_id: id } });

    const out = await normalizeStage(p.ctx, inPipeline);

    expect(out.state).toEqual({ week_ending: W, tier: 'OTC', capture_id: id, accepted: 2, normalize_rejects: 1 });
    expect(out.rowsOut).toBe(2);
    expect(
      rows(`SELECT symbol, mpid, total_shares FROM ${T.venueVolume} WHERE capture_id = ? ORDER BY symbol`, id),
    ).toEqual([
      { symbol: 'AAPL', mpid: 'OTCN', total_shares: 10 },
      { symbol: 'MSFT', mpid: 'OTCX', total_shares: 30 },
    ]);
    expect(
      rows(
        `SELECT stage, reason_code, reason_detail, line_number, raw_json FROM core_rejects WHERE capture_id = ?`,
        id,
      ),
    ).toEqual([
      {
        stage: 'NORMALIZE',
        reason_code: 'KEY_COLLISION',
        reason_detail: "KEY_COLLISION: symbol 'AAPL' cleans to AAPL, which line 2 already has for MPID OTCN",
        line_number: null,
        raw_json: JSON.stringify({
          symbol: 'AAPL',
          mpid: 'OTCN',
          total_shares: BIG.toString(),
          total_trades: 3,
          tier: 'OTC',
        }),
      },
    ]);
    // Two fenced stretches with a yield between: the set-based copy, then the rows validated in TypeScript.
    expect([p.fences(), p.yields()]).toEqual([2, 1]);
  });

  it('aggregate: the state names the symbols; the step is logged as aggregate.compute', async () => {
    const W = '2025-09-12';
    const id = captureWithRows(W, 'staged');
    const logs = captureLogs('info');
    const ctx = probe({ state: { capture_id: id }, log: logs.log }).ctx;
    await normalizeStage(ctx, inPipeline);

    const out = await aggregateStage(ctx, inPipeline);

    expect(out.state).toEqual({ week_ending: W, tier: 'OTC', capture_id: id, symbols: 2 });
    expect(logs.one('aggregate.compute.end')).toMatchObject({ rows_out: 2, table: T.symbolSummary });
  });

  it('venue share: v1 rows written in chunks (clear, then rows, then a yield); top venues in the state', async () => {
    const W = '2025-09-19';
    const id = captureWithRows(W, 'staged');
    const logs = captureLogs('info');
    await normalizeStage(probe({ state: { capture_id: id } }).ctx, inPipeline);
    const p = probe({ state: { capture_id: id }, log: logs.log });

    const out = await venueShareStage(p.ctx);

    expect(out.state).toEqual({
      capture_id: id,
      venues: 2,
      top_venues: [
        { mpid: 'OTCX', volume: 30, share: 0.75, rank: 1 },
        { mpid: 'OTCN', volume: 10, share: 0.25, rank: 2 },
      ],
    });
    expect(
      rows(
        `SELECT mpid, venue_name, total_volume, market_share_pct, rank, calc_version FROM ${T.venueShare}
         WHERE capture_id = ? ORDER BY rank`,
        id,
      ),
    ).toEqual([
      { mpid: 'OTCX', venue_name: 'Venue OTCX', total_volume: 30, market_share_pct: 0.75, rank: 1, calc_version: 'v1' },
      { mpid: 'OTCN', venue_name: 'Venue OTCN', total_volume: 10, market_share_pct: 0.25, rank: 2, calc_version: 'v1' },
    ]);
    expect([p.fences(), p.yields()]).toEqual([2, 1]);
    expect(logs.one('venue_share.compute.end')).toMatchObject({ rows_in: 2, rows_out: 2 });
    expect(out.metrics).toEqual({ venues: 2, capture_id: id, calc_version: 'v1', invariant_errors: 0 });
  });

  it('symbol venue calcs: tier shares list this capture and the other tier read, comma-separated', async () => {
    const W = '2025-09-26';
    const id = captureWithRows(W, 'staged');
    const other = newCapture(W, 'tier1', 'published', 'NMS_TIER_1');
    const logs = captureLogs('info');
    const ctx = probe({ state: { capture_id: id } }).ctx;
    await normalizeStage(ctx, inPipeline);
    await aggregateStage(ctx, inPipeline);
    const p = probe({ state: { capture_id: id }, log: logs.log });

    await symbolVenueCalcsStage(p.ctx);

    expect(
      rows(`SELECT symbol, input_capture_ids FROM ${T.tierVolumeShare} WHERE capture_id = ? ORDER BY symbol`, id),
    ).toEqual([
      { symbol: 'AAPL', input_capture_ids: `${id},${other}` },
      { symbol: 'MSFT', input_capture_ids: `${id},${other}` },
    ]);
    expect(logs.one('calcs.compute_write.end')).toMatchObject({ rows_in: 2 });
    // Staged: venue shares in one stretch, then (after a yield) HHI and tier shares.
    expect([p.fences(), p.yields()]).toEqual([2, 1]);
  });

  it('normalize of a capture with only clean rows is one set-based stretch, with no yield', async () => {
    const W = '2025-07-25';
    const id = newCapture(W, 'clean', 'staged');
    insertRaw(id, W, [
      ['AAPL', 'OTCN', 10, 2, 2],
      ['MSFT', 'OTCX', 30, 4, 3],
    ]);
    const p = probe({ state: { capture_id: id } });

    const out = await normalizeStage(p.ctx, inPipeline);

    expect(out.state).toMatchObject({ accepted: 2, normalize_rejects: 0 });
    expect([p.fences(), p.yields()]).toEqual([1, 0]);
  });

  it('rolling: the window reads two earlier published weeks; rows carry the first and last input capture ids', async () => {
    const W = '2025-08-29';
    const id = captureWithRows(W, 'staged');
    const ctx = probe({ state: { capture_id: id } }).ctx;
    await normalizeStage(ctx, inPipeline);
    await aggregateStage(ctx, inPipeline);
    const summary = db.prepare(
      `INSERT INTO ${T.symbolSummary} (week_ending, tier, symbol, total_volume, total_trades, venue_count,
         calculated_at, execution_id, batch_id, captured_at, capture_id)
       VALUES (?, 'OTC', 'AAPL', ?, 5, 1, 'now', 'exec-test', 'batch-test', 'at', ?)`,
    );
    const w2 = newCapture('2025-08-15', 'prior', 'published');
    summary.run('2025-08-15', 50, w2);
    const w1 = newCapture('2025-08-22', 'prior', 'published');
    summary.run('2025-08-22', 30, w1);

    const out = await rollingStage(ctx, inPipeline);

    expect(out.state).toEqual({ capture_id: id, rolling_symbols: 1, rolling_weeks_present: 3 });
    expect(out.metrics).toEqual({ symbols_computed: 1, weeks_present: 3, capture_id: id });
    expect(rows(`SELECT is_complete FROM ${T.rolling} WHERE capture_id = ?`, id)).toEqual([{ is_complete: 0 }]);

    expect(
      rows(
        `SELECT symbol, weeks_in_window, input_min_capture_id, input_max_capture_id FROM ${T.rolling} WHERE capture_id = ?`,
        id,
      ),
    ).toEqual([{ symbol: 'AAPL', weeks_in_window: 3, input_min_capture_id: w2, input_max_capture_id: id }]);
    expect(
      rows(
        `SELECT input_capture_id, input_week_ending FROM core_derived_inputs WHERE capture_id = ? AND dataset = ?
         ORDER BY input_week_ending`,
        id,
        T.rolling,
      ),
    ).toEqual([
      { input_capture_id: w2, input_week_ending: '2025-08-15' },
      { input_capture_id: w1, input_week_ending: '2025-08-22' },
      { input_capture_id: id, input_week_ending: W },
    ]);
    // A 2-week window (window_weeks) is complete with this week and the one before.
    await rollingStage(probe({ state: { capture_id: id }, params: { window_weeks: 2 } }).ctx, inPipeline);
    expect(
      rows(`SELECT weeks_in_window, is_complete, input_min_capture_id FROM ${T.rolling} WHERE capture_id = ?`, id),
    ).toEqual([{ weeks_in_window: 2, is_complete: 1, input_min_capture_id: w1 }]);
  });

  it('publish: a capture another run published first wins; this one is discarded and the run stops', async () => {
    const W = '2025-08-08';
    const id = captureWithRows(W, 'staged');
    const ctx = probe({ state: { capture_id: id } }).ctx;
    await normalizeStage(ctx, inPipeline);
    await aggregateStage(ctx, inPipeline);
    await venueShareStage(ctx);
    const rival = newCapture(W, 'rival', 'published');

    const out = await qualityGateAndPublishStage(ctx);

    const reason = `Another run published week ${W} tier OTC first (capture ${rival}); this capture was discarded. Use --force for a new capture beside it`;
    expect(out).toEqual({
      skipped: reason,
      stop: true,
      state: { capture_id: rival, published: false, skipped_reason: reason },
      metrics: { skipped: true, reason },
    });
    expect(rows(`SELECT capture_id, status FROM core_captures WHERE week_ending = ? ORDER BY capture_id`, W)).toEqual([
      { capture_id: rival, status: 'published' },
    ]);
  });

  it('quality gate FAIL: QUALITY_GATE_FAILED names the capture and every failed check; quality.checks logs 4 run, 1 failed', async () => {
    const week = '2025-10-31';
    const zero = newCapture(week, 'zero', 'staged');
    // Every venue reports 0 shares (with trades): the venue shares cannot sum to 1.
    insertRaw(zero, week, [
      ['AAAA', 'OTCN', 0, 10, 2],
      ['AAAA', 'OTCX', 0, 5, 3],
      ['BBBB', 'OTCN', 0, 20, 4],
    ]);
    const logs = captureLogs('info');
    const ctx = probe({ state: { capture_id: zero }, log: logs.log }).ctx;
    await normalizeStage(ctx, inPipeline);
    await aggregateStage(ctx, inPipeline);
    await venueShareStage(ctx);

    const err = await qualityGateAndPublishStage(ctx).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SpineError);
    const e = err as SpineError;
    expect(e.code).toBe('QUALITY_GATE_FAILED');
    expect(e.details).toEqual({
      capture_id: zero,
      failed: [
        {
          check_name: 'venue_share_invariant',
          status: 'FAIL',
          message: 'SHARE_SUM: venue shares sum to 0, expected 1 ± 0.0001',
        },
        { check_name: 'venue_share_sum', status: 'FAIL', message: 'venue shares sum to 0' },
      ],
    });
    expect(rows(`SELECT status, quality_status FROM core_captures WHERE capture_id = ?`, zero)).toEqual([
      { status: 'failed', quality_status: 'FAIL' },
    ]);
    expect(logs.one('quality.checks.end')).toMatchObject({ checks: 4, failed: 1 });
  });
});

describe('stages on a published capture (a standalone recompute)', () => {
  it('normalize runs in one fenced transaction, never yielding between the set-based copy and the junk rows', async () => {
    const id = captureWithRows('2025-10-24', 'published');
    const p = probe({ state: { capture_id: id } });

    const out = await normalizeStage(p.ctx, inPipeline);

    expect(out.state).toMatchObject({ accepted: 2, normalize_rejects: 1 });
    expect([p.fences(), p.yields()]).toEqual([1, 0]);
  });

  it('symbol venue calcs write in one fenced transaction, without a yield', async () => {
    const id = captureWithRows('2025-10-03', 'published');
    const ctx = probe({ state: { capture_id: id } }).ctx;
    await normalizeStage(ctx, inPipeline);
    await aggregateStage(ctx, inPipeline);
    const p = probe({ state: { capture_id: id } });

    await symbolVenueCalcsStage(p.ctx);

    expect(rows(`SELECT COUNT(*) AS n FROM ${T.hhi} WHERE capture_id = ?`, id)).toEqual([{ n: 2 }]);
    expect([p.fences(), p.yields()]).toEqual([1, 0]);
  });

  it('venue share replaces the rows in one fenced transaction, without a yield', async () => {
    const id = captureWithRows('2025-10-17', 'published');
    await normalizeStage(probe({ state: { capture_id: id } }).ctx, inPipeline);
    const p = probe({ state: { capture_id: id } });

    const out = await venueShareStage(p.ctx);

    expect(out.state).toMatchObject({ venues: 2 });
    expect([p.fences(), p.yields()]).toEqual([1, 0]);
  });
});

describe('stages without an input capture', () => {
  const stages: readonly [string, string, (ctx: StageContext) => Promise<unknown>][] = [
    ['normalize', 'raw data', (ctx) => normalizeStage(ctx, inPipeline)],
    ['aggregate', 'normalized data', (ctx) => aggregateStage(ctx, inPipeline)],
    ['venue_share', 'normalized data', (ctx) => venueShareStage(ctx)],
    ['symbol_venue_calcs', 'normalized data', (ctx) => symbolVenueCalcsStage(ctx)],
    ['rolling', 'summary data', (ctx) => rollingStage(ctx, inPipeline)],
    ['publish', 'staged capture', (ctx) => qualityGateAndPublishStage(ctx)],
  ];

  it.each(stages)('%s fails NOT_FOUND naming the %s it looked for', async (_stage, what, run) => {
    const err = await run(probe({ params: { week_ending: '2025-10-10', tier: 'OTC' } }).ctx).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SpineError);
    expect((err as SpineError).code).toBe('NOT_FOUND');
    expect((err as SpineError).details).toEqual({ week_ending: '2025-10-10', tier: 'OTC' });
    expect((err as SpineError).message).toBe(
      `No ${what} found for week 2025-10-10 tier OTC; run finra.otc_transparency.ingest_week first`,
    );
  });
});

describe('stages without a partition', () => {
  it('fail MISSING_REQUIRED when neither the state nor the params name the week and tier', async () => {
    const err = await venueShareStage(probe({ params: { week_ending: '2025-10-10' } }).ctx).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SpineError);
    expect((err as SpineError).code).toBe('MISSING_REQUIRED');
    expect((err as SpineError).message).toBe('week_ending and tier are required');
    expect((err as SpineError).nonRetryable).toBe(true);
  });
});

describe('ingest, called directly on a file', () => {
  it('rejects every line of a conflicting key and counts the raw rows that stay', async () => {
    const file = dir.join('dups_otc_20251117.psv');
    writeFileSync(
      file,
      [
        FORMAT_A_HEADER,
        'OTC|CCCC|Conflict Co|OTCN OTC LINK NQB IDQS|OTCN|100|1|2025-11-17', // 2: conflicts with 4
        `OTC|HUGE|Huge Co|OTCN OTC LINK NQB IDQS|OTCN|${BIG}|7|2025-11-19`, // 3: the latest update
        'OTC|CCCC|Conflict Co|OTCN OTC LINK NQB IDQS|OTCN|200|2|2025-11-17', // 4
        `OTC|HUGE|Huge Co|OTCN OTC LINK NQB IDQS|OTCN|${BIG}|7|2025-11-19`, // 5: exact duplicate of 3
        'OTC|DDDD|Delta Co|OTCX OTC LINK ECN ATS|OTCX|50|5|2025-11-16', // 6: the earliest
        '',
      ].join('\n'),
    );
    const p = probe({ params: { file_path: file }, executionId: 'exec-ingest' });

    const out = await ingestStage(p.ctx, { publish: false });

    expect(out.state).toMatchObject({
      week_ending: '2025-11-14',
      tier: 'OTC',
      rows_in: 5,
      raw_rows: 2,
      ingest_rejects: 3,
      duplicates_dropped: 1,
    });
    const id = String(out.captureId);
    // The capture's source update date is the latest of its rows', not the first or the last row's.
    expect(rows(`SELECT source_last_update_date AS d FROM core_captures WHERE capture_id = ?`, id)).toEqual([
      { d: '2025-11-19' },
    ]);
    expect(
      rows(
        `SELECT symbol, CAST(total_shares AS TEXT) AS shares FROM ${T.raw} WHERE capture_id = ? ORDER BY symbol`,
        id,
      ),
    ).toEqual([
      { symbol: 'DDDD', shares: '50' },
      { symbol: 'HUGE', shares: BIG.toString() },
    ]);
    expect(
      rows(
        `SELECT line_number, reason_code, reason_detail, raw_json FROM core_rejects WHERE capture_id = ?
         ORDER BY line_number`,
        id,
      ),
    ).toEqual([
      {
        line_number: 2,
        reason_code: 'CONFLICTING_DUPLICATE',
        reason_detail: 'symbol CCCC, MPID OTCN appears on lines 2, 4 with different counts; all rejected',
        raw_json: '{"symbol":"CCCC","mpid":"OTCN","lines":[2,4]}',
      },
      {
        line_number: 4,
        reason_code: 'CONFLICTING_DUPLICATE',
        reason_detail: 'symbol CCCC, MPID OTCN appears on lines 2, 4 with different counts; all rejected',
        raw_json: '{"symbol":"CCCC","mpid":"OTCN","lines":[2,4]}',
      },
      {
        line_number: 5,
        reason_code: 'DUPLICATE',
        reason_detail: 'exact duplicate of line 3 (symbol HUGE, MPID OTCN); dropped',
        raw_json: expect.any(String) as unknown,
      },
    ]);
  });

  it('fails NO_DATA_ROWS asking for --week when a header-only file has no date in its name', async () => {
    const file = dir.join('nodate.psv');
    writeFileSync(file, `${FORMAT_A_HEADER}\n`);

    const err = await ingestStage(probe({ params: { file_path: file, tier: 'OTC' } }).ctx, { publish: false }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(SpineError);
    expect((err as SpineError).message).toBe(
      `${file}: NO_DATA_ROWS: the file has no data rows, so its week cannot be derived; pass --week`,
    );
  });

  it('writes nothing for a file with only a header (no load transaction) and fails NO_DATA_ROWS', async () => {
    const file = dir.join('empty_otc_20251110.psv');
    writeFileSync(file, `${FORMAT_A_HEADER}\n`);
    const p = probe({ params: { file_path: file }, executionId: 'exec-empty' });

    const err = await ingestStage(p.ctx, { publish: false }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SpineError);
    expect((err as SpineError).message).toBe(
      `${file}: NO_DATA_ROWS: the file has no data rows (it is empty or has only a header)`,
    );
    expect(p.fences()).toBe(0);
    expect(rows(`SELECT status, status_reason FROM core_captures WHERE execution_id = ?`, 'exec-empty')).toEqual([
      { status: 'failed', status_reason: 'no valid rows' },
    ]);
  });
});
