/**
 * `spine query --format csv` and `spine verify table` through the built CLI, on a database the week
 * pipeline filled from the good fixture (three venue rows; one issue name holds a comma and a `$`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

let dir: TempDir;
let dbPath: string;

const spine = (...args: string[]): CliResult => runCli(args, { dbPath });

beforeAll(() => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  const run = spine('run', WEEK_PIPELINE, '--file', pipelineFixture('good_otc_20251215.psv'));
  expect(run.code, run.stderr).toBe(0);
});

afterAll(() => dir.cleanup());

/** A minimal RFC 4180 reader for the assertions: quoted fields may hold commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
          value += line[i] === '"' ? '"' : (line[i] ?? '');
          i += line[i] === '"' ? 2 : 1;
        }
        fields.push(value);
        i += 2;
      } else {
        const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
        fields.push(line.slice(i, end));
        i = end + 1;
      }
    }
    rows.push(fields);
  }
  return rows;
}

describe('spine query --format csv', () => {
  it('prints a header and one line per row with every column, the same values --json returns', () => {
    const args = ['query', 'otc.venue_volume', '--week', '2025-12-12', '--order-by', 'total_shares desc'];
    const csv = spine(...args, '--format', 'csv');
    const json = spine(...args, '--json');

    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...lines] = parseCsv(csv.stdout);
    const rows = json.json<DatasetResult>().rows;
    expect(header).toEqual(Object.keys(rows[0] ?? {}));
    expect(header).toEqual(expect.arrayContaining(['symbol', 'mpid', 'total_shares', 'capture_id', 'execution_id']));
    expect(lines).toEqual(
      rows.map((r) => Object.values(r).map((v) => (v === null || v === undefined ? '' : String(v)))),
    );
    expect(lines.map((l) => [l[header?.indexOf('symbol') ?? -1], l[header?.indexOf('total_shares') ?? -1]])).toEqual([
      ['BBBB', '2000'],
      ['AAAA', '1000'],
      ['AAAA', '500'],
    ]);
    expect(csv.stdout).toContain('"Beta Inc, Class A $1 par"');
    // No table decoration and no capture banner: only CSV on stdout.
    expect(csv.stdout.split('\n')[0]).toBe(header?.join(','));
  });
});

describe('spine verify table', () => {
  it('prints the row count of a table and of a view', () => {
    const table = spine('verify', 'table', 'finra_otc_transparency_raw');
    const view = spine('verify', 'table', 'finra_otc_transparency_symbol_summary_latest', '--json');

    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.trim()).toBe('finra_otc_transparency_raw: 3 rows');
    expect(view.code, view.stderr).toBe(0);
    expect(view.json()).toEqual({ table: 'finra_otc_transparency_symbol_summary_latest', rows: 2 });
  });

  it('exits 2 with NOT_FOUND for a name that is neither, including a quoted injection attempt', () => {
    const missing = spine('verify', 'table', 'no_such_table', '--json');
    const sneaky = spine('verify', 'table', 'core_executions"; DROP TABLE core_executions; --', '--json');

    expect(missing.code).toBe(2);
    expect(missing.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'NOT_FOUND',
      message: "No table or view named 'no_such_table'",
    });
    expect(sneaky.code).toBe(2);
    expect(spine('verify', 'table', 'core_executions', '--json').json()).toEqual({ table: 'core_executions', rows: 1 });
  });
});
