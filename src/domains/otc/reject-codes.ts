/**
 * Reason codes for rows that do not make it into the dataset. Every code is UPPER_SNAKE and stable: it is
 * written to `core_rejects.reason_code`, shown by the CLI and counted in metrics, so renaming one is a
 * breaking change. The parsers (file and API) emit BAD_NUMBER, SHORT_ROW, BAD_DATE and VALUE_OUT_OF_RANGE,
 * dedupe DUPLICATE and CONFLICTING_DUPLICATE, the normalizer the rest.
 */
export const RejectCodes = {
  BAD_NUMBER: 'BAD_NUMBER',
  SHORT_ROW: 'SHORT_ROW',
  BAD_DATE: 'BAD_DATE',
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  DUPLICATE: 'DUPLICATE',
  CONFLICTING_DUPLICATE: 'CONFLICTING_DUPLICATE',
  INVALID_TIER: 'INVALID_TIER',
  EMPTY_SYMBOL: 'EMPTY_SYMBOL',
  SYMBOL_TOO_LONG: 'SYMBOL_TOO_LONG',
  EMPTY_MPID: 'EMPTY_MPID',
  MPID_TOO_LONG: 'MPID_TOO_LONG',
  NEGATIVE_SHARES: 'NEGATIVE_SHARES',
  NEGATIVE_TRADES: 'NEGATIVE_TRADES',
  ZERO_VOLUME: 'ZERO_VOLUME',
  TIER_MISMATCH: 'TIER_MISMATCH',
  KEY_COLLISION: 'KEY_COLLISION',
} as const;
export type RejectCode = (typeof RejectCodes)[keyof typeof RejectCodes];

/** One line per code, for docs and `--help`. */
export const REJECT_CODE_DESCRIPTIONS: Readonly<Record<RejectCode, string>> = {
  BAD_NUMBER: 'Share or trade count is not a plain integer (e.g. 1000.5, 1e10, abc or empty).',
  SHORT_ROW: 'Row has fewer columns than the header needs (truncated line or wrong delimiter).',
  BAD_DATE: 'WeekEnding or lastUpdateDate is missing, not ISO YYYY-MM-DD, or not a real date.',
  VALUE_OUT_OF_RANGE:
    "Share or trade count is an integer outside SQLite's 64-bit INTEGER range (beyond -2^63..2^63-1).",
  DUPLICATE: 'Exact repeat of an earlier row with the same symbol and MPID; dropped and counted.',
  CONFLICTING_DUPLICATE: 'Same symbol and MPID as another row but different counts; every row of that key is rejected.',
  INVALID_TIER: 'Tier text does not map to NMS_TIER_1, NMS_TIER_2 or OTC.',
  EMPTY_SYMBOL: 'Symbol is empty after cleaning to A-Z, 0-9, ".", "-" and "/".',
  SYMBOL_TOO_LONG: 'Symbol is longer than 20 characters.',
  EMPTY_MPID: 'MPID (venue code) is empty.',
  MPID_TOO_LONG: 'MPID is longer than 20 characters.',
  NEGATIVE_SHARES: 'Share count is negative.',
  NEGATIVE_TRADES: 'Trade count is negative.',
  ZERO_VOLUME: 'Row has 0 shares and 0 trades; dropped unless zero rows are kept on purpose.',
  TIER_MISMATCH: "Row's tier text contradicts the tier chosen for the ingest.",
  KEY_COLLISION:
    'Symbol cleaning made this row collide with an earlier row of the same venue (e.g. AA$PL and AAPL); the first is kept.',
};

export const REJECT_CODE_LIST: readonly RejectCode[] = Object.values(RejectCodes);

/** The reject detail for a count beyond SQLite's INTEGER range, the same from a file and from the API. */
export function outOfRangeDetail(field: string, value: bigint | number): string {
  return `${field} ${value} is outside the 64-bit integer range SQLite stores (-9223372036854775808..9223372036854775807)`;
}
