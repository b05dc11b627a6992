/**
 * The one JSON writer of the CLI (`--json` and `--format json`). JSON numbers are doubles to most readers,
 * so integers beyond ±(2^53 − 1) are written as strings holding their exact decimal digits; every other
 * integer stays a number (docs/point-in-time.md, "Exact numbers").
 */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}
