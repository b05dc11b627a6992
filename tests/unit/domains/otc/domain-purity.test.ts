/** Domain code must stay pure: no database driver, logger, Temporal, CLI or backend imports (domain-spec §16). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const OTC = fileURLToPath(new URL('../../../../src/domains/otc/', import.meta.url));
const PURE_DIRS = ['parse', 'calculations'];
const PURE_FILES = ['tiers.ts', 'types.ts', 'reject-codes.ts', 'count.ts', 'dedupe.ts'];
const FORBIDDEN = [/from 'pino'/, /better-sqlite3/, /@temporalio\//, /@oclif\//, /\/cli\//, /\/backends\//, /\/app\//];

function files(): string[] {
  return [
    ...PURE_FILES.map((f) => join(OTC, f)),
    ...PURE_DIRS.flatMap((d) => readdirSync(join(OTC, d)).map((f) => join(OTC, d, f))),
  ];
}

describe('OTC domain purity', () => {
  it.each(files().map((f) => [f.slice(OTC.length)]))('%s imports nothing from the runtime layers', (rel) => {
    const text = readFileSync(join(OTC, rel), 'utf8');
    const imports = text.split('\n').filter((l) => /^\s*(import|export)\b.*from\s/.test(l));
    for (const re of FORBIDDEN) expect(imports.filter((l) => re.test(l))).toEqual([]);
  });

  it('reads files only in the parser', () => {
    const withFs = files().filter((f) => /from 'node:fs'/.test(readFileSync(f, 'utf8')));
    expect(withFs.map((f) => f.slice(OTC.length)).sort()).toEqual([
      'parse/detect-file-facts.ts',
      'parse/read-otc-file.ts',
    ]);
  });
});
