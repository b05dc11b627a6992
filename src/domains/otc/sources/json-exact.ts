/**
 * JSON.parse that keeps every number exactly as written. Share counts can exceed 2^53, where a JS number
 * silently rounds, and a count written `1e10` or `1000.5` must be rejected like it is in a file, not
 * quietly read as an integer. So number literals are turned into strings of their own text before
 * parsing, and counts then go through the same `parseCount` as the file parser.
 *
 * Node 20's JSON.parse has no access to a value's source text (that arrived in Node 21), hence the scan:
 * one pass that skips string literals and quotes each well-formed number token. A malformed token is left
 * alone so JSON.parse still reports it.
 */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isNumberChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */ || c === 43 /* + */ || c === 45
  ); /* - */
}

/** The JSON text with every number literal replaced by a string of its exact text. */
export function quoteNumberLiterals(text: string): string {
  const parts: string[] = [];
  const n = text.length;
  let last = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (JSON_NUMBER.test(token)) {
        parts.push(text.slice(last, i), '"', token, '"');
        last = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

/** Parses JSON with numbers kept as their literal text (`12` → `'12'`). Throws SyntaxError like JSON.parse. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteNumberLiterals(text)) as unknown;
}
