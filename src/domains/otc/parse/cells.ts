/**
 * Small helpers for reading cells as ranges of a line, so the hot path does not allocate a string per cell.
 * Whitespace means ASCII controls and space (what FINRA files and CSV tools produce).
 */
import { tryParseIsoDate } from '../../../core/dates.js';
import { nearestFridayOnOrAfter, weekEndingFromPublicationDate } from '../../../core/week-ending.js';

export function trimStart(t: string, a: number, b: number): number {
  let s = a;
  while (s < b && t.charCodeAt(s) <= 32) s++;
  return s;
}

export function trimEnd(t: string, a: number, b: number): number {
  let e = b;
  while (e > a && t.charCodeAt(e - 1) <= 32) e--;
  return e;
}

export function isBlank(t: string, a: number, b: number): boolean {
  return trimStart(t, a, b) === b;
}

/** Trimmed and uppercased cell; skips `toUpperCase` (costly per row) when nothing is lowercase. */
export function upperCell(t: string, a0: number, b0: number): string {
  const a = trimStart(t, a0, b0);
  const b = trimEnd(t, a, b0);
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c > 127) return t.slice(a, b).toUpperCase();
  }
  return t.slice(a, b);
}

/** A trimmed cell, null when empty. */
export function optionalCell(t: string, a0: number, b0: number): string | null {
  const a = trimStart(t, a0, b0);
  const b = trimEnd(t, a, b0);
  return a === b ? null : t.slice(a, b);
}

/**
 * True when `t[a, b)` equals `s`. A plain loop: `startsWith(s, a)` costs several times more per call and
 * this runs for several cells of every row.
 */
export function rangeEquals(t: string, a: number, b: number, s: string): boolean {
  if (b - a !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (t.charCodeAt(a + i) !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * A trimmed optional cell ('' → null) that reuses the string of a recent row with the same text, so
 * records share one string per venue or issue name instead of one each, and no slice is needed.
 */
export class RecentCells {
  readonly #recent: string[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  read(t: string, a0: number, b0: number): string | null {
    const a = trimStart(t, a0, b0);
    const b = trimEnd(t, a, b0);
    if (a === b) return null;
    for (const s of this.#recent) if (rangeEquals(t, a, b, s)) return s;
    const value = t.slice(a, b);
    this.#recent[this.#next] = value;
    this.#next = (this.#next + 1) % this.#capacity;
    return value;
  }
}

const CACHE_LIMIT = 1024;

/**
 * Memoises date cells: real files repeat one lastUpdateDate on every row, so the common case is a
 * comparison with the previous cell. `parse` returns the ISO date, null for an empty cell, or undefined
 * for a cell that is not a real ISO date.
 */
export class DateCache {
  #lastCell = '\u0000';
  #lastValue: string | undefined = undefined;
  readonly #cells = new Map<string, string | undefined>();
  readonly #weeks = new Map<string, string>();
  readonly #fridays = new Map<string, string>();

  parse(t: string, a0: number, b0: number): string | null | undefined {
    const a = trimStart(t, a0, b0);
    const b = trimEnd(t, a, b0);
    if (a === b) return null;
    if (rangeEquals(t, a, b, this.#lastCell)) return this.#lastValue;
    const cell = t.slice(a, b);
    let value: string | undefined;
    if (this.#cells.has(cell)) value = this.#cells.get(cell);
    else {
      value = tryParseIsoDate(cell) ?? undefined;
      if (this.#cells.size >= CACHE_LIMIT) this.#cells.clear();
      this.#cells.set(cell, value);
    }
    this.#lastCell = cell;
    this.#lastValue = value;
    return value;
  }

  /** weekEndingFromPublicationDate, memoised. */
  publicationWeek(date: string): string {
    return memo(this.#weeks, date, weekEndingFromPublicationDate);
  }

  /** nearestFridayOnOrAfter, memoised (API weekStartDate → week). */
  fridayOnOrAfter(date: string): string {
    return memo(this.#fridays, date, nearestFridayOnOrAfter);
  }
}

function memo(map: Map<string, string>, key: string, fn: (k: string) => string): string {
  let v = map.get(key);
  if (v === undefined) {
    v = fn(key);
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(key, v);
  }
  return v;
}
