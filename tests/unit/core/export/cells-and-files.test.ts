/**
 * The cell converters of every export type (NULL and undefined, the JavaScript types better-sqlite3 can
 * return, the refusal with its code and details), the text writers' non-finite doubles, and HashedFile's
 * size, hash and descriptors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpineError } from '../../../../src/core/errors.js';
import {
  badValue,
  checkedTextCell,
  dateDaysCell,
  doubleCell,
  epochDays,
  epochMicros,
  exportColumns,
  int64Cell,
  stringCell,
  timestampMicrosCell,
} from '../../../../src/core/export/columns.js';
import type { ExportColumn } from '../../../../src/core/export/columns.js';
import { HashedFile } from '../../../../src/core/export/hashed-file.js';
import { layoutOf } from '../../../../src/core/export/layout.js';
import { writeCsv, writeJsonl } from '../../../../src/core/export/text-writers.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-cells-');
});
afterEach(() => dir.cleanup());

const col = (name: string, type: ExportColumn['type']): ExportColumn => ({ name, type, sqlite_type: 'X' });

function thrown(fn: () => unknown): SpineError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpineError);
    return err as SpineError;
  }
  throw new Error('did not throw');
}

/** Paths this process holds open descriptors on. */
const openPaths = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

describe('badValue', () => {
  it('names the column, the value and the capture, with DATABASE_ERROR (exit 3) and details', () => {
    const err = badValue(col('total_shares', 'int64'), '12x', 'cap-1');
    expect(err.message).toBe(
      "Cannot export column total_shares: it holds '12x' (capture cap-1), which is not a valid int64",
    );
    expect(err.code).toBe('DATABASE_ERROR');
    expect(err.exitCode).toBe(3);
    expect(err.details).toEqual({ column: 'total_shares', type: 'int64', value: '12x', capture_id: 'cap-1' });
  });

  it('shows a non-text value bare, and no capture when there is none', () => {
    const err = badValue(col('week_ending', 'date'), 20251212n, undefined);
    expect(err.message).toBe('Cannot export column week_ending: it holds 20251212, which is not a valid date');
    expect(err.details).toEqual({ column: 'week_ending', type: 'date', value: '20251212', capture_id: null });
    expect(badValue(col('x', 'double'), true, 7).details).toEqual({
      column: 'x',
      type: 'double',
      value: 'true',
      capture_id: 7,
    });
    expect(badValue(col('x', 'double'), true, 7).message).toBe(
      'Cannot export column x: it holds true, which is not a valid double',
    );
  });
});

describe('cell converters', () => {
  it('int64: NULL and undefined are null, safe numbers become bigints, the rest is refused', () => {
    const cell = int64Cell(col('n', 'int64'), 0);
    expect(cell(null, [])).toBeNull();
    expect(cell(undefined, [])).toBeNull();
    expect(cell(-5n, [])).toBe(-5n);
    expect(cell(42, [])).toBe(42n);
    expect(thrown(() => cell(2 ** 53, ['cap-9'])).details).toEqual({
      column: 'n',
      type: 'int64',
      value: String(2 ** 53),
      capture_id: 'cap-9',
    });
    expect(thrown(() => cell('1', [])).message).toBe(
      "Cannot export column n: it holds '1', which is not a valid int64",
    );
  });

  it('double: numbers as they are, bigints converted, NULL and undefined null, text refused', () => {
    const cell = doubleCell(col('x', 'double'), 1);
    expect(cell(null, [])).toBeNull();
    expect(cell(undefined, [])).toBeNull();
    expect(cell(0.1, [])).toBe(0.1);
    expect(cell(Number.NEGATIVE_INFINITY, [])).toBe(Number.NEGATIVE_INFINITY);
    expect(cell(12n, [])).toBe(12);
    expect(typeof cell(12n, [])).toBe('number');
    expect(cell(-(2n ** 60n), [])).toBe(-(2 ** 60));
    const err = thrown(() => cell('0.5', ['id', 'cap-2']));
    expect(err.message).toBe("Cannot export column x: it holds '0.5' (capture cap-2), which is not a valid double");
    expect(err.details).toEqual({ column: 'x', type: 'double', value: '0.5', capture_id: 'cap-2' });
  });

  it('date: days since the epoch, NULL and undefined null, non-text and non-days refused', () => {
    const cell = dateDaysCell(col('week_ending', 'date'), 0);
    expect(cell(null, [])).toBeNull();
    expect(cell(undefined, [])).toBeNull();
    expect(cell('2025-12-12', [])).toBe(epochDays('2025-12-12'));
    expect(cell('2025-12-12', [])).toBe(epochDays('2025-12-12'));
    expect(cell(null, [])).toBeNull();
    expect(cell('2025-12-19', [])).toBe(epochDays('2025-12-19'));
    expect(cell(undefined, [])).toBeNull();
    expect(thrown(() => cell(20251212, ['cap-3'])).message).toBe(
      'Cannot export column week_ending: it holds 20251212 (capture cap-3), which is not a valid date',
    );
    expect(thrown(() => cell('2025-02-30', [])).details).toEqual({
      column: 'week_ending',
      type: 'date',
      value: '2025-02-30',
      capture_id: null,
    });
  });

  it('timestamp: microseconds, NULL and undefined null, and the cache never answers for another text', () => {
    const cell = timestampMicrosCell(col('captured_at', 'timestamp'), 0);
    expect(cell(null, [])).toBeNull();
    expect(cell(undefined, [])).toBeNull();
    expect(cell('2025-12-22T14:05:09.5Z', [])).toBe(epochMicros('2025-12-22T14:05:09.5Z'));
    expect(cell(null, [])).toBeNull();
    expect(cell('2025-12-22T14:05:09.5Z', [])).toBe(epochMicros('2025-12-22T14:05:09.5Z'));
    expect(cell('2025-12-22T14:05:10Z', [])).toBe(epochMicros('2025-12-22T14:05:10Z'));
    expect(() => cell(5n, [])).toThrow('it holds 5, which is not a valid timestamp');
  });

  it('checked text cells give the stored text back, or null', () => {
    const date = checkedTextCell(col('week_ending', 'date'), -1);
    expect(date('2025-12-12', [])).toBe('2025-12-12');
    expect(date(null, [])).toBeNull();
    expect(date(undefined, [])).toBeNull();
    expect(() => date('2025-12-12T00:00:00Z', [])).toThrow('not a valid date');
    const ts = checkedTextCell(col('captured_at', 'timestamp'), -1);
    expect(ts('2025-12-22T14:05:09.123000+00:00', [])).toBe('2025-12-22T14:05:09.123000+00:00');
    expect(ts(null, [])).toBeNull();
    expect(() => ts('2025-12-12', [])).toThrow('not a valid timestamp');
  });

  it('string: text as it is, integers and doubles as their digits, NULL and undefined null', () => {
    const cell = stringCell(col('symbol', 'string'), 0);
    expect(cell(null, [])).toBeNull();
    expect(cell(undefined, [])).toBeNull();
    expect(cell('', [])).toBe('');
    expect(cell('AAPL', [])).toBe('AAPL');
    expect(cell(9_007_199_254_740_993n, [])).toBe('9007199254740993');
    expect(cell(1.5, [])).toBe('1.5');
    const err = thrown(() => cell(Buffer.from('x'), ['cap-4']));
    expect(err.message).toBe('Cannot export column symbol: it holds x (capture cap-4), which is not a valid string');
    expect(err.details).toEqual({ column: 'symbol', type: 'string', value: 'x', capture_id: 'cap-4' });
    expect(() => cell(true, [])).toThrow('it holds true, which is not a valid string');
  });

  it('exportColumns keeps the names and declared types', () => {
    expect(
      exportColumns([
        { name: 'week_ending', type: 'TEXT' },
        { name: 'n', type: 'integer' },
        { name: 'x', type: null },
      ]),
    ).toEqual([
      { name: 'week_ending', type: 'date', sqlite_type: 'TEXT' },
      { name: 'n', type: 'int64', sqlite_type: 'integer' },
      { name: 'x', type: 'string', sqlite_type: null },
    ]);
  });
});

describe('text writers and non-finite doubles', () => {
  const layout = layoutOf([
    { name: 'symbol', type: 'TEXT' },
    { name: 'x', type: 'REAL' },
  ]);
  const rows = [
    ['P', Number.POSITIVE_INFINITY],
    ['M', Number.NEGATIVE_INFINITY],
    ['N', Number.NaN],
    ['Z', -0],
    ['B', 3n],
  ];

  it('CSV writes inf, -inf and nan', () => {
    const path = dir.join('x.csv');
    expect(writeCsv(path, layout, rows).rows).toBe(5);
    expect(readFileSync(path, 'utf8')).toBe('symbol,x\nP,inf\nM,-inf\nN,nan\nZ,0\nB,3\n');
  });

  it('JSON Lines writes null for every non-finite double', () => {
    const path = dir.join('x.jsonl');
    expect(writeJsonl(path, layout, rows).rows).toBe(5);
    expect(readFileSync(path, 'utf8')).toBe(
      '{"symbol":"P","x":null}\n{"symbol":"M","x":null}\n{"symbol":"N","x":null}\n{"symbol":"Z","x":0}\n{"symbol":"B","x":3}\n',
    );
  });

  it('a writer that fails on a bad value closes its file', () => {
    const path = dir.join('bad.csv');
    expect(() =>
      writeCsv(path, layout, [
        ['A', 1],
        ['B', 'x'],
      ]),
    ).toThrow("it holds 'x', which is not a valid double");
    expect(openPaths()).not.toContain(path);
    const jsonl = dir.join('bad.jsonl');
    expect(() => writeJsonl(jsonl, layout, [['A', 'x']])).toThrow("it holds 'x', which is not a valid double");
    expect(openPaths()).not.toContain(jsonl);
  });
});

describe('HashedFile', () => {
  it('reports the size and SHA-256 of exactly the bytes written, text and binary in order', () => {
    const path = dir.join('f.bin');
    const file = new HashedFile(path);
    file.writeText('héllo ');
    file.write(new Uint8Array([0, 1, 2]));
    file.writeText('x'.repeat((1 << 20) + 5));
    file.writeText('end');
    const written = file.close();
    const bytes = readFileSync(path);
    expect(written).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(bytes.length).toBe(7 + 3 + (1 << 20) + 5 + 3);
    expect(bytes.subarray(0, 10)).toEqual(Buffer.concat([Buffer.from('héllo ', 'utf8'), Buffer.from([0, 1, 2])]));
    expect(bytes.subarray(bytes.length - 3).toString()).toBe('end');
    expect(openPaths()).not.toContain(path);
  });

  it('abandon closes the descriptor, once', () => {
    const path = dir.join('f.txt');
    const file = new HashedFile(path);
    file.write(Buffer.from('abc'));
    expect(openPaths()).toContain(path);
    file.abandon();
    file.abandon();
    expect(openPaths()).not.toContain(path);
    expect(existsSync(path)).toBe(true);
  });
});
