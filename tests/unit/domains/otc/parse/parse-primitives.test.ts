import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../../../src/domains/otc/parse/line-splitter.js';
import { parseCount } from '../../../../../src/domains/otc/parse/parse-count.js';
import { splitFields } from '../../../../../src/domains/otc/parse/split-fields.js';

describe('parseCount', () => {
  it('parses plain integers, trimming whitespace', () => {
    expect(parseCount('1000')).toBe(1000);
    expect(parseCount('  2000  ')).toBe(2000);
    expect(parseCount('007')).toBe(7);
    expect(parseCount('+5')).toBe(5);
    expect(parseCount('-50000000')).toBe(-50000000);
    expect(parseCount('-0')).toBe(0);
  });

  it('rejects anything that is not a plain integer', () => {
    for (const bad of ['1000.5', '1e10', 'not_a_number', '', '   ', '1,000', '-', '+', '12a', '0x10', '1_000']) {
      expect(parseCount(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('parses 9,999,999,999,999 exactly as a number', () => {
    expect(parseCount('9999999999999')).toBe(9_999_999_999_999);
    expect(parseCount('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('uses bigint only beyond Number.MAX_SAFE_INTEGER', () => {
    expect(parseCount('9007199254740992')).toBe(9007199254740992n);
    expect(parseCount('99999999999999999999')).toBe(99999999999999999999n);
    expect(parseCount('-99999999999999999999')).toBe(-99999999999999999999n);
    expect(parseCount('99999999999999999999x')).toBeNull();
  });
});

describe('splitFields', () => {
  it('splits on the delimiter and keeps empty fields', () => {
    expect(splitFields('a|b||d|', '|')).toEqual(['a', 'b', '', 'd', '']);
  });

  it('honours double-quoted values with escaped quotes and delimiters inside', () => {
    expect(splitFields('"OTC"|"Pipe | Quote ""Corp"""|x', '|')).toEqual(['OTC', 'Pipe | Quote "Corp"', 'x']);
    expect(splitFields('"a"|""|"b"', '|')).toEqual(['a', '', 'b']);
  });

  it('treats a quote inside an unquoted value as data and runs an unterminated quote to the end', () => {
    expect(splitFields('ab"c|d', '|')).toEqual(['ab"c', 'd']);
    expect(splitFields('"abc|d', '|')).toEqual(['abc|d']);
  });
});

describe('LineSplitter', () => {
  function split(chunks: string[]): string[] {
    const out: string[] = [];
    const s = new LineSplitter('t.psv');
    const sink = (t: string, a: number, b: number, n: number): void => {
      out.push(`${n}:${t.slice(a, b)}`);
    };
    for (const c of chunks) s.feed(c, sink);
    s.end(sink);
    return out;
  }

  it('splits LF and CRLF lines across chunk boundaries', () => {
    expect(split(['a|b\r', '\nc|', 'd\n', 'e'])).toEqual(['1:a|b', '2:c|d', '3:e']);
  });

  it('drops a UTF-8 BOM and keeps blank lines for numbering', () => {
    expect(split(['\ufeffh\n\nx\n'])).toEqual(['1:h', '2:', '3:x']);
  });

  it('refuses a line longer than its limit', () => {
    const s = new LineSplitter('t.psv', 10);
    expect(() => s.feed('x'.repeat(11), () => undefined)).toThrow('t.psv line 1: LINE_TOO_LONG');
  });
});
