/**
 * Issue 11, through the built binary: requests refused before anything is recorded (item 2), the quiet
 * terminal and the live progress line (item 3), ids as users copy them (item 4), exact integers in every
 * format (item 5) and point-in-time answers that explain themselves (item 6).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp-db.js';
import type { TempDir } from '../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const W1 = 'data/samples/finra_otc_weekly_otc_20251215.csv';

interface ErrorJson {
  readonly error: { code: string; message: string; exitCode: number; details: Record<string, unknown> };
}

let dir: TempDir;

beforeAll(() => {
  dir = tempDir('spine-experience-');
});

afterAll(() => dir.cleanup());

function count(dbPath: string, sql: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('requests that can be refused without reading data', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a week that is not a Friday',
      ['run', WEEK, '--file', W1, '--week', '2025-12-20'],
      /Invalid --week: must be Friday, got 2025-12-20 \(Saturday\)\. Nearest Friday: 2025-12-19 \(1 day before\)/,
    ],
    [
      'a mid-week day as key=value, with both neighbouring Fridays',
      ['run', 'finra.otc_transparency.compute_rolling', 'week_ending=2025-12-17', 'tier=OTC'],
      /Invalid 'week_ending': must be Friday, got 2025-12-17 \(Wednesday\)\. Nearest Friday: 2025-12-19 \(2 days after\); the Friday before is 2025-12-12/,
    ],
    ['a missing --file', ['run', WEEK], /Missing required --file \(the FINRA weekly file to load; or source=api/],
    ['a file that does not exist', ['run', WEEK, '--file', 'no/such/file.csv'], /Invalid --file: file not found/],
    ['an unknown tier', ['run', WEEK, '--file', W1, '--tier', 'tier3'], /Invalid --tier: /],
    ['a misspelled pipeline', ['run', 'finra.otc_transparency.wek'], /Did you mean finra\.otc_transparency\.week\?/],
    ['a misspelled flag', ['run', WEEK, '--fiel', W1], /Unknown flag --fiel\. Did you mean --file\?/],
    [
      'a misspelled parameter',
      ['run', 'finra.otc_transparency.compute_rolling', 'week_endng=2025-12-12', 'tier=OTC'],
      /has no parameter 'week_endng' \(did you mean week_ending=… or --week\?\)/,
    ],
    [
      'a backfill range that does not start on a Friday',
      [
        'run',
        'finra.otc_transparency.backfill_range',
        '--tier',
        'otc',
        'source_dir=data/samples',
        '--from',
        '2025-12-11',
        '--to',
        '2025-12-19',
      ],
      /Invalid --from: must be Friday, got 2025-12-11 \(Thursday\)/,
    ],
  ];

  it.each(cases)('%s: exits 2, names what the user typed, and records no execution', (_what, args, message) => {
    const dbPath = dir.join(`refused-${args.length}-${Math.random().toString(16).slice(2)}.db`);

    const human = runCli(args, { dbPath });
    const json = runCli([...args, '--json'], { dbPath });

    expect(human.code, human.stderr).toBe(2);
    expect(human.stderr).toMatch(message);
    expect(human.stderr).not.toContain('"level"');
    expect(json.code).toBe(2);
    expect(json.json<ErrorJson>().error.exitCode).toBe(2);
    if (existsSync(dbPath)) expect(count(dbPath, 'SELECT COUNT(*) AS n FROM core_executions')).toBe(0);
  });

  it('suggests the nearest command and dataset', () => {
    const dbPath = dir.join('suggest.db');
    const cmd = runCli(['executions', 'lst'], { dbPath });
    const dataset = runCli(['query', 'otc.sumary'], { dbPath });

    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain(
      "Error [INVALID_PARAMS]: Unknown command 'spine executions lst'. Did you mean spine executions list?",
    );
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toContain("Unknown dataset 'otc.sumary'. Did you mean otc.summary?");
  });
});

describe('a person at a terminal', () => {
  /** Runs the command under a pseudo-terminal (util-linux `script`), stdout and stderr merged. */
  function onTerminal(args: readonly string[], dbPath: string): { code: number | null; out: string } {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const env = cliEnv({ SPINE_DATABASE_PATH: dbPath }, { SPINE_LOG_LEVEL: undefined, SPINE_LOG_FORMAT: undefined });
    const res = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (res.error) throw res.error;
    return { code: res.status, out: res.stdout };
  }

  it('sees one live progress line and the summary, while the log lines go to the log file it names', () => {
    const dbPath = dir.join('terminal.db');

    const res = onTerminal(['run', WEEK, '--file', W1], dbPath);

    expect(res.code, res.out).toBe(0);
    expect(res.out).not.toMatch(/"level":"info"|INFO {2}/);
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is the point
    expect(res.out).toMatch(/\r\x1b\[2K\S week · stage 1\/8 ingest · \d[\d,]*\/5,328 rows · 0:\d\d/);
    expect(res.out).toMatch(/week · stage 7\/8 publish/);
    expect(res.out).toMatch(/Status: {5}✓ Completed/);
    const logFile = dir.join('terminal.log');
    expect(res.out).toContain(`Log:        ${logFile} (grep `);
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toContain('execution.summary');
  });

  it('gets the log lines on stderr again with --verbose, and then no progress line', () => {
    const dbPath = dir.join('verbose.db');

    const res = onTerminal(['run', WEEK, '--file', W1, '--verbose'], dbPath);

    expect(res.code, res.out).toBe(0);
    expect(res.out).toMatch(/INFO {2}execution\.summary/);
    expect(res.out).not.toContain('· stage ');
    expect(existsSync(dir.join('verbose.log'))).toBe(false);
  });
});

describe('off a terminal', () => {
  it('nothing animates and the JSON log lines stay on stderr as documented', () => {
    const dbPath = dir.join('pipe.db');

    const res = runCli(['run', WEEK, '--file', W1], { dbPath, env: { SPINE_LOG_LEVEL: undefined } });

    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toContain('\r');
    const events = res.stderr
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events[0]).toBe('execution.submitted');
    expect(events.at(-1)).toBe('execution.summary');
    expect(res.stdout).not.toContain('Log:');
  });
});

describe('the progress of a backfill counts weeks', () => {
  let dbPath: string;
  let backfill: { stderr: string; id: string };

  beforeAll(() => {
    dbPath = dir.join('backfill.db');
    const args = [
      'run',
      'finra.otc_transparency.backfill_range',
      '--tier',
      'otc',
      'source_dir=data/samples',
      '--from',
      '2025-12-12',
      '--to',
      '2025-12-19',
    ];
    const res = runCli(args, { dbPath, env: { SPINE_PROGRESS: 'always' }, timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
    backfill = { stderr: res.stderr, id: /Execution: {2}(\S+)/.exec(res.stdout)?.[1] ?? '' };
  }, 180_000);

  it('in the live line of spine run: weeks done of planned, and the running week with its stage and rows', () => {
    expect(backfill.stderr).toMatch(/backfill_range · weeks 0\/2 · 2025-12-12 stage 1\/8 ingest · [\d,]+\/5,328 rows/);
    expect(backfill.stderr).toMatch(/backfill_range · weeks 1\/2 · 2025-12-19 stage \d\/8 \w+/);
  });

  it('in executions watch: the same line on a terminal, one line per week otherwise', () => {
    const live = runCli(['executions', 'watch', backfill.id.slice(0, 8)], {
      dbPath,
      env: { SPINE_PROGRESS: 'always' },
    });
    const plain = runCli(['executions', 'watch', backfill.id.slice(0, 8)], { dbPath });

    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/backfill_range · weeks 2\/2 · stage 2\/2 rolling_refresh/);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('week 2025-12-12 completed (1/2 weeks)');
    expect(plain.stderr).toContain('week 2025-12-19 completed (2/2 weeks)');
  });
});

describe('captures and their ids', () => {
  let dbPath: string;
  const ids: string[] = [];

  beforeAll(() => {
    dbPath = dir.join('captures.db');
    for (const extra of [[], ['--force'], ['--replace-capture']]) {
      const res = runCli(['run', WEEK, '--file', W1, ...extra, '--json'], { dbPath, timeoutMs: 120_000 });
      expect(res.code, res.stderr).toBe(0);
      ids.push(String(res.json<{ result: { capture_id: string } }>().result.capture_id));
    }
  }, 300_000);

  const short = (id: string | undefined): string => (id ?? '').slice((id ?? '').lastIndexOf(':') + 1);

  it('captures list prints the short hash, and captures diff takes it', () => {
    const list = runCli(['captures', 'list'], { dbPath });
    const diff = runCli(['captures', 'diff', short(ids[0]), short(ids[2]), '--json'], { dbPath });

    expect(list.stdout).toMatch(new RegExp(`^${short(ids[2])} +2025-12-12 +OTC .*published +yes`, 'm'));
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.json<{ a: { capture_id: string }; rows_compared: boolean }>()).toMatchObject({
      a: { capture_id: ids[0] },
      rows_compared: true,
    });
  });

  it('--as-of a superseded capture says so, like the moment form, and names the latest capture', () => {
    const res = runCli(['query', 'otc.summary', '--as-of', short(ids[1]), '--json'], { dbPath });

    expect(res.code).toBe(2);
    const { error } = res.json<ErrorJson>();
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      `Capture ${ids[1] ?? ''} has been superseded: its rows are gone. The latest capture of week 2025-12-12 tier OTC is ${ids[2] ?? ''}`,
    );
  });

  it('a diff against a superseded capture compares the recorded row counts and says why', () => {
    const res = runCli(['captures', 'diff', short(ids[1]), short(ids[2])], { dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`${ids[1] ?? ''} was superseded: its rows are gone, so rows cannot be compared`);
    expect(res.stdout).toMatch(/^raw +5,328 +5,328$/m);
  });
});

describe('integers beyond 2^53', () => {
  let dbPath: string;

  beforeAll(() => {
    dbPath = dir.join('big.db');
    const file = dir.join('finra_otc_weekly_otc_20251215.csv');
    writeFileSync(
      file,
      'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate\n' +
        'OTC|BIGA|Big A Corp|OTCN OTC LINK NQB IDQS|OTCN|9007199254740993|9007199254740993|2025-12-15\n' +
        'OTC|SMAL|Small Corp|OTCX OTC LINK ECN ATS|OTCX|100|3|2025-12-15\n',
    );
    const res = runCli(['run', WEEK, '--file', file], { dbPath, timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
  }, 180_000);

  it('are exact in a table, in CSV, in JSON (as strings) and in query sql', () => {
    const table = runCli(['query', 'otc.venue_volume', '--week', '2025-12-12'], { dbPath });
    const csv = runCli(['query', 'otc.venue_volume', '--week', '2025-12-12', '--format', 'csv'], { dbPath });
    const json = runCli(['query', 'otc.summary', '--week', '2025-12-12', '--json'], { dbPath });
    const sql = runCli(
      [
        'query',
        'sql',
        'SELECT total_shares FROM finra_otc_transparency_venue_volume ORDER BY total_shares DESC',
        '--json',
      ],
      {
        dbPath,
      },
    );

    expect(table.stdout).toMatch(/^BIGA +OTCN .* 9,007,199,254,740,993 +9,007,199,254,740,993 /m);
    expect(csv.stdout).toContain(',9007199254740993,9007199254740993,');
    const rows = json.json<{ rows: Record<string, unknown>[] }>().rows;
    expect(rows.find((r) => r['symbol'] === 'BIGA')).toMatchObject({ total_volume: '9007199254740993' });
    expect(rows.find((r) => r['symbol'] === 'SMAL')).toMatchObject({ total_volume: 100 });
    expect(sql.stdout).toContain('"total_shares": "9007199254740993"');
  });

  it('keep shares as fractions under an honest name in JSON and as percentages in tables', () => {
    const json = runCli(['query', 'otc.venue_share', '--week', '2025-12-12', '--json'], { dbPath });
    const table = runCli(['query', 'otc.venue_share', '--week', '2025-12-12'], { dbPath });

    const first = json.json<{ rows: Record<string, unknown>[] }>().rows[0];
    expect(first).toHaveProperty('market_share');
    expect(first).not.toHaveProperty('market_share_pct');
    expect(Number(first?.['market_share'])).toBeLessThanOrEqual(1);
    expect(table.stdout).toMatch(/market_share/);
    expect(table.stdout).toMatch(/^OTCN .* 100\.0000% +1$/m);
  });
});
