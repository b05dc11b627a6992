/**
 * The week pipeline's definition in-process: what it accepts (validate), how it makes a file path one
 * request (canonicalize), the business key one run per partition hangs on (logicalKey), and the summary
 * `spine run` prints (summarize). The pipelines' stages are tested by the week tests; these are the hooks
 * the Dispatcher calls around them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineState } from '../../../../src/contracts/execution.js';
import { BadParamsError } from '../../../../src/core/errors.js';
import { PipelineRegistry } from '../../../../src/core/pipeline/registry.js';
import type { ParamValue } from '../../../../src/core/pipeline/params.js';
import type { PipelineDefinition } from '../../../../src/core/pipeline/types.js';
import { otcPipelines, registerOtcPipelines, weekPipeline } from '../../../../src/domains/otc/pipelines/index.js';
import { canonicalFileParams, weekPartitionKey } from '../../../../src/domains/otc/pipelines/partition.js';
import { ORIGINAL_FILE } from '../../../fixtures/revised/revise-otc-file.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';
import { spineErrorOfAsync } from '../../../helpers/errors.js';

const hash16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

let dir: TempDir;
beforeAll(() => {
  dir = tempDir('spine-pipeline-def-');
});
afterAll(() => dir.cleanup());

describe('canonicalFileParams', () => {
  it('leaves api runs and runs without a file alone (the same object)', async () => {
    const api = { source: 'api', file_path: 'ignored.csv', week_ending: '2025-12-12' };
    expect(await canonicalFileParams(api)).toBe(api);
    const noFile = { week_ending: '2025-12-12', tier: 'OTC' };
    expect(await canonicalFileParams(noFile)).toBe(noFile);
  });

  it('makes a relative path, a dotted path and a symlink the same real path', async () => {
    const real = dir.join('week.csv');
    writeFileSync(real, 'x\n');
    symlinkSync(real, dir.join('link.csv'));
    mkdirSync(dir.join('sub'));
    for (const given of [dir.join('link.csv'), dir.join('sub', '..', 'week.csv')]) {
      expect(await canonicalFileParams({ file_path: given, force: true })).toEqual({ file_path: real, force: true });
    }
    // Relative to the working directory (no chdir: Stryker's worker threads cannot change it).
    expect(await canonicalFileParams({ file_path: relative(process.cwd(), real) })).toEqual({ file_path: real });
  });

  it('refuses a file that is missing or cannot be opened, naming it and why, never retried', async () => {
    const missing = dir.join('nope.csv');
    const err = await spineErrorOfAsync(canonicalFileParams({ file_path: missing }));
    expect([err.code, err.message, err.details, err.nonRetryable]).toEqual([
      'INVALID_PARAMS',
      `--file ${missing}: no such file`,
      { file_path: missing, reason: 'ENOENT' },
      true,
    ]);
    const file = dir.join('plain.txt');
    writeFileSync(file, 'x');
    const under = `${file}/inside.csv`;
    const notDir = await spineErrorOfAsync(canonicalFileParams({ file_path: under }));
    expect([notDir.message, notDir.details]).toEqual([
      `--file ${under}: cannot open (ENOTDIR)`,
      { file_path: under, reason: 'ENOTDIR' },
    ]);
  });
});

describe('weekPartitionKey', () => {
  it('keys an api run on tier, week and api', async () => {
    expect(await weekPartitionKey({ source: 'api', tier: 'nms_tier_1', week_ending: '2025-12-12' })).toBe(
      'NMS_TIER_1:2025-12-12:api',
    );
    // Without its week the key is the source alone (the run then fails on its params).
    expect(await weekPartitionKey({ source: 'api', tier: 'OTC' })).toBe('api');
    expect(await weekPartitionKey({ source: 'api', week_ending: '2025-12-12' })).toBe('api');
  });

  it('keys a stage that recomputes from stored captures on the partition alone', async () => {
    expect(await weekPartitionKey({ tier: 'otc', week_ending: '2025-12-12' })).toBe('OTC:2025-12-12');
    expect(await weekPartitionKey({ tier: 'OTC' })).toBeUndefined();
    expect(await weekPartitionKey({ week_ending: '2025-12-12' })).toBeUndefined();
  });

  it('keys a file run on tier, week and the hash of its path; reads week and tier from the file when not given', async () => {
    const source = `file:${hash16(ORIGINAL_FILE)}`;
    expect(await weekPartitionKey({ file_path: ORIGINAL_FILE, tier: 'OTC', week_ending: '2025-12-05' })).toBe(
      `OTC:2025-12-05:${source}`,
    );
    const derived = `OTC:2025-12-12:${source}`;
    expect(await weekPartitionKey({ file_path: ORIGINAL_FILE })).toBe(derived);
    expect(await weekPartitionKey({ file_path: ORIGINAL_FILE, tier: 'OTC' })).toBe(derived);
    expect(await weekPartitionKey({ file_path: ORIGINAL_FILE, week_ending: '2025-12-12' })).toBe(derived);
  });

  it('keys a file whose week or tier cannot be read on the file alone', async () => {
    const missing = dir.join('finra_otc_weekly_otc_2025.csv');
    expect(await weekPartitionKey({ file_path: missing })).toBe(`file:${hash16(missing)}`);
  });
});

describe('the week pipeline validates its source', () => {
  const validate = (params: Record<string, ParamValue>): BadParamsError | undefined => {
    try {
      weekPipeline.validate?.(params);
      return undefined;
    } catch (err) {
      return err as BadParamsError;
    }
  };

  it('an api run needs tier and week; a file run needs the file', () => {
    const api = validate({ source: 'api' });
    expect(api).toBeInstanceOf(BadParamsError);
    expect([api?.code, api?.missing]).toEqual(['MISSING_REQUIRED', ['tier', 'week_ending']]);
    expect(validate({ source: 'api', tier: 'OTC' })?.missing).toEqual(['week_ending']);
    expect(validate({ source: 'api', tier: 'OTC', week_ending: '2025-12-12' })).toBeUndefined();
    expect(validate({ tier: 'OTC', week_ending: '2025-12-12' })?.missing).toEqual(['file_path']);
    expect(validate({ file_path: 'x.csv' })).toBeUndefined();
    const ingest = otcPipelines.find((p) => p.name === 'finra.otc_transparency.ingest_week');
    expect(() => ingest?.validate?.({})).toThrow(BadParamsError);
  });
});

describe('the summaries spine run prints', () => {
  const summarize = (p: PipelineDefinition, s: PipelineState): PipelineState => {
    if (!p.summarize) throw new Error(`${p.name} has no summary`);
    return p.summarize(s);
  };

  it('a published week: its capture, counts, quality and top venues, rejects of both stages summed', () => {
    const state: PipelineState = {
      published: true,
      week_ending: '2025-12-12',
      tier: 'OTC',
      capture_id: 'cap-1',
      captured_at: '2025-12-15T10:00:00.000000+00:00',
      source_file: 'finra.csv',
      rows_in: 10,
      accepted: 7,
      ingest_rejects: 2,
      normalize_rejects: 1,
      duplicates_dropped: 0,
      symbols: 3,
      venues: 4,
      mean_hhi: 0.5,
      quality: 'PASS',
      warnings: [],
      replaced_capture: null,
      top_venues: [{ mpid: 'A' }],
      recomputed: [],
      internal: 'not shown',
    };
    expect(summarize(weekPipeline, state)).toEqual({
      week_ending: '2025-12-12',
      tier: 'OTC',
      capture_id: 'cap-1',
      captured_at: '2025-12-15T10:00:00.000000+00:00',
      source_file: 'finra.csv',
      rows_in: 10,
      accepted: 7,
      rejected: 3,
      duplicates_dropped: 0,
      symbols: 3,
      venues: 4,
      mean_hhi: 0.5,
      quality: 'PASS',
      warnings: [],
      replaced_capture: null,
      top_venues: [{ mpid: 'A' }],
      recomputed: [],
    });
    // Keys the run did not produce are left out; no rejects counted is 0.
    expect(summarize(weekPipeline, { published: true, tier: 'OTC' })).toEqual({ tier: 'OTC', rejected: 0 });
  });

  it('a week already published says so, with the capture it kept', () => {
    expect(
      summarize(weekPipeline, {
        published: false,
        week_ending: '2025-12-12',
        tier: 'OTC',
        capture_id: 'cap-1',
        rows_in: 5,
      }),
    ).toEqual({
      week_ending: '2025-12-12',
      tier: 'OTC',
      capture_id: 'cap-1',
      skipped: true,
      reason: 'already published; use --force or --replace-capture',
    });
  });

  it('recompute_revision: the partitions recomputed and what was checked', () => {
    const recompute = otcPipelines.find((p) => p.name === 'finra.otc_transparency.recompute_revision');
    if (!recompute) throw new Error('no recompute_revision');
    expect(summarize(recompute, {})).toEqual({
      week_ending: null,
      tier: null,
      recomputed_count: 0,
      recomputed: [],
      checked: null,
    });
    const recomputed = [{ week_ending: '2025-12-19', tier: 'OTC', dataset: 'rolling' }];
    expect(summarize(recompute, { week_ending: '2025-12-12', tier: 'OTC', recomputed, recompute_checked: 6 })).toEqual({
      week_ending: '2025-12-12',
      tier: 'OTC',
      recomputed_count: 1,
      recomputed,
      checked: 6,
    });
  });
});

describe('registerOtcPipelines', () => {
  it('registers every OTC pipeline under its domain, the week pipeline with its stages in order', () => {
    const registry = registerOtcPipelines(new PipelineRegistry());
    expect(otcPipelines.map((p) => p.name)).toEqual([
      'finra.otc_transparency.week',
      'finra.otc_transparency.ingest_week',
      'finra.otc_transparency.normalize_week',
      'finra.otc_transparency.aggregate_week',
      'finra.otc_transparency.compute_venue_share',
      'finra.otc_transparency.compute_symbol_venue_calcs',
      'finra.otc_transparency.compute_rolling',
      'finra.otc_transparency.backfill_range',
      'finra.otc_transparency.recompute_revision',
      'finra.otc_transparency.sync',
    ]);
    for (const p of otcPipelines) expect(registry.get(p.name)).toBe(p);
    expect(weekPipeline.stages.map((s) => [s.name, s.retryClass ?? null])).toEqual([
      ['ingest', 'io'],
      ['normalize', null],
      ['aggregate', null],
      ['venue_share', null],
      ['symbol_venue_calcs', null],
      ['rolling', null],
      ['publish', null],
      ['recompute', 'db'],
    ]);
  });
});
