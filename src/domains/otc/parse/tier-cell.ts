/**
 * The tier column of a data row. Real files repeat one tier text on every row, so the cell is compared
 * with the previous one and only a change is interpreted. With a chosen tier, a row whose text maps to
 * another tier (or to none) stops the parse: storing an OTC file as Tier 1 is reference bug §2 #17.
 */
import { SourceError } from '../../../core/errors.js';
import { tierFromDescription } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { rangeEquals } from './cells.js';

export class TierCell {
  readonly #file: string;
  readonly #expected: Tier | undefined;
  #cell = '\u0000';
  #text = '';

  constructor(fileName: string, expectedTier: Tier | undefined) {
    this.#file = fileName;
    this.#expected = expectedTier;
  }

  /** The trimmed tier text of `t[a, b)`; throws TIER_MISMATCH when it contradicts the chosen tier. */
  read(t: string, a: number, b: number, lineNo: number): string {
    if (rangeEquals(t, a, b, this.#cell)) return this.#text;
    const cell = t.slice(a, b);
    const text = cell.trim();
    if (this.#expected !== undefined) {
      const mapped = tierFromDescription(text);
      if (mapped !== this.#expected) {
        const what = mapped === null ? 'is not a known tier' : `means ${mapped}`;
        throw new SourceError(
          this.#file,
          lineNo,
          'TIER_MISMATCH',
          `tierDescription '${text}' contradicts the chosen tier ${this.#expected} (it ${what})`,
          { tierText: text, mappedTier: mapped, expectedTier: this.#expected },
        );
      }
    }
    this.#cell = cell;
    this.#text = text;
    return text;
  }
}
