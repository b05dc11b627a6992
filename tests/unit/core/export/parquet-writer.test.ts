/**
 * writeParquet in-process on real files, read back in-process with parquet-wasm (footer: row groups,
 * created_by, key-value metadata) and apache-arrow (schema and every value, NULLs included). Small batches
 * and row groups cross the writer's batch boundaries (buffer reuse, back-pressure of the encoding thread)
 * on a handful of rows; a failing row source and a failing encoder show what an error leaves behind.
 */
import { createHash } from 'node:crypto';
import { openAsBlob, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tableFromIPC, Type } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import { ParquetFile, readParquet } from 'parquet-wasm/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpineError } from '../../../../src/core/errors.js';
import { epochDays, epochMicros } from '../../../../src/core/export/columns.js';
import { layoutOf } from '../../../../src/core/export/layout.js';
import { writeParquet } from '../../../../src/core/export/parquet-writer.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-parquet-');
});
afterEach(() => dir.cleanup());

// Result columns as better-sqlite3 reports them; `id` is left out.
const layout = layoutOf([
  { name: 'id', type: 'INTEGER' },
  { name: 'capture_id', type: 'TEXT' },
  { name: 'week_ending', type: 'TEXT' },
  { name: 'symbol', type: 'TEXT' },
  { name: 'total_shares', type: 'INTEGER' },
  { name: 'avg_trade_size', type: 'REAL' },
  { name: 'captured_at', type: 'TEXT' },
]);

type Row = [bigint, string, string | null, string | null, bigint | null, number | null, string | null];
const T1 = '2025-12-15T12:00:00.000001+00:00';
const T2 = '2025-12-22T14:05:09.123456Z';
/** Ten rows: NULLs in every column at different places, repeated texts across batch boundaries. */
const ROWS: Row[] = [
  [1n, 'cap-1', '2025-12-12', 'AAPL', 9_007_199_254_740_993n, 0.1, T1],
  [2n, 'cap-1', '2025-12-12', 'AAPL', null, 1.5, T1],
  [3n, 'cap-1', null, 'MSFT', 3n, null, T1],
  [4n, 'cap-1', '2025-12-12', 'MSFT', -4n, -2.25, null],
  [5n, 'cap-2', '2025-12-19', null, 5n, 1e-7, T2],
  [6n, 'cap-2', '2025-12-19', 'ZZ', 0n, 0, T2],
  [7n, 'cap-2', '2025-12-19', 'ZZ', 7n, 7.5, T2],
  [8n, 'cap-2', '2025-12-19', 'café', 8n, null, null],
  [9n, 'cap-2', null, null, null, null, null],
  [10n, 'cap-2', '2025-12-19', 'AAPL', 10n, 10.25, T2],
];

/** Raw Arrow values (bigint microseconds, days, doubles, texts) of every column, NULL as null. */
function rawRows(table: Table): unknown[][] {
  const columns = table.schema.fields.map((f) => {
    const vector = table.getChild(f.name);
    if (vector === null) throw new Error(`no column ${f.name}`);
    const out: unknown[] = [];
    for (const d of vector.data) {
      for (let i = 0; i < d.length; i++) {
        if (!d.getValid(i)) out.push(null);
        else if (f.typeId === Type.Utf8) out.push(vector.get(out.length));
        else out.push((d.values as ArrayLike<unknown>)[d.offset + i]);
      }
    }
    return out;
  });
  return Array.from({ length: table.numRows }, (_, r) => columns.map((c) => c[r]));
}

/** What the writer should have stored for `rows`: the same columns, converted to their Parquet types. */
function expectedRows(rows: readonly Row[]): unknown[][] {
  return rows.map(([, capture, week, symbol, shares, avg, at]) => [
    capture,
    week === null ? null : epochDays(week),
    symbol,
    shares,
    avg,
    at === null ? null : epochMicros(at),
  ]);
}

function readBack(path: string): Table {
  return tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
}

async function footer(
  path: string,
): Promise<{ groups: number[]; createdBy: string | undefined; kv: Map<string, string> }> {
  const file = await ParquetFile.fromFile(await openAsBlob(path));
  try {
    const meta = file.metadata();
    const kv = new Map<string, string>(meta.fileMetadata().keyValueMetadata());
    kv.delete('ARROW:schema');
    return {
      groups: meta.rowGroups().map((g) => g.numRows()),
      createdBy: meta.fileMetadata().createdBy(),
      kv,
    };
  } finally {
    file.free();
  }
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Paths this process holds open descriptors on. */
const openPaths = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

/** The process's threads: a Parquet encoding thread left running shows up here. */
const threads = (): number => readdirSync('/proc/self/task').length;

function* counted(rows: readonly (readonly unknown[])[], seen: { pulled: number; closed: boolean }) {
  try {
    for (const row of rows) {
      seen.pulled++;
      yield row;
    }
  } finally {
    seen.closed = true;
  }
}

describe('writeParquet', () => {
  it('writes every value and NULL of every type across batches and row groups', async () => {
    const path = dir.join('a.parquet');
    const written = await writeParquet(path, layout, ROWS, {
      batchRows: 3,
      rowGroupRows: 4,
      metadata: { 'market_spine.dataset': 'otc.test', 'market_spine.capture_ids': 'cap-1,cap-2' },
      createdBy: 'spine-test',
    });
    expect(written).toEqual({ rows: 10, bytes: readFileSync(path).length, sha256: sha256(path) });

    const table = readBack(path);
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['capture_id', 'Utf8', true],
      ['week_ending', 'Date32<DAY>', true],
      ['symbol', 'Utf8', true],
      ['total_shares', 'Int64', true],
      ['avg_trade_size', 'Float64', true],
      ['captured_at', 'Timestamp<MICROSECOND, UTC>', true],
    ]);
    expect(rawRows(table)).toEqual(expectedRows(ROWS));

    const f = await footer(path);
    expect(f.groups).toEqual([4, 4, 2]);
    expect(f.createdBy).toBe('spine-test');
    expect(Object.fromEntries(f.kv)).toEqual({
      'market_spine.dataset': 'otc.test',
      'market_spine.capture_ids': 'cap-1,cap-2',
    });
  });

  it('fills whole batches of one row, and batches larger than the rows', async () => {
    for (const batchRows of [1, 2, 5, 10, 64]) {
      const path = dir.join(`b${batchRows}.parquet`);
      const written = await writeParquet(path, layout, ROWS, { batchRows });
      expect(written.rows).toBe(10);
      expect(rawRows(readBack(path)), `batchRows ${batchRows}`).toEqual(expectedRows(ROWS));
      expect((await footer(path)).groups).toEqual([10]);
    }
  });

  it('writes the same bytes for the same rows, whatever the batch size', async () => {
    const a = await writeParquet(dir.join('a.parquet'), layout, ROWS, { batchRows: 3, rowGroupRows: 5 });
    const b = await writeParquet(dir.join('b.parquet'), layout, ROWS, { batchRows: 7, rowGroupRows: 5 });
    expect(a).toEqual(b);
  });

  it('uses the default row group, batch size and created_by, and no metadata of its own', async () => {
    const path = dir.join('d.parquet');
    const written = await writeParquet(path, layout, ROWS);
    expect(written.rows).toBe(10);
    expect(rawRows(readBack(path))).toEqual(expectedRows(ROWS));
    const f = await footer(path);
    expect(f.groups).toEqual([10]);
    expect(f.createdBy).toBe('market-spine');
    expect(f.kv.size).toBe(0);
  });

  it('an empty export still holds the schema', async () => {
    const path = dir.join('empty.parquet');
    const written = await writeParquet(path, layout, [], { batchRows: 4 });
    expect(written).toEqual({ rows: 0, bytes: readFileSync(path).length, sha256: sha256(path) });
    const table = readBack(path);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      'capture_id',
      'week_ending',
      'symbol',
      'total_shares',
      'avg_trade_size',
      'captured_at',
    ]);
  });

  it('keeps long multi-byte texts whole, and each text after them', async () => {
    const long = '€'.repeat(50_000); // 150,000 UTF-8 bytes: past twice the initial 64 KiB buffer
    const rows: Row[] = [
      [1n, 'cap-1', '2025-12-12', 'short', 1n, 1, T1],
      [2n, 'cap-1', '2025-12-12', long, 2n, 2, T1],
      [3n, 'cap-1', '2025-12-12', long, 3n, 3, T1],
      [4n, 'cap-1', '2025-12-12', `${long}x`, 4n, 4, T1],
      [5n, 'cap-1', '2025-12-12', 'after', 5n, 5, T1],
    ];
    const path = dir.join('long.parquet');
    expect((await writeParquet(path, layout, rows, { batchRows: 8 })).rows).toBe(5);
    const symbols = rawRows(readBack(path)).map((r) => r[2] as string);
    expect(symbols.map((s) => s.length)).toEqual([5, 50_000, 50_000, 50_001, 5]);
    expect(symbols).toEqual(['short', long, long, `${long}x`, 'after']);
  });

  it('stops at a bad value: the row source closed, the file closed, the error the value error', async () => {
    const rows: unknown[][] = ROWS.map((r) => [...r]);
    (rows[6] as unknown[])[4] = '7 shares';
    const seen = { pulled: 0, closed: false };
    const path = dir.join('bad.parquet');
    const error = await writeParquet(path, layout, counted(rows, seen), { batchRows: 2 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SpineError);
    expect((error as SpineError).message).toBe(
      "Cannot export column total_shares: it holds '7 shares' (capture cap-2), which is not a valid int64",
    );
    expect((error as SpineError).code).toBe('DATABASE_ERROR');
    expect(seen).toEqual({ pulled: 7, closed: true });
    expect(openPaths()).not.toContain(path);
  });

  it('turns a failure of the encoding thread into INTERNAL_ERROR and stops reading rows', async () => {
    const many = Array.from({ length: 50 }, (_, i) => (ROWS[i % ROWS.length] as Row).slice());
    const seen = { pulled: 0, closed: false };
    const path = dir.join('fail.parquet');
    const error = await writeParquet(path, layout, counted(many, seen), {
      batchRows: 1,
      // parquet-wasm refuses a metadata value that is not a string.
      metadata: { 'market_spine.rows': 50 as unknown as string },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SpineError);
    expect((error as SpineError).code).toBe('INTERNAL_ERROR');
    expect((error as SpineError).message).toMatch(/^Parquet encoding failed: .*expected a string/);
    expect(seen.closed).toBe(true);
    expect(seen.pulled).toBeLessThan(50);
    expect(openPaths()).not.toContain(path);
  });

  it('ends its encoding thread, after a success and after a failure', async () => {
    // Warm up: the first write starts the thread pools that stay.
    await writeParquet(dir.join('warm.parquet'), layout, ROWS, { batchRows: 4 });
    const before = threads();
    await writeParquet(dir.join('ok.parquet'), layout, ROWS, { batchRows: 4 });
    expect(threads()).toBe(before);
    const rows: unknown[][] = ROWS.map((r) => [...r]);
    (rows[5] as unknown[])[2] = '2025-02-30';
    await expect(writeParquet(dir.join('bad.parquet'), layout, rows, { batchRows: 4 })).rejects.toThrow(
      "Cannot export column week_ending: it holds '2025-02-30' (capture cap-2), which is not a valid date",
    );
    expect(threads()).toBe(before);
  });
});
