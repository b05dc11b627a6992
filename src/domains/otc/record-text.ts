/**
 * A record rendered as text for `core_rejects.raw_json` when the original line is no longer at hand
 * (dedupe and normalizer rejects). JSON with bigints as decimal strings, since JSON has no exact big integers.
 */
export function recordToRawText(record: object): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
