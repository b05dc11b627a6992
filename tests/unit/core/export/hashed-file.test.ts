/**
 * HashedFile's text buffering (written in writes of about 1 MiB, the rest on close), and export types of
 * columns named like clocks that are not TEXT.
 */
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportTypeOf } from '../../../../src/core/export/columns.js';
import { HashedFile } from '../../../../src/core/export/hashed-file.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-hashed-');
});
afterEach(() => dir.cleanup());

describe('HashedFile text buffering', () => {
  it('holds text until 1 MiB is buffered, then writes it all; close writes the rest', () => {
    const path = dir.join('t.txt');
    const file = new HashedFile(path);
    file.writeText('a'.repeat((1 << 20) - 1));
    expect(statSync(path).size).toBe(0);
    file.writeText('b');
    expect(statSync(path).size).toBe(1 << 20);
    file.writeText('c');
    expect(statSync(path).size).toBe(1 << 20);
    expect(file.close().bytes).toBe((1 << 20) + 1);
    expect(statSync(path).size).toBe((1 << 20) + 1);
    expect(readFileSync(path, 'utf8').slice(-3)).toBe('abc');
  });

  it('writes buffered text before bytes, in order', () => {
    const path = dir.join('m.bin');
    const file = new HashedFile(path);
    file.writeText('x');
    expect(statSync(path).size).toBe(0);
    file.write(new Uint8Array([10]));
    expect(statSync(path).size).toBe(2);
    expect(file.close().bytes).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('x\n');
  });
});

describe('exportTypeOf', () => {
  it('gives clock names a date or timestamp type only when the column is TEXT', () => {
    for (const type of [null, 'BLOB', 'NUMERIC', 'VARCHAR']) {
      expect(exportTypeOf('captured_at', type), String(type)).toBe('string');
      expect(exportTypeOf('week_ending', type), String(type)).toBe('string');
      expect(exportTypeOf('source_last_update_date', type), String(type)).toBe('string');
    }
    expect(exportTypeOf('captured_at', 'text')).toBe('timestamp');
    expect(exportTypeOf('x_date', 'text')).toBe('date');
    expect(exportTypeOf('n', 'integer')).toBe('int64');
    expect(exportTypeOf('x', 'real')).toBe('double');
  });
});
