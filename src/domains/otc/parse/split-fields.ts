/**
 * Field splitting. FINRA's files contain no quotes, so the fast path is a plain `String#split`; only lines
 * that contain a `"` take the quoted path (API output with quoteValues=true quotes every value). Quoting
 * follows the usual rules: a field that starts with `"` runs to the closing quote, `""` inside is one `"`,
 * and the delimiter inside quotes is data. A quoted value cannot span lines.
 */

export function splitFields(line: string, delimiter: string): string[] {
  return line.indexOf('"') === -1 ? line.split(delimiter) : splitQuoted(line, delimiter);
}

/** The quoted-field path of `splitFields`; an unterminated quote runs to the end of the line. */
export function splitQuoted(line: string, delimiter: string): string[] {
  const out: string[] = [];
  const n = line.length;
  const step = delimiter.length;
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) {
          value += line.slice(j);
          i = n;
          break;
        }
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        value += line.slice(j, q);
        i = q + 1;
        break;
      }
      const d = line.indexOf(delimiter, i);
      value += line.slice(i, d === -1 ? n : d);
      out.push(value);
      if (d === -1) return out;
      i = d + step;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d === -1) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, d));
      i = d + step;
    }
  }
}
