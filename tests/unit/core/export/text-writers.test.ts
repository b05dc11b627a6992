import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layoutOf } from '../../../../src/core/export/layout.js';
import { writeCsv, writeJsonl } from '../../../../src/core/export/text-writers.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

// Result columns as better-sqlite3 reports them; `id` is left out of every export.
const layout = layoutOf([
  { name: 'id', type: 'INTEGER' },
  { name: 'week_ending', type: 'TEXT' },
  { name: 'symbol', type: 'TEXT' },
  { name: 'issue_name', type: 'TEXT' },
  { name: 'total_shares', type: 'INTEGER' },
  { name: 'avg_trade_size', type: 'REAL' },
  { name: 'captured_at', type: 'TEXT' },
]);
const rows: unknown[][] = [
  [1n, '2025-12-12', 'AABB', 'Asia, "Broadband" Inc', 9_007_199_254_740_993n, 0.1, '2025-12-15T12:00:00.000000+00:00'],
  [2n, '2025-12-12', 'NA', '', 0n, null, '2025-12-15T12:00:00.000000+00:00'],
  [3n, '2025-12-12', 'ML', 'two\nlines', null, Number.POSITIVE_INFINITY, '2025-12-15T12:00:00.000000+00:00'],
];

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

describe('writeCsv', () => {
  it('writes a header, quotes only what needs it, keeps integers exact, NULL as an empty field', () => {
    const path = dir.join('x.csv');
    const written = writeCsv(path, layout, rows);
    expect(written.rows).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(
      [
        'week_ending,symbol,issue_name,total_shares,avg_trade_size,captured_at',
        '2025-12-12,AABB,"Asia, ""Broadband"" Inc",9007199254740993,0.1,2025-12-15T12:00:00.000000+00:00',
        '2025-12-12,NA,"",0,,2025-12-15T12:00:00.000000+00:00',
        '2025-12-12,ML,"two\nlines",,inf,2025-12-15T12:00:00.000000+00:00',
        '',
      ].join('\n'),
    );
    expect(written.bytes).toBe(readFileSync(path).length);
  });
});

describe('writeJsonl', () => {
  it('writes one object per row, keys in column order, integers as exact JSON numbers', () => {
    const path = dir.join('x.jsonl');
    expect(writeJsonl(path, layout, rows).rows).toBe(3);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe(
      '{"week_ending":"2025-12-12","symbol":"AABB","issue_name":"Asia, \\"Broadband\\" Inc","total_shares":9007199254740993,"avg_trade_size":0.1,"captured_at":"2025-12-15T12:00:00.000000+00:00"}',
    );
    expect(JSON.parse(lines[1] as string)).toEqual({
      week_ending: '2025-12-12',
      symbol: 'NA',
      issue_name: '',
      total_shares: 0,
      avg_trade_size: null,
      captured_at: '2025-12-15T12:00:00.000000+00:00',
    });
    // JSON has no infinity: a non-finite double is null.
    expect(JSON.parse(lines[2] as string)).toMatchObject({
      issue_name: 'two\nlines',
      total_shares: null,
      avg_trade_size: null,
    });
    expect(lines[3]).toBe('');
  });

  it('never overwrites a file', () => {
    const path = dir.join('x.jsonl');
    writeJsonl(path, layout, []);
    expect(() => writeJsonl(path, layout, rows)).toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
