/**
 * readManifest on real directories: every way a directory is "not a Market Spine export", each with its
 * exact message, code, exit code and details, and what a valid manifest reads back as.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpineError } from '../../../../src/core/errors.js';
import { MANIFEST_FILE, MANIFEST_VERSION, readManifest } from '../../../../src/core/export/manifest.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-manifest-');
});
afterEach(() => dir.cleanup());

const FILE = {
  path: 'otc.venue_volume.parquet',
  rows: 2,
  bytes: 10,
  sha256: 'ab'.repeat(32),
  capture_ids: ['cap-1'],
};
const CAPTURE = { capture_id: 'cap-1', week_ending: '2025-12-12', tier: 'OTC', rows: 2 };
const VALID = {
  manifest_version: 1,
  dataset: 'otc.venue_volume',
  format: 'parquet',
  files: [FILE],
  captures: [CAPTURE],
  row_count: 2,
};

/** An export directory whose manifest.json holds `text` (a value is written as JSON). */
function exportDir(content: unknown, name = 'out'): string {
  const path = dir.join(name);
  mkdirSync(path);
  writeFileSync(dir.join(name, MANIFEST_FILE), typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The SpineError readManifest throws for `path`. */
function refusal(path: string): SpineError {
  try {
    readManifest(path);
  } catch (err) {
    expect(err).toBeInstanceOf(SpineError);
    return err as SpineError;
  }
  throw new Error(`readManifest(${path}) did not throw`);
}

/** Checks the whole refusal: message, code, exit code 2, details naming the directory. */
function expectNotAnExport(path: string, why: string): void {
  const err = refusal(path);
  expect(err.message).toBe(`${path} is not a Market Spine export: ${why}`);
  expect(err.code).toBe('INVALID_PARAMS');
  expect(err.exitCode).toBe(2);
  expect(err.details).toEqual({ dir: path });
}

describe('readManifest', () => {
  it('reads a valid manifest back as written', () => {
    const path = exportDir(VALID);
    expect(readManifest(path)).toEqual(VALID);
    expect(MANIFEST_VERSION).toBe(1);
    expect(MANIFEST_FILE).toBe('manifest.json');
  });

  it('accepts a manifest without files or captures, and safe file names of every allowed character', () => {
    expect(readManifest(exportDir({ ...VALID, files: [], captures: [] }, 'empty')).files).toEqual([]);
    const files = ['a', 'A9', '0x', 'otc.hhi.2025-12-19.NMS_TIER1.csv', 'x=1_y-2.jsonl'].map((p) => ({
      ...FILE,
      path: p,
    }));
    expect(readManifest(exportDir({ ...VALID, files }, 'names')).files.map((f) => f.path)).toEqual(
      files.map((f) => f.path),
    );
  });

  it('refuses a missing directory and a file', () => {
    expectNotAnExport(dir.join('missing'), 'no such directory');
    writeFileSync(dir.join('file'), '{}');
    expectNotAnExport(dir.join('file'), 'no such directory');
  });

  it('refuses a directory without manifest.json', () => {
    mkdirSync(dir.join('bare'));
    writeFileSync(dir.join('bare', 'data.csv'), 'a\n');
    expectNotAnExport(dir.join('bare'), 'no manifest.json');
  });

  it('refuses a manifest that is not JSON, quoting the parser', () => {
    const text = '{"manifest_version": 1,';
    let parserMessage = '';
    try {
      JSON.parse(text);
    } catch (err) {
      parserMessage = (err as Error).message;
    }
    expect(parserMessage).not.toBe('');
    expectNotAnExport(exportDir(text), `manifest.json is not valid JSON (${parserMessage})`);
  });

  it('refuses JSON that is not an object', () => {
    expectNotAnExport(exportDir('null', 'null'), 'manifest.json is not an object');
    expectNotAnExport(exportDir('5', 'number'), 'manifest.json is not an object');
    expectNotAnExport(exportDir('"text"', 'string'), 'manifest.json is not an object');
    expectNotAnExport(exportDir('true', 'bool'), 'manifest.json is not an object');
  });

  it('refuses a manifest version it does not know, and a manifest without one', () => {
    expectNotAnExport(
      exportDir({ ...VALID, manifest_version: 2 }, 'v2'),
      'manifest_version 2 is not supported (expected 1)',
    );
    expectNotAnExport(
      exportDir({ ...VALID, manifest_version: '1' }, 'v1-text'),
      'manifest_version 1 is not supported (expected 1)',
    );
    const { manifest_version: _, ...unversioned } = VALID;
    expectNotAnExport(exportDir(unversioned, 'none'), 'manifest_version undefined is not supported (expected 1)');
    expectNotAnExport(exportDir([], 'array'), 'manifest_version undefined is not supported (expected 1)');
  });

  it('refuses a manifest whose files or captures are not lists, or whose dataset is not a string', () => {
    const why = 'manifest.json lacks dataset, files or captures';
    const { files: _f, ...noFiles } = VALID;
    expectNotAnExport(exportDir(noFiles, 'no-files'), why);
    expectNotAnExport(exportDir({ ...VALID, files: { 0: FILE } }, 'files-object'), why);
    const { captures: _c, ...noCaptures } = VALID;
    expectNotAnExport(exportDir(noCaptures, 'no-captures'), why);
    expectNotAnExport(exportDir({ ...VALID, captures: 'cap-1' }, 'captures-string'), why);
    const { dataset: _d, ...noDataset } = VALID;
    expectNotAnExport(exportDir(noDataset, 'no-dataset'), why);
    expectNotAnExport(exportDir({ ...VALID, dataset: 7 }, 'dataset-number'), why);
  });

  it('refuses a listed file that is not a plain name inside the directory', () => {
    const cases: [unknown, string][] = [
      [{ ...FILE, path: '../secret.csv' }, '"../secret.csv"'],
      [{ ...FILE, path: 'sub/a.csv' }, '"sub/a.csv"'],
      [{ ...FILE, path: '/etc/passwd' }, '"/etc/passwd"'],
      [{ ...FILE, path: '.hidden' }, '".hidden"'],
      [{ ...FILE, path: '' }, '""'],
      [{ ...FILE, path: 'a b.csv' }, '"a b.csv"'],
      [{ ...FILE, path: 'a.csv\n' }, '"a.csv\\n"'],
      [{ ...FILE, path: MANIFEST_FILE }, '"manifest.json"'],
      [{ ...FILE, path: 5 }, '5'],
      [{ ...FILE, path: null }, 'null'],
      [{ rows: 1 }, 'undefined'],
      [null, 'undefined'],
    ];
    cases.forEach(([file, shown], i) => {
      expectNotAnExport(
        exportDir({ ...VALID, files: [FILE, file] }, `case-${i}`),
        `manifest.json lists a file outside the directory: ${shown}`,
      );
    });
  });

  it('refuses a listed file without its sha256 or byte count', () => {
    const cases: [string, unknown][] = [
      ['no-sha', { ...FILE, sha256: undefined }],
      ['sha-number', { ...FILE, sha256: 12 }],
      ['no-bytes', { ...FILE, bytes: undefined }],
      ['bytes-text', { ...FILE, bytes: '10' }],
      ['neither', { path: FILE.path }],
    ];
    for (const [name, file] of cases) {
      expectNotAnExport(
        exportDir({ ...VALID, files: [FILE, file] }, name),
        `manifest.json lists ${FILE.path} without sha256 or bytes`,
      );
    }
  });

  it('refuses a capture without an id', () => {
    const why = 'manifest.json lists a capture without an id';
    expectNotAnExport(exportDir({ ...VALID, captures: [CAPTURE, { ...CAPTURE, capture_id: 3 }] }, 'id-number'), why);
    expectNotAnExport(exportDir({ ...VALID, captures: [CAPTURE, { week_ending: '2025-12-12' }] }, 'no-id'), why);
    expectNotAnExport(exportDir({ ...VALID, captures: [null] }, 'null-capture'), why);
    expectNotAnExport(exportDir({ ...VALID, captures: ['cap-1'] }, 'string-capture'), why);
  });

  it('checks the files before the captures', () => {
    expectNotAnExport(
      exportDir({ ...VALID, files: [{ ...FILE, path: '../x' }], captures: [{}] }, 'both'),
      'manifest.json lists a file outside the directory: "../x"',
    );
  });
});
