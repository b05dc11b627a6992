import { SyncBackend } from '../backends/sync/sync-backend.js';
import { alertConfigFromEnv, fireAlert } from '../core/alerts/alert-hooks.js';
import type { Clock } from '../core/clock.js';
import { formatUtc, systemClock } from '../core/clock.js';
import { migrate } from '../core/db/migrate.js';
import type { Db } from '../core/db/open-database.js';
import { databasePathFromEnv, openDatabase } from '../core/db/open-database.js';
import type { ExecutionBackend } from '../core/dispatch/backend.js';
import { Dispatcher } from '../core/dispatch/dispatcher.js';
import { DeadLetterStore } from '../core/execution/dead-letters.js';
import { EventWriter } from '../core/execution/event-writer.js';
import { ExecutionStore } from '../core/execution/execution-store.js';
import type { SpineLogger } from '../core/logging/logger.js';
import type { PipelineRegistry } from '../core/pipeline/registry.js';
import { defaultRegistry } from './registry.js';

export interface SpineOptions {
  readonly dbPath?: string;
  readonly db?: Db;
  readonly log: SpineLogger;
  readonly clock?: Clock;
  /** Applies pending migrations on open (the CLI does; `spine db status` does not). */
  readonly migrate?: boolean;
  readonly registry?: PipelineRegistry;
  readonly background?: () => Promise<ExecutionBackend>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Everything a process needs to run pipelines: the composition root shared by the CLI, worker and tests. */
export interface Spine {
  readonly db: Db;
  readonly registry: PipelineRegistry;
  readonly dispatcher: Dispatcher;
  readonly store: ExecutionStore;
  readonly events: EventWriter;
  readonly deadLetters: DeadLetterStore;
  readonly log: SpineLogger;
  readonly clock: Clock;
  close(): void;
}

export function createSpine(options: SpineOptions): Spine {
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDatabase(options.dbPath ?? databasePathFromEnv());
  if (options.migrate ?? true) migrate(db);
  const log = options.log;
  const registry = options.registry ?? defaultRegistry();
  const store = new ExecutionStore(db, clock);
  const events = new EventWriter(db, clock);
  const alerts = alertConfigFromEnv();
  const deadLetters = new DeadLetterStore(db, clock, (dl) =>
    fireAlert(log, alerts, {
      kind: 'dead_letter',
      dead_letter_id: dl.id,
      execution_id: dl.execution_id,
      pipeline: dl.pipeline,
      stage: dl.stage,
      error_type: dl.error_type,
      error_message: dl.error_message,
      attempts: dl.attempts,
      at: formatUtc(clock.now()),
    }),
  );
  const dispatcher = new Dispatcher({
    registry,
    store,
    events,
    log,
    clock,
    sync: (d) =>
      new SyncBackend({
        db,
        registry,
        log,
        clock,
        events,
        store,
        deadLetters,
        runChild: (parent, req) => d.runChild(parent, req),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      }),
    ...(options.background ? { background: options.background } : {}),
  });
  return {
    db,
    registry,
    dispatcher,
    store,
    events,
    deadLetters,
    log,
    clock,
    close: () => db.close(),
  };
}
