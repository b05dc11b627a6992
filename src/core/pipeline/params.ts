import { existsSync } from 'node:fs';
import { tryParseIsoDate } from '../dates.js';
import { BadParamsError } from '../errors.js';
import { fridayProblem } from '../week-ending.js';

export type ParamType = 'string' | 'int' | 'bool' | 'date' | 'path' | 'enum';
export type ParamValue = string | number | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

/** One declared parameter. CLI strings are coerced to `type` at the boundary (`force=true` is a boolean). */
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly description: string;
  readonly required?: boolean;
  readonly default?: ParamValue;
  readonly choices?: readonly string[];
  /** Minimum for ints (inclusive). */
  readonly min?: number;
  readonly mustExist?: boolean;
  /** Dates only: the value is a week_ending and must be a Friday (checked before anything is recorded). */
  readonly friday?: boolean;
  /** Canonicalises a value (e.g. tier aliases); throws an Error whose message explains the rule. */
  readonly normalize?: (value: string) => string;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

function coerce(spec: ParamSpec, raw: ParamValue): ParamValue {
  switch (spec.type) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      throw new Error(`expected a boolean (true/false/1/0), got '${raw}'`);
    }
    case 'int': {
      const s = String(raw).trim();
      if (!/^-?\d+$/.test(s)) throw new Error(`expected an integer, got '${raw}'`);
      const n = Number(s);
      if (spec.min !== undefined && n < spec.min) throw new Error(`must be >= ${spec.min}, got ${n}`);
      return n;
    }
    case 'date': {
      const s = String(raw).trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || tryParseIsoDate(s) === null) {
        throw new Error(`expected a date YYYY-MM-DD, got '${raw}'`);
      }
      const problem = spec.friday ? fridayProblem(s) : null;
      if (problem !== null) throw new Error(problem);
      return s;
    }
    case 'enum': {
      const s = spec.normalize ? spec.normalize(String(raw)) : String(raw);
      if (spec.choices && !spec.choices.includes(s))
        throw new Error(`expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      return s;
    }
    case 'path': {
      const s = String(raw);
      if (spec.mustExist && !existsSync(s)) throw new Error(`file not found: ${s}`);
      return s;
    }
    case 'string':
      return spec.normalize ? spec.normalize(String(raw)) : String(raw);
  }
}

/**
 * Validates and coerces params against the spec before anything runs. Every problem is collected into
 * one BadParamsError. Defaults are written in; undeclared params pass through unchanged (capture_id…).
 */
export function resolveParams(
  specs: readonly ParamSpec[],
  input: Readonly<Record<string, ParamValue | undefined>>,
): Params {
  const out: Record<string, ParamValue> = {};
  const missing: string[] = [];
  const invalid: Record<string, string> = {};
  const declared = new Set(specs.map((s) => s.name));
  for (const [k, v] of Object.entries(input)) if (!declared.has(k) && v !== undefined) out[k] = v;
  for (const spec of specs) {
    const raw = input[spec.name];
    if (raw === undefined || raw === '') {
      if (spec.required) missing.push(spec.name);
      else if (spec.default !== undefined) out[spec.name] = spec.default;
      continue;
    }
    try {
      out[spec.name] = coerce(spec, raw);
    } catch (err) {
      invalid[spec.name] = (err as Error).message;
    }
  }
  if (missing.length > 0 || Object.keys(invalid).length > 0) throw new BadParamsError(missing, invalid);
  return out;
}

/** Parses `k=v` strings (CLI positional args and `-p`). */
export function parseKeyValues(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const idx = pair.indexOf('=');
    if (idx <= 0) throw new BadParamsError([], { [pair]: 'expected key=value' });
    out[pair.slice(0, idx).trim()] = pair.slice(idx + 1);
  }
  return out;
}
