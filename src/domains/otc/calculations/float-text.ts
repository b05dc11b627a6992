/**
 * Python float repr for the TEXT columns that hold "avg" and "pct" values (domain-spec §8.3: e.g.
 * `'59.41406553153181'`, `'3110306.0'`, `'7.485052905113666e-09'`). JavaScript prints the same shortest
 * round-trip digits but formats them differently (`3110306`, `7.485052905113666e-9`), so values written
 * by Market Spine would not compare equal to the reference's without this.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** pyFloatRepr for nullable values (NULL columns stay NULL). */
export function pyFloatReprOrNull(x: number | null): string | null {
  return x === null ? null : pyFloatRepr(x);
}
