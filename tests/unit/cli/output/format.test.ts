import { describe, expect, it } from 'vitest';
import { columnFormat, formatCell } from '../../../../src/cli/output/format.js';
import { toJsonText } from '../../../../src/cli/output/json.js';
import { toCsv } from '../../../../src/cli/output/table.js';

const fmt = (name: string, values: unknown[]): string[] => {
  const f = columnFormat(name, values);
  return values.map((v) => formatCell(v, f));
};

describe('one number format per column', () => {
  it('gives a decimal column the same decimals on every row, integers included', () => {
    expect(fmt('avg_trade_size', [2027617.3488372094, 1142147, 12.5])).toEqual([
      '2,027,617.35',
      '1,142,147.00',
      '12.50',
    ]);
    expect(fmt('hhi', [0.9299147466219626, 1])).toEqual(['0.9299', '1.0000']);
  });

  it('groups integer columns, but not ids and years', () => {
    expect(fmt('total_volume', [1098033568, 15430])).toEqual(['1,098,033,568', '15,430']);
    expect(fmt('year', [2025])).toEqual(['2025']);
    expect(fmt('id', [12345])).toEqual(['12345']);
  });

  it('shows shares (fractions of 1) as percentages, with more decimals only when a small one would read 0', () => {
    expect(fmt('market_share', [0.8218839348070724, 0.14423179730998292])).toEqual(['82.19%', '14.42%']);
    expect(fmt('share', [0.5, 0.0000468])).toEqual(['50.000%', '0.005%']);
    expect(fmt('share', [0.5, 0.00000468])).toEqual(['50.0000%', '0.0005%']);
    expect(fmt('tier_volume_share', [1])).toEqual(['100.00%']);
  });

  it('adds % to values already in percentage points', () => {
    expect(fmt('trend_pct', [12.5, -3])).toEqual(['12.50%', '-3.00%']);
  });

  it('shows UTC instants to the second', () => {
    expect(fmt('captured_at', ['2026-11-30T07:11:58.775000+00:00', '2026-11-30T07:12:02.001Z'])).toEqual([
      '2026-11-30 07:11:58Z',
      '2026-11-30 07:12:02Z',
    ]);
  });

  it('leaves a column that mixes numbers and text as text', () => {
    expect(fmt('actual_value', [0, '{"min":0}'])).toEqual(['0', '{"min":0}']);
  });
});

describe('integers beyond 2^53', () => {
  const big = 9007199254740993n;

  it('keep every digit in a table cell', () => {
    expect(fmt('total_shares', [big, 1])).toEqual(['9,007,199,254,740,993', '1']);
  });

  it('keep every digit in CSV', () => {
    expect(toCsv([{ total_shares: big }])).toBe('total_shares\n9007199254740993');
  });

  it('are exact decimal strings in JSON, while safe integers stay numbers', () => {
    expect(toJsonText({ a: big, b: 9007199254740991, c: -big }, 0)).toBe(
      '{"a":"9007199254740993","b":9007199254740991,"c":"-9007199254740993"}',
    );
  });
});
