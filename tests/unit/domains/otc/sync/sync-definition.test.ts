/**
 * The pure parts of `spine sync`: the pipeline definition's rules (validate, logical key, summary), the
 * revision window's default, and the content hash sync compares with the latest capture.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BadParamsError } from '../../../../../src/core/errors.js';
import { syncPipeline } from '../../../../../src/domains/otc/pipelines/sync.js';
import {
  DEFAULT_LOOKBACK_WEEKS,
  DEFAULT_REVISION_WINDOW,
  revisionWindowOf,
} from '../../../../../src/domains/otc/sync/check-stage.js';
import { ContentHasher } from '../../../../../src/domains/otc/sync/content-hash.js';
import type { ParsedBatch, RawOtcRecord } from '../../../../../src/domains/otc/types.js';
import { setEnv } from '../../../../helpers/tmp-db.js';

function refusal(params: Record<string, unknown>): BadParamsError | undefined {
  try {
    syncPipeline.validate?.(params as Parameters<NonNullable<typeof syncPipeline.validate>>[0]);
  } catch (e) {
    return e as BadParamsError;
  }
  return undefined;
}

describe('the sync pipeline definition', () => {
  it('refuses a concurrency above 16', () => {
    const e = refusal({ concurrency: 17 });
    expect(e).toBeInstanceOf(BadParamsError);
    expect([e?.code, e?.missing, e?.invalid]).toEqual(['INVALID_PARAMS', [], { concurrency: 'must be <= 16, got 17' }]);
    expect(refusal({ concurrency: 16 })).toBeUndefined();
    expect(refusal({ concurrency: 1 })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  it('refuses a from_week after as_of, and only when both are given', () => {
    const e = refusal({ from_week: '2026-01-09', as_of: '2026-01-08' });
    expect(e).toBeInstanceOf(BadParamsError);
    expect([e?.code, e?.missing, e?.invalid]).toEqual(['INVALID_PARAMS', [], { from_week: 'must not be after as_of' }]);
    expect(refusal({ from_week: '2026-01-09', as_of: '2026-01-09' })).toBeUndefined();
    expect(refusal({ from_week: '2026-01-02', as_of: '2026-01-09' })).toBeUndefined();
    expect(refusal({ from_week: '2026-01-09' })).toBeUndefined();
    expect(refusal({ as_of: '2026-01-09' })).toBeUndefined();
  });

  it('one sync per tier at a time, or per database without a tier', () => {
    expect(syncPipeline.logicalKey?.({ tier: 'OTC' })).toBe('sync:OTC');
    expect(syncPipeline.logicalKey?.({ tier: 'NMS_TIER_1', lookback_weeks: 3 })).toBe('sync:NMS_TIER_1');
    expect(syncPipeline.logicalKey?.({})).toBe('sync:ALL');
    expect(syncPipeline.maxChildConcurrency).toBe(1);
  });

  it('summarizes a run by its as_of, plans, counts and weeks, with empty defaults', () => {
    expect(syncPipeline.summarize?.({})).toEqual({ as_of: null, plans: [], counts: {}, weeks: [] });
    const state = {
      as_of: '2026-01-09',
      plans: [{ tier: 'OTC' }],
      counts: { checked: 1 },
      weeks: [{ week_ending: '2025-12-12' }],
      children: [],
    };
    expect(syncPipeline.summarize?.(state)).toEqual({
      as_of: '2026-01-09',
      plans: [{ tier: 'OTC' }],
      counts: { checked: 1 },
      weeks: [{ week_ending: '2025-12-12' }],
    });
  });

  it('has the check, recheck and report stages and the documented params', () => {
    expect(syncPipeline.name).toBe('finra.otc_transparency.sync');
    expect(syncPipeline.stages.map((s) => [s.name, s.retryClass ?? null])).toEqual([
      ['check', 'io'],
      ['recheck', 'io'],
      ['report', null],
    ]);
    expect(syncPipeline.params.map((p) => p.name)).toEqual([
      'tier',
      'from_week',
      'lookback_weeks',
      'revision_window',
      'concurrency',
      'as_of',
    ]);
  });
});

describe('revisionWindowOf', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });
  const env = (v: string | undefined): void => {
    restore = setEnv({ SPINE_SYNC_REVISION_WINDOW: v });
  };

  it('the param wins, else $SPINE_SYNC_REVISION_WINDOW, else 4', () => {
    expect([DEFAULT_REVISION_WINDOW, DEFAULT_LOOKBACK_WEEKS]).toEqual([4, 12]);
    env('7');
    expect(revisionWindowOf({ revision_window: 2 })).toBe(2);
    expect(revisionWindowOf({ revision_window: 0 })).toBe(0);
    expect(revisionWindowOf({})).toBe(7);
  });

  it('takes any whole number from the environment, zero included, and ignores the rest', () => {
    env(undefined);
    expect(revisionWindowOf({})).toBe(4);
    env('0');
    expect(revisionWindowOf({})).toBe(0);
    env('1');
    expect(revisionWindowOf({})).toBe(1);
    env('-1');
    expect(revisionWindowOf({})).toBe(4);
    env('2.5');
    expect(revisionWindowOf({})).toBe(4);
    env('many');
    expect(revisionWindowOf({})).toBe(4);
  });
});

function rec(line: number, symbol: string, mpid: string, lud: string | null): RawOtcRecord {
  return {
    line,
    rowWeekEnding: '2025-12-12',
    tierText: 'OTC',
    symbol,
    mpid,
    issueName: null,
    venueName: null,
    totalShares: 100,
    totalTrades: 1,
    sourceLastUpdateDate: lud,
    recordHash: `h${line}`.padEnd(16, '0'),
  };
}

const batch = (records: RawOtcRecord[], rejects = 0): ParsedBatch => ({
  records,
  rejects: Array.from({ length: rejects }, (_, i) => ({
    line: 100 + i,
    reasonCode: 'SHORT_ROW',
    detail: 'short',
    raw: 'x',
  })),
  lastLine: records.at(-1)?.line ?? 0,
});

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 32);

describe('ContentHasher', () => {
  it('hashes the record hashes of the first row of each (symbol, MPID), in order, and counts rows', () => {
    const h = new ContentHasher();
    h.add(batch([rec(2, 'AAA', 'M1', '2025-12-15'), rec(3, 'AAA', 'M2', '2025-12-15')], 1));
    // A repeated (symbol, MPID), in this batch or a later one, is left out.
    h.add(batch([rec(4, 'AAA', 'M1', '2025-12-20'), rec(5, 'BBB', 'M1', '2025-12-15'), rec(6, 'BBB', 'M1', null)]));
    expect([h.rows, h.kept]).toEqual([6, 3]);
    expect(h.digest()).toBe(sha(['h2', 'h3', 'h5'].map((x) => x.padEnd(16, '0')).join('')));
    // The left-out row's later lastUpdateDate does not count either.
    expect(h.latestUpdate).toBe('2025-12-15');
  });

  it('the same rows in other batches hash the same; a symbol and MPID that only concatenate alike differ', () => {
    const rows = [rec(2, 'AB', 'C', null), rec(3, 'A', 'BC', null)];
    const one = new ContentHasher();
    one.add(batch(rows));
    const two = new ContentHasher();
    two.add(batch(rows.slice(0, 1)));
    two.add(batch([]));
    two.add(batch(rows.slice(1)));
    expect(one.kept).toBe(2);
    expect(two.digest()).toBe(one.digest());
    expect(one.latestUpdate).toBeNull();
  });

  it('keeps the latest lastUpdateDate whatever the order, and ignores rows without one', () => {
    const down = new ContentHasher();
    down.add(batch([rec(2, 'A', 'M', '2025-12-20'), rec(3, 'B', 'M', '2025-12-10'), rec(4, 'C', 'M', null)]));
    expect(down.latestUpdate).toBe('2025-12-20');
    const up = new ContentHasher();
    up.add(batch([rec(2, 'A', 'M', null), rec(3, 'B', 'M', '2025-12-10')]));
    up.add(batch([rec(4, 'C', 'M', '2025-12-20'), rec(5, 'D', 'M', '2025-12-15')]));
    expect(up.latestUpdate).toBe('2025-12-20');
    const empty = new ContentHasher();
    expect([empty.rows, empty.kept, empty.latestUpdate, empty.digest()]).toEqual([0, 0, null, sha('')]);
  });
});
