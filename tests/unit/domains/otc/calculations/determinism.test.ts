import { describe, expect, it } from 'vitest';
import { rowsEqualIgnoringAudit, stripAuditFields } from '../../../../../src/domains/otc/calculations/determinism.js';
import { pyFloatRepr, pyFloatReprOrNull } from '../../../../../src/domains/otc/calculations/float-text.js';

describe('determinism helpers', () => {
  it('strips audit fields', () => {
    expect(stripAuditFields({ id: 1, symbol: 'A', calculated_at: 'now', rn: 1, total: 5 })).toEqual({
      symbol: 'A',
      total: 5,
    });
  });

  it('compares rows ignoring audit fields and order', () => {
    const a = [
      { id: 1, symbol: 'A', v: 1, calculated_at: 't1' },
      { id: 2, symbol: 'B', v: 2n, calculated_at: 't1' },
    ];
    const b = [
      { symbol: 'B', v: 2n, id: 9, calculated_at: 't2' },
      { symbol: 'A', v: 1, id: 8, calculated_at: 't2' },
    ];
    expect(rowsEqualIgnoringAudit(a, b)).toBe(true);
    expect(rowsEqualIgnoringAudit(a, [...b.slice(1), { symbol: 'B', v: 3n }])).toBe(false);
    expect(rowsEqualIgnoringAudit(a, b.slice(1))).toBe(false);
  });
});

describe('Python float repr for TEXT columns', () => {
  it.each([
    [59.41406553153181, '59.41406553153181'],
    [3110306, '3110306.0'],
    [4313689, '4313689.0'],
    [0.8218839348070724, '0.8218839348070724'],
    [7.485052905113666e-9, '7.485052905113666e-09'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [123456789012345.6, '123456789012345.6'],
    [-73.01818732021388, '-73.01818732021388'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e22, '1e+22'],
  ])('prints %s as %s', (x, text) => {
    expect(pyFloatRepr(x)).toBe(text);
  });

  it('keeps NULL as null', () => {
    expect(pyFloatReprOrNull(null)).toBeNull();
    expect(pyFloatReprOrNull(0.25)).toBe('0.25');
  });
});
