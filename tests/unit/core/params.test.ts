import { describe, expect, it } from 'vitest';
import { BadParamsError } from '../../../src/core/errors.js';
import { parseKeyValues, resolveParams } from '../../../src/core/pipeline/params.js';
import type { ParamSpec } from '../../../src/core/pipeline/params.js';

const TIER_ALIASES: Record<string, string> = { otc: 'OTC', tier1: 'NMS_TIER_1', tier2: 'NMS_TIER_2' };

const SPECS: readonly ParamSpec[] = [
  { name: 'week_ending', type: 'date', description: 'week', required: true },
  {
    name: 'tier',
    type: 'enum',
    description: 'tier',
    required: true,
    choices: ['OTC', 'NMS_TIER_1', 'NMS_TIER_2'],
    normalize: (v) => TIER_ALIASES[v.toLowerCase()] ?? v.toUpperCase(),
  },
  { name: 'count', type: 'int', description: 'count', default: 10, min: 0 },
  { name: 'force', type: 'bool', description: 'force', default: false },
];

function badParams(fn: () => unknown): BadParamsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BadParamsError) return err;
    throw err;
  }
  throw new Error('expected BadParamsError');
}

const valid = { week_ending: '2025-12-12', tier: 'OTC' };

describe('resolveParams', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['off', false],
    ['TRUE', true],
  ])("coerces force='%s' to the boolean %s", (raw, expected) => {
    expect(resolveParams(SPECS, { ...valid, force: raw })['force']).toBe(expected);
  });

  it('keeps booleans that are already booleans', () => {
    expect(resolveParams(SPECS, { ...valid, force: true })['force']).toBe(true);
  });

  it('coerces integer strings to numbers and refuses non-integers and values below min', () => {
    expect(resolveParams(SPECS, { ...valid, count: '42' })['count']).toBe(42);
    expect(resolveParams(SPECS, { ...valid, count: 7 })['count']).toBe(7);
    expect(badParams(() => resolveParams(SPECS, { ...valid, count: '4.5' })).invalid['count']).toMatch(/integer/);
    expect(badParams(() => resolveParams(SPECS, { ...valid, count: '-1' })).invalid['count']).toMatch(/>= 0/);
  });

  it('accepts real calendar dates and rejects impossible or malformed ones', () => {
    expect(resolveParams(SPECS, { ...valid, week_ending: '2024-02-29' })['week_ending']).toBe('2024-02-29');
    for (const bad of ['2025-02-30', '2025-02-29', '2025-13-01', '2025-2-3', '12/12/2025', '2025-12-12T00:00:00']) {
      const err = badParams(() => resolveParams(SPECS, { ...valid, week_ending: bad }));
      expect(err.invalid['week_ending']).toContain(`'${bad}'`);
    }
  });

  it('normalizes enum aliases and refuses values outside the choices', () => {
    expect(resolveParams(SPECS, { ...valid, tier: 'tier1' })['tier']).toBe('NMS_TIER_1');
    expect(resolveParams(SPECS, { ...valid, tier: 'otc' })['tier']).toBe('OTC');
    const err = badParams(() => resolveParams(SPECS, { ...valid, tier: 'tier9' }));
    expect(err.invalid['tier']).toContain('OTC, NMS_TIER_1, NMS_TIER_2');
  });

  it('reports a throwing normalize as an invalid parameter with its message', () => {
    const specs: ParamSpec[] = [
      {
        name: 'code',
        type: 'string',
        description: 'code',
        normalize: () => {
          throw new Error('codes are three letters');
        },
      },
    ];
    expect(badParams(() => resolveParams(specs, { code: 'x' })).invalid).toEqual({ code: 'codes are three letters' });
  });

  it('lists every missing required parameter in one MISSING_REQUIRED error', () => {
    const err = badParams(() => resolveParams(SPECS, { count: '1', tier: '' }));

    expect(err.code).toBe('MISSING_REQUIRED');
    expect(err.missing).toEqual(['week_ending', 'tier']);
    expect(err.message).toContain('Missing required parameters: week_ending, tier');
    expect(err.exitCode).toBe(2);
    expect(err.nonRetryable).toBe(true);
  });

  it('lists each invalid parameter in one INVALID_PARAMS error', () => {
    const err = badParams(() =>
      resolveParams(SPECS, { ...valid, count: 'many', force: 'maybe', week_ending: '2025-02-30' }),
    );

    expect(err.code).toBe('INVALID_PARAMS');
    expect(Object.keys(err.invalid).sort()).toEqual(['count', 'force', 'week_ending']);
    for (const name of ['count', 'force', 'week_ending']) expect(err.message).toContain(`Invalid parameter '${name}'`);
    expect(err.details).toMatchObject({ missing: [], invalid: err.invalid });
  });

  it('reports missing and invalid parameters together as INVALID_PARAMS', () => {
    const err = badParams(() => resolveParams(SPECS, { tier: 'nope' }));

    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.missing).toEqual(['week_ending']);
    expect(Object.keys(err.invalid)).toEqual(['tier']);
  });

  it('writes defaults in and passes undeclared params through unchanged', () => {
    const out = resolveParams(SPECS, { ...valid, capture_id: 'otc:OTC:2025-12-12:abc123', ignored: undefined });

    expect(out).toEqual({
      week_ending: '2025-12-12',
      tier: 'OTC',
      count: 10,
      force: false,
      capture_id: 'otc:OTC:2025-12-12:abc123',
    });
  });
});

describe('parseKeyValues', () => {
  it('splits on the first = and keeps the rest of the value', () => {
    expect(parseKeyValues(['week_ending=2025-12-12', ' tier =OTC', 'expr=a=b', 'empty='])).toEqual({
      week_ending: '2025-12-12',
      tier: 'OTC',
      expr: 'a=b',
      empty: '',
    });
  });

  it('lets a later pair override an earlier one', () => {
    expect(parseKeyValues(['a=1', 'a=2'])).toEqual({ a: '2' });
  });

  it.each([['novalue'], ['=orphan']])("refuses '%s' with an INVALID_PARAMS error naming it", (pair) => {
    const err = badParams(() => parseKeyValues([pair]));
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.invalid).toEqual({ [pair]: 'expected key=value' });
  });
});

describe('resolveParams with a week parameter (friday: true)', () => {
  const week: ParamSpec = { name: 'week_ending', type: 'date', description: 'week', friday: true };

  it('refuses a non-Friday before anything runs, naming the nearest Friday', () => {
    const err = badParams(() => resolveParams([week], { week_ending: '2025-12-20' }));
    expect(err.invalid['week_ending']).toBe(
      'must be Friday, got 2025-12-20 (Saturday). Nearest Friday: 2025-12-19 (1 day before)',
    );
    expect(err.message).toBe(
      "Invalid parameter 'week_ending': must be Friday, got 2025-12-20 (Saturday). Nearest Friday: 2025-12-19 (1 day before)",
    );
  });

  it('accepts a Friday unchanged', () => {
    expect(resolveParams([week], { week_ending: '2025-12-19' })).toEqual({ week_ending: '2025-12-19' });
  });
});

describe('BadParamsError.describe', () => {
  it('names parameters the way the caller says the user typed them', () => {
    const label = (name: string): string => (name === 'file_path' ? '--file' : `'${name}'`);
    expect(BadParamsError.describe(['file_path'], { week_ending: 'must be Friday' }, label)).toBe(
      "Missing required --file. Invalid 'week_ending': must be Friday",
    );
  });
});
