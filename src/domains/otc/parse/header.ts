/**
 * Header resolution for the header-keyed parser (domain-spec §3.2). Formats A (FINRA weekly file) and B
 * (reference fixtures) differ only in column names, so each field has an ordered list of names to try.
 * A header without symbol, MPID, shares or trades is fatal: every row would fail, and one clear error at
 * line 1 beats thousands of identical rejects (this is also what catches binary or comma-delimited files).
 */
import { SourceError } from '../../../core/errors.js';

/** Header names tried, in order, per field. Exact match first, then case-insensitive. */
export const HEADER_FALLBACKS = {
  week: ['weekEnding', 'WeekEnding'],
  weekStart: ['weekStartDate'],
  lastUpdate: ['lastUpdateDate'],
  tier: ['tierDescription', 'Tier'],
  symbol: ['issueSymbolIdentifier', 'Symbol'],
  mpid: ['MPID', 'mpid'],
  shares: ['totalWeeklyShareQuantity', 'TotalShares'],
  trades: ['totalWeeklyTradeCount', 'TotalTrades'],
  issueName: ['issueName'],
  venueName: ['marketParticipantName'],
} as const;
export type HeaderField = keyof typeof HEADER_FALLBACKS;

const REQUIRED: readonly HeaderField[] = ['symbol', 'mpid', 'shares', 'trades'];

/** Column index per field (-1 when absent) plus the fewest columns a data row needs. */
export type OtcColumns = Readonly<Record<HeaderField, number>> & {
  readonly names: readonly string[];
  readonly minFields: number;
};

function findColumn(names: readonly string[], candidates: readonly string[]): number {
  for (const c of candidates) {
    const i = names.indexOf(c);
    if (i >= 0) return i;
  }
  const lower = names.map((n) => n.toLowerCase());
  for (const c of candidates) {
    const i = lower.indexOf(c.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

/** Maps header fields to columns; throws SourceError HEADER_MISSING_COLUMN naming what is missing. */
export function resolveOtcHeader(
  fields: readonly string[],
  rawLine: string,
  fileName: string,
  line: number,
): OtcColumns {
  const names = fields.map((f) => f.trim());
  const cols = {} as Record<HeaderField, number>;
  let maxIndex = -1;
  for (const field of Object.keys(HEADER_FALLBACKS) as HeaderField[]) {
    const i = findColumn(names, HEADER_FALLBACKS[field]);
    cols[field] = i;
    if (i > maxIndex) maxIndex = i;
  }
  const missing = REQUIRED.filter((f) => cols[f] < 0);
  if (missing.length > 0) {
    const wanted = missing.map((f) => `${f} (${HEADER_FALLBACKS[f].join(' or ')})`).join(', ');
    const shown = JSON.stringify(rawLine.length > 200 ? `${rawLine.slice(0, 200)}…` : rawLine);
    const hint = !rawLine.includes('|') && /[,\t]/.test(rawLine) ? " The header is not '|'-delimited." : '';
    throw new SourceError(fileName, line, 'HEADER_MISSING_COLUMN', `header lacks ${wanted}; found ${shown}.${hint}`, {
      missing,
      header: names.slice(0, 50),
    });
  }
  return { ...cols, names, minFields: maxIndex + 1 };
}
