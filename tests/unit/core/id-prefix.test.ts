/**
 * Ids as users copy them (issue 11 item 4): unique prefixes, the short forms tables print, and clear
 * errors for none and for several matches, on a real migrated SQLite file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveCaptureId } from '../../../src/core/captures/resolve-capture-id.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { resolveDeadLetterId } from '../../../src/core/execution/dead-letters.js';
import { resolveExecutionId } from '../../../src/core/execution/history.js';
import { insertExecution } from '../../integration-sync/history/seed.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { spineErrorOf } from '../../helpers/errors.js';

let dir: TempDir;
let db: Db;

const A = '3f2a9c1e-0000-4000-8000-000000000001';
const B = '3f2a9c77-0000-4000-8000-000000000002';
const C = '9cd5b7f0-0000-4000-8000-000000000003';
const CAP = (tier: string, week: string, h6: string): string => `finra.otc_transparency:${tier}:${week}:${h6}`;

function capture(id: string, status = 'published'): void {
  const [, tier, week] = id.split(':');
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
     VALUES (?, 'finra.otc_transparency', ?, ?, '2026-11-30T07:11:58.775000+00:00', ?, ?, '2026-11-30T07:11:58Z')`,
  ).run(id, week, tier, status, C);
}

function deadLetter(executionId: string, stage: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO core_dead_letters (execution_id, pipeline, stage, params, error_type, error_message, attempts,
           first_failure_at, last_failure_at) VALUES (?, 'p', ?, '{}', 'E', 'm', 5, 'x', 'x')`,
      )
      .run(executionId, stage).lastInsertRowid,
  );
}

beforeEach(() => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
  for (const id of [A, B, C]) {
    insertExecution(db, {
      id,
      pipeline: 'finra.otc_transparency.week',
      status: 'completed',
      createdAt: '2026-11-30T07:00:00Z',
    });
  }
});

afterEach(() => {
  db.close();
  dir.cleanup();
});

describe('execution ids', () => {
  it('resolve from the full id, the 8 characters tables print, or any unique prefix of 4+', () => {
    expect(resolveExecutionId(db, A)).toBe(A);
    expect(resolveExecutionId(db, '9cd5b7f0')).toBe(C);
    expect(resolveExecutionId(db, '9cd5')).toBe(C);
  });

  it('list the candidates when a prefix is ambiguous (exit 2)', () => {
    const e = spineErrorOf(() => resolveExecutionId(db, '3f2a9c'));
    expect(e).toMatchObject({ code: 'INVALID_PARAMS', exitCode: 2 });
    expect(e.message).toContain("'3f2a9c' matches 2 executions");
    expect(e.message).toContain(`${A}  finra.otc_transparency.week completed`);
    expect(e.message).toContain(B);
    expect(e.details['candidates']).toEqual([A, B]);
  });

  it('say none matches (NOT_FOUND) and refuse a fragment too short to mean anything', () => {
    expect(spineErrorOf(() => resolveExecutionId(db, 'ffff0000'))).toMatchObject({ code: 'NOT_FOUND', exitCode: 2 });
    expect(spineErrorOf(() => resolveExecutionId(db, '3f2')).message).toContain('too short');
  });
});

describe('capture ids', () => {
  beforeEach(() => {
    capture(CAP('OTC', '2025-12-12', 'bc978c'));
    capture(CAP('OTC', '2025-12-12', 'c351ef'), 'deleted');
    capture(CAP('OTC', '2025-12-19', 'bc6072'));
  });

  it('resolve from the full id, the short hash tables print, a start of it, a prefix or a trailing part', () => {
    expect(resolveCaptureId(db, CAP('OTC', '2025-12-12', 'bc978c'))).toBe(CAP('OTC', '2025-12-12', 'bc978c'));
    expect(resolveCaptureId(db, 'c351ef')).toBe(CAP('OTC', '2025-12-12', 'c351ef'));
    expect(resolveCaptureId(db, 'bc97')).toBe(CAP('OTC', '2025-12-12', 'bc978c'));
    expect(resolveCaptureId(db, 'finra.otc_transparency:OTC:2025-12-19')).toBe(CAP('OTC', '2025-12-19', 'bc6072'));
    expect(resolveCaptureId(db, 'OTC:2025-12-12:c351ef')).toBe(CAP('OTC', '2025-12-12', 'c351ef'));
  });

  it('list the candidates, with week, tier and status, when ambiguous', () => {
    const e = spineErrorOf(() => resolveCaptureId(db, 'bc'.padEnd(4, '')));
    expect(e.message).toContain('too short');
    const amb = spineErrorOf(() => resolveCaptureId(db, 'finra.otc_transparency:OTC:2025-12-12'));
    expect(amb).toMatchObject({ code: 'INVALID_PARAMS', exitCode: 2 });
    expect(amb.message).toContain('matches 2 captures');
    expect(amb.message).toContain(`${CAP('OTC', '2025-12-12', 'c351ef')}  2025-12-12 OTC deleted`);
  });

  it('trim what the user typed, and match only a prefix, the short hash or a trailing part', () => {
    expect(resolveCaptureId(db, `  ${CAP('OTC', '2025-12-19', 'bc6072')}  `)).toBe(CAP('OTC', '2025-12-19', 'bc6072'));
    expect(resolveCaptureId(db, ' bc60 ')).toBe(CAP('OTC', '2025-12-19', 'bc6072'));
    // A middle part of one id is none of those.
    expect(spineErrorOf(() => resolveCaptureId(db, 'OTC:2025-12-19'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(spineErrorOf(() => resolveCaptureId(db, '978c'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("name the kind and the minimum in the too-short error, and each candidate's capture time", () => {
    expect(spineErrorOf(() => resolveCaptureId(db, 'bc9')).message).toBe(
      "Capture id 'bc9' is too short: give at least 4 characters of it",
    );
    const amb = spineErrorOf(() => resolveCaptureId(db, 'finra.otc_transparency:OTC:2025-12-12'));
    expect(amb.message.split('\n').slice(1)).toEqual([
      `  ${CAP('OTC', '2025-12-12', 'bc978c')}  2025-12-12 OTC published, captured 2026-11-30T07:11:58Z`,
      `  ${CAP('OTC', '2025-12-12', 'c351ef')}  2025-12-12 OTC deleted, captured 2026-11-30T07:11:58Z`,
    ]);
  });

  it('say none matches with a hint to list them', () => {
    const e = spineErrorOf(() => resolveCaptureId(db, 'ffffff'));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 2 });
    expect(e.details['hint']).toBe('spine captures list');
  });
});

describe('dead letter ids', () => {
  it('resolve from the number dlq list prints (with or without #) or from its execution id prefix', () => {
    const one = deadLetter(A, 'normalize');
    deadLetter(B, 'ingest');
    expect(resolveDeadLetterId(db, String(one))).toBe(one);
    expect(resolveDeadLetterId(db, `#${one}`)).toBe(one);
    expect(resolveDeadLetterId(db, '3f2a9c1e')).toBe(one);
  });

  it('list the candidates when an execution prefix is ambiguous, and say none when nothing matches', () => {
    deadLetter(A, 'normalize');
    deadLetter(B, 'ingest');
    const e = spineErrorOf(() => resolveDeadLetterId(db, '3f2a9c'));
    expect(e.message).toContain("'3f2a9c' matches 2 dead letters");
    expect(e.message).toContain('execution 3f2a9c1e p stage normalize (open)');
    expect(spineErrorOf(() => resolveDeadLetterId(db, '42'))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
