// bench/history (issue 4): 100,000 executions and 1,000,000 events (≈5% failed, created over 90 days,
// ≈10 events each), generated with prepared inserts. Timed in process, median of N runs:
//   listExecutions(db, { status: 'failed', since: 7 days ago })  vs a bare SELECT on the same index
//   describeExecution(db, id)                                    vs bare SELECTs of the execution and its events
// Targets: each under 50 ms. The CLI commands are also timed end to end (info, vs `spine --version`).
// Usage: npm run build && node bench/history/run.mjs [--executions 100000] [--runs 200]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  BIN,
  dist,
  fmtInt,
  fmtMs,
  fmtRatio,
  freshDb,
  median,
  msSince,
  nowNs,
  printHeader,
  printTable,
  quantile,
  rng,
  sampleInterleaved,
  timeCommands,
  tempDir,
  verdict,
  numberOption,
} from '../lib/common.mjs';

const opt = numberOption;
const N_EXEC = opt('executions', 100_000);
const RUNS = opt('runs', 200);
const TARGET_MS = 50;
const DAY = 86_400_000;

printHeader('bench/history');
const dir = tempDir('history');
const dbPath = join(dir, 'history.db');
const db = await freshDb(dbPath);
const { listExecutions, describeExecution } = await dist('core/execution/history.js');

// ---------------------------------------------------------------- generate
const rand = rng(11);
const pick = (items) => items[Math.floor(rand() * items.length)];
const PIPELINES = [
  // [name, share, stages]: mixed so a completed execution averages ≈10 events (week: 19, ingest_week: 7, …).
  [
    'finra.otc_transparency.week',
    0.3,
    ['ingest', 'normalize', 'aggregate', 'venue_share', 'symbol_venue_calcs', 'rolling', 'publish'],
  ],
  ['finra.otc_transparency.ingest_week', 0.2, ['ingest']],
  ['finra.otc_transparency.normalize_week', 0.1, ['normalize']],
  ['finra.otc_transparency.aggregate_week', 0.1, ['aggregate']],
  ['finra.otc_transparency.compute_rolling', 0.1, ['rolling']],
  ['finra.otc_transparency.backfill_range', 0.05, ['plan', 'run_weeks', 'summarize']],
  ['captures.gc', 0.15, ['collect', 'prune_events']],
];
const pickPipeline = () => {
  let x = rand();
  for (const p of PIPELINES) if ((x -= p[1]) <= 0) return p;
  return PIPELINES[0];
};
const TIERS = ['OTC', 'NMS_TIER_1', 'NMS_TIER_2'];
const ERRORS = [
  ['SOURCE_ERROR', 'finra_otc_weekly_otc_20251215.csv line 4411: totalWeeklyShareQuantity is not an integer'],
  ['DATABASE_ERROR', 'SQLITE_BUSY: database is locked'],
  ['EXECUTION_FAILED', 'quality gate failed: venue shares sum to 0.97'],
  ['INVALID_TIER', "tierDescription 'NMS Tier 1' contradicts tier OTC"],
];
const iso = (ms) => new Date(ms).toISOString();
const friday = (ms) => {
  const d = new Date(ms);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 2) % 7) - 3);
  return d.toISOString().slice(0, 10);
};

const insExec =
  db.prepare(`INSERT INTO core_executions (id, pipeline, params, lane, backend, trigger_source, logical_key,
    status, parent_execution_id, batch_id, attempts, created_at, started_at, completed_at, error_code, error_message,
    error_stage, result) VALUES (?, ?, ?, ?, 'sync', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insEvent =
  db.prepare(`INSERT INTO core_execution_events (execution_id, event_type, at, attempt, stage, step, status,
    payload, error_type, error_message, error_stack, rows_in, rows_out, capture_id, idempotency_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

const now = Date.now();
const start = now - 90 * DAY;
const times = Array.from({ length: N_EXEC }, () => start + rand() * 90 * DAY).sort((a, b) => a - b);
let nEvents = 0;
const counts = { failed: 0, completed: 0, running: 0, cancelled: 0, pending: 0 };
const ids = [];
const t0 = nowNs();
const BATCH = 5000;
for (let b = 0; b < N_EXEC; b += BATCH) {
  db.transaction(() => {
    for (let i = b; i < Math.min(N_EXEC, b + BATCH); i++) {
      const id = randomUUID();
      ids.push(id);
      const [pipeline, , stages] = pickPipeline();
      const created = times[i];
      const age = now - created;
      const r = rand();
      // Old executions are finished; the last hour may still be running or pending.
      const status =
        age < 3_600_000 && r < 0.3
          ? r < 0.15
            ? 'running'
            : 'pending'
          : r < 0.05
            ? 'failed'
            : r < 0.06
              ? 'cancelled'
              : 'completed';
      counts[status]++;
      const tier = pick(TIERS);
      const week = friday(created);
      const cap = `finra.otc_transparency:${tier}:${week}:${id.slice(0, 6)}`;
      const params = JSON.stringify({
        file_path: `/data/finra/finra_otc_weekly_${tier.toLowerCase()}_${week.replaceAll('-', '')}.csv`,
        week_ending: week,
        tier,
        source: 'file',
        force: false,
        replace_capture: false,
      });
      const failStage = status === 'failed' ? Math.floor(rand() * stages.length) : -1;
      const lastStage =
        failStage >= 0 ? failStage : status === 'completed' ? stages.length - 1 : Math.floor(rand() * stages.length);
      const [errCode, errMsg] = status === 'failed' ? pick(ERRORS) : [null, null];
      const attempts = status === 'failed' ? 1 + Math.floor(rand() * 5) : 1;
      let t = created + 5;
      const ev = (type, stage, step, st, payload, extra = {}) => {
        t += 20 + Math.floor(rand() * 3000);
        const seq = nEvents++;
        insEvent.run(
          id,
          type,
          iso(t),
          extra.attempt ?? 1,
          stage,
          step,
          st,
          JSON.stringify(payload),
          extra.errType ?? null,
          extra.errMsg ?? null,
          extra.errStack ?? null,
          extra.rowsIn ?? null,
          extra.rowsOut ?? null,
          extra.capture ?? null,
          `${id}|${type}|${stage ?? ''}|${seq}`,
        );
      };
      ev('submitted', null, null, 'pending', {
        pipeline,
        params: JSON.parse(params),
        lane: 'normal',
        backend: 'sync',
        stages,
      });
      if (status !== 'pending') {
        ev('started', null, null, 'running', {});
        // Stage events, plus two progress steps (one per 50,000 rows) in an ingest stage.
        for (let s = 0; s <= lastStage; s++) {
          ev('stage_started', stages[s], null, 'running', {}, { capture: s > 0 ? cap : null });
          const progress = stages[s] === 'ingest' ? 2 : 0;
          for (let p = 0; p < progress; p++) {
            ev('progress', stages[s], 'ingest.bulk_insert', 'running', {
              rows_in: (p + 1) * 50_000,
              rows_out: (p + 1) * 50_000,
              duration_ms: 900,
            });
          }
          if (s === failStage) {
            ev(
              'failed',
              stages[s],
              null,
              'failed',
              {},
              {
                errType: errCode,
                errMsg,
                errStack: `SpineError: ${errMsg}\n    at ${stages[s]}Stage (dist/domains/otc/stages/${stages[s]}.js:42:11)`,
                attempt: attempts,
              },
            );
          } else if (s < lastStage || status === 'completed') {
            ev(
              'stage_completed',
              stages[s],
              null,
              'completed',
              { duration_ms: 1200 },
              { rowsIn: 5329, rowsOut: 5300, capture: cap },
            );
          }
        }
        if (status === 'completed') ev('completed', null, null, 'completed', { capture_id: cap });
        if (status === 'cancelled') ev('cancelled', null, null, 'cancelled', {});
      }
      const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
      const result =
        status === 'completed'
          ? JSON.stringify({ week_ending: week, tier, capture_id: cap, rows_in: 5329, accepted: 5300 })
          : null;
      insExec.run(
        id,
        pipeline,
        params,
        'normal',
        'cli',
        `${tier}:${week}`,
        status,
        `${pipeline.split('.').at(-1)}_${iso(created).replace(/[-:]/g, '').slice(0, 15)}_${id.slice(0, 8)}`,
        attempts,
        iso(created),
        status === 'pending' ? null : iso(created + 5),
        finished ? iso(t) : null,
        errCode,
        errMsg,
        failStage >= 0 ? stages[failStage] : null,
        result,
      );
    }
  })();
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.exec('ANALYZE');
const genMs = msSince(t0);
console.log(
  `generated ${fmtInt(N_EXEC)} executions (${Object.entries(counts)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ')}) and ${fmtInt(nEvents)} events over 90 days in ${fmtMs(genMs)}`,
);

// ---------------------------------------------------------------- measure
const since = iso(now - 7 * DAY);
const bareList = db.prepare(`SELECT id, pipeline, status, lane, backend, created_at, started_at, completed_at, attempts,
    error_code, error_stage, error_message, parent_execution_id
  FROM core_executions WHERE status = ? AND created_at >= ? ORDER BY created_at DESC LIMIT ?`);
const failedCount = db
  .prepare(`SELECT COUNT(*) AS n FROM core_executions WHERE status = 'failed' AND created_at >= ?`)
  .get(since).n;
const bareExec = db.prepare('SELECT * FROM core_executions WHERE id = ?');
const bareEvents = db.prepare('SELECT * FROM core_execution_events WHERE execution_id = ? ORDER BY id');
// Rotate over a sample of failed executions (the ones people `show`), so each run reads a different one.
const showIds = db
  .prepare(`SELECT id FROM core_executions WHERE status = 'failed' ORDER BY random() LIMIT ?`)
  .all(RUNS)
  .map((r) => r.id);
// The plans SQLite picks (so a ratio can be read against the index actually used).
const plan = (sql, ...args) =>
  db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...args)
    .map((r) => r.detail)
    .join('; ');
console.log(
  `plan list: ${plan(`SELECT id FROM core_executions WHERE status = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 50`, 'failed', since)}`,
);
console.log(
  `plan show events: ${plan(`SELECT id FROM core_execution_events WHERE execution_id = ? AND id > ? ORDER BY id`, 'x', 0)}`,
);
const eventsPerShown = median(
  showIds.map((id) => db.prepare('SELECT COUNT(*) AS n FROM core_execution_events WHERE execution_id = ?').get(id).n),
);

const s = sampleInterleaved(
  {
    listDefault: () => listExecutions(db, { status: 'failed', since, limit: 50 }),
    bareDefault: () => bareList.all('failed', since, 50),
    listAll: () => listExecutions(db, { status: 'failed', since, limit: 100_000 }),
    bareAll: () => bareList.all('failed', since, 100_000),
    show: (i) => describeExecution(db, showIds[i % showIds.length]),
    bareShow: (i) => {
      const id = showIds[i % showIds.length];
      return [bareExec.get(id), bareEvents.all(id)];
    },
    showPrefix: (i) => describeExecution(db, showIds[i % showIds.length].slice(0, 8)),
  },
  { runs: RUNS, warmup: 5 },
);
const row = (label, what, base, target) => {
  const m = median(s[what]);
  return [
    label,
    fmtMs(m),
    fmtMs(quantile(s[what], 0.95)),
    base ? fmtMs(median(s[base])) : '-',
    base ? fmtRatio(m / median(s[base])) : '-',
    target ? `< ${TARGET_MS} ms: ${verdict(m, TARGET_MS)}` : 'info',
  ];
};
printTable(
  `in process, median of ${RUNS} runs (${fmtInt(failedCount)} failed executions in the last 7 days; ${eventsPerShown} events per shown execution)`,
  ['measure', 'median', 'p95', 'bare SELECT', 'ratio', 'target'],
  [
    row('list --status failed --since 7d (limit 50)', 'listDefault', 'bareDefault', true),
    row(`list --status failed --since 7d (all ${failedCount})`, 'listAll', 'bareAll', true),
    row('show <id>', 'show', 'bareShow', true),
    row('show <8-char prefix>', 'showPrefix', 'bareShow', true),
  ],
);

// CLI end to end (info): whole processes, vs the CLI's bare start-up.
db.close();
const env = { SPINE_DATABASE_PATH: dbPath, SPINE_LOG_LEVEL: 'warn' };
const cli = {
  'spine --version': [BIN, '--version'],
  'spine executions list --status failed --since 7d': [
    BIN,
    'executions',
    'list',
    '--status',
    'failed',
    '--since',
    '7d',
  ],
  'spine executions show <id>': [BIN, 'executions', 'show', showIds[0]],
};
const cs = timeCommands(
  Object.entries(cli).map(([name, args]) => ({ name, args })),
  { runs: 10, warmup: 2, env },
);
const v = median(cs['spine --version']);
printTable(
  'CLI end to end, median of 10 runs after 2 warm-ups, interleaved (info)',
  ['command', 'median', 'ratio to spine --version'],
  Object.entries(cs).map(([k, x]) => [k, fmtMs(median(x)), fmtRatio(median(x) / v)]),
);
