import { describe, expect, it } from 'vitest';
import {
  epochDays,
  epochMicros,
  exportTypeOf,
  int64Cell,
  timestampMicrosCell,
} from '../../../../src/core/export/columns.js';
import type { ExportColumn } from '../../../../src/core/export/columns.js';

describe('export column types', () => {
  it('maps declared SQLite types, and gives the clocks real date and timestamp types', () => {
    expect(exportTypeOf('total_shares', 'INTEGER')).toBe('int64');
    expect(exportTypeOf('avg_trade_size', 'REAL')).toBe('double');
    expect(exportTypeOf('week_ending', 'TEXT')).toBe('date');
    expect(exportTypeOf('source_last_update_date', 'TEXT')).toBe('date');
    expect(exportTypeOf('captured_at', 'TEXT')).toBe('timestamp');
    expect(exportTypeOf('created_at', 'TEXT')).toBe('timestamp');
    expect(exportTypeOf('symbol', 'TEXT')).toBe('string');
    expect(exportTypeOf('week_ending', null)).toBe('string');
  });
});

describe('epochDays', () => {
  it('counts days since 1970-01-01', () => {
    expect(epochDays('1970-01-01')).toBe(0);
    expect(epochDays('2025-12-12')).toBe(Date.UTC(2025, 11, 12) / 86_400_000);
    expect(epochDays('1969-12-31')).toBe(-1);
  });

  it('refuses what is not a calendar day', () => {
    for (const bad of ['2025-02-30', '2025-13-01', '2025-12-1', '12/12/2025', '2025-12-12T00:00:00Z', '']) {
      expect(epochDays(bad), bad).toBeUndefined();
    }
  });
});

describe('epochMicros', () => {
  it('is exact to the microsecond in the capture clock format and in ISO Z form', () => {
    const base = BigInt(Date.UTC(2025, 11, 22, 14, 5, 9)) * 1000n;
    expect(epochMicros('2025-12-22T14:05:09.123456+00:00')).toBe(base + 123_456n);
    expect(epochMicros('2025-12-22T14:05:09.123Z')).toBe(base + 123_000n);
    expect(epochMicros('2025-12-22T14:05:09Z')).toBe(base);
    expect(epochMicros('2025-12-22 14:05:09')).toBe(base);
  });

  it('applies zone offsets', () => {
    expect(epochMicros('2025-12-22T16:05:09.5+02:00')).toBe(epochMicros('2025-12-22T14:05:09.5Z'));
    expect(epochMicros('2025-12-22T09:05:09-0500')).toBe(epochMicros('2025-12-22T14:05:09Z'));
  });

  it('refuses what is not an instant', () => {
    for (const bad of ['2025-12-22', '2025-12-22T25:00:00Z', '2025-02-30T00:00:00Z', 'yesterday']) {
      expect(epochMicros(bad), bad).toBeUndefined();
    }
  });
});

describe('cell converters', () => {
  const col = (name: string, type: ExportColumn['type']): ExportColumn => ({ name, type, sqlite_type: null });

  it('keep integers beyond 2^53 exact and refuse non-integers, naming the column and capture', () => {
    const cell = int64Cell(col('total_shares', 'int64'), 1);
    expect(cell(9_007_199_254_740_993n, [])).toBe(9_007_199_254_740_993n);
    expect(cell(null, [])).toBeNull();
    expect(() => cell('12x', [null, 'cap-1'])).toThrow(
      "Cannot export column total_shares: it holds '12x' (capture cap-1), which is not a valid int64",
    );
    expect(() => cell(1.5, [])).toThrow('it holds 1.5, which is not a valid int64');
  });

  it('check every distinct timestamp text, even after a valid one', () => {
    const cell = timestampMicrosCell(col('captured_at', 'timestamp'), -1);
    expect(cell('2025-12-22T14:05:09Z', [])).toBe(epochMicros('2025-12-22T14:05:09Z'));
    expect(cell('2025-12-22T14:05:09Z', [])).toBe(epochMicros('2025-12-22T14:05:09Z'));
    expect(() => cell('not a time', [])).toThrow('not a valid timestamp');
  });
});
