import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMigrationFiles } from '../../src/core/db/migration-files.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import type { CliResult } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp-db.js';
import type { TempDir } from '../helpers/tmp-db.js';

interface ErrorJson {
  error: { code: string; message: string; details: Record<string, unknown>; exitCode: number };
}

let dir: TempDir;
let dbPath: string;

function spine(...args: string[]): CliResult {
  return runCli(args, { dbPath });
}

/** Reads the database the CLI wrote with a separate, read-only connection. */
function inspect<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const appliedVersions = (): number[] =>
  inspect((db) =>
    (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );

const tableExists = (name: string): boolean =>
  inspect((db) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined);

const executionCount = (): number =>
  inspect((db) => (db.prepare('SELECT COUNT(*) AS n FROM core_executions').get() as { n: number }).n);

beforeEach(() => {
  dir = tempDir('spine-e2e-');
  dbPath = dir.join('data', 'spine.db');
});

afterEach(() => {
  dir.cleanup();
});

describe('spine CLI foundation (built binary)', () => {
  it('prints its name and version with --version', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };

    const res = spine('--version');

    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`market-spine/${pkg.version}`);
  });

  it('db migrate creates a new database file with 001 applied, and a second run reports it up to date', () => {
    const files = readMigrationFiles();

    const first = spine('db', 'migrate');

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('001_core.sql');
    expect(existsSync(dbPath)).toBe(true);
    expect(appliedVersions()).toContain(1);
    expect(appliedVersions()).toEqual(files.map((f) => f.version));
    expect(tableExists('core_executions')).toBe(true);

    const second = spine('db', 'migrate');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');

    const json = spine('db', 'migrate', '--json');
    expect(json.code).toBe(0);
    expect(json.json()).toEqual({ database: dbPath, applied: [], skipped: files.map((f) => f.fileName) });
  });

  it('db status --json lists every migration as applied after a migrate', () => {
    expect(spine('db', 'migrate').code).toBe(0);

    const res = spine('db', 'status', '--json');

    expect(res.code).toBe(0);
    const out = res.json<{
      database: string;
      pending: number;
      migrations: { version: number; file: string; state: string; applied_at: string | null }[];
    }>();
    expect(out.database).toBe(dbPath);
    expect(out.pending).toBe(0);
    expect(out.migrations.map((m) => m.file)).toEqual(readMigrationFiles().map((f) => f.fileName));
    for (const m of out.migrations) {
      expect(m.state).toBe('applied');
      expect(m.applied_at).toMatch(/Z$/);
    }
  });

  it('db reset --force deletes the data and re-creates the schema', () => {
    expect(spine('db', 'migrate').code).toBe(0);
    const db = new Database(dbPath);
    db.prepare(
      "INSERT INTO core_executions (id, pipeline, created_at) VALUES ('x', 'p', '2025-12-15T00:00:00.000Z')",
    ).run();
    db.close();
    expect(executionCount()).toBe(1);

    const res = spine('db', 'reset', '--force', '--json');

    expect(res.code).toBe(0);
    expect(res.json<{ applied: string[] }>().applied).toEqual(readMigrationFiles().map((f) => f.fileName));
    expect(executionCount()).toBe(0);
    expect(appliedVersions()).toEqual(readMigrationFiles().map((f) => f.version));
  });

  it('db reset without --force refuses with INVALID_PARAMS and keeps the data', () => {
    expect(spine('db', 'migrate').code).toBe(0);
    const db = new Database(dbPath);
    db.prepare(
      "INSERT INTO core_executions (id, pipeline, created_at) VALUES ('x', 'p', '2025-12-15T00:00:00.000Z')",
    ).run();
    db.close();

    const human = spine('db', 'reset');
    const json = spine('db', 'reset', '--json');

    expect(human.code).not.toBe(0);
    expect(human.stderr).toContain('INVALID_PARAMS');
    expect(human.stderr).toContain('--force');
    expect(json.code).toBe(2);
    expect(json.json<ErrorJson>().error).toMatchObject({ code: 'INVALID_PARAMS', exitCode: 2 });
    expect(executionCount()).toBe(1);
  });

  it('pipelines list --json returns every registered pipeline with its stages, by name', () => {
    const res = spine('pipelines', 'list', '--json');

    expect(res.code).toBe(0);
    const out = res.json<{ pipelines: { name: string; description: string; stages: string[] }[]; count: number }>();
    expect(out.pipelines.map((p) => [p.name, p.stages])).toEqual([
      ['captures.gc', ['collect', 'prune_events']],
      ['finra.otc_transparency.aggregate_week', ['aggregate']],
      ['finra.otc_transparency.backfill_range', ['plan', 'rolling_refresh']],
      ['finra.otc_transparency.compute_rolling', ['rolling']],
      ['finra.otc_transparency.compute_symbol_venue_calcs', ['symbol_venue_calcs']],
      ['finra.otc_transparency.compute_venue_share', ['venue_share']],
      ['finra.otc_transparency.compute_volume_per_day', ['compute']],
      ['finra.otc_transparency.ingest_week', ['ingest']],
      ['finra.otc_transparency.normalize_week', ['normalize']],
      ['finra.otc_transparency.recompute_revision', ['recompute']],
      ['finra.otc_transparency.sync', ['check', 'recheck', 'report']],
      [
        'finra.otc_transparency.week',
        ['ingest', 'normalize', 'aggregate', 'venue_share', 'symbol_venue_calcs', 'rolling', 'publish', 'recompute'],
      ],
      ['reference.exchange_calendar.compute_trading_days', ['compute']],
      ['reference.exchange_calendar.ingest_year', ['ingest']],
    ]);
    expect(out.count).toBe(14);
    expect(out.pipelines.every((p) => p.description.length > 0)).toBe(true);
  });

  it('run of an unknown pipeline exits 2, explains itself and records no execution', () => {
    const human = spine('run', 'no.such.pipeline');
    const json = spine('run', 'no.such.pipeline', '--json');

    expect(human.code).toBe(2);
    expect(human.stderr).toContain('PIPELINE_NOT_FOUND');
    expect(human.stderr).toContain('no.such.pipeline');
    expect(json.code).toBe(2);
    const err = json.json<ErrorJson>().error;
    expect(err).toMatchObject({ code: 'PIPELINE_NOT_FOUND', exitCode: 2, details: { pipeline: 'no.such.pipeline' } });
    expect(err.message).toContain('no.such.pipeline');
    expect(executionCount()).toBe(0);
  });

  it('doctor --json reports the database, migrations and temporal-cli checks', () => {
    expect(spine('db', 'migrate').code).toBe(0);

    const res = spine('doctor', '--json');

    const out = res.json<{ status: string; checks: { name: string; status: string; message: string }[] }>();
    expect(out.checks.map((c) => c.name)).toEqual(['database', 'migrations', 'temporal-cli']);
    expect(out.checks.find((c) => c.name === 'database')?.status).toBe('ok');
    expect(out.checks.find((c) => c.name === 'migrations')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('none pending') as unknown,
    });
    expect(['ok', 'warning']).toContain(out.status);
    expect(res.code).toBe(0);
  });
});
