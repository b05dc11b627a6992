import type { Clock } from '../core/clock.js';
import type { Db } from '../core/db/open-database.js';
import type { Dispatcher } from '../core/dispatch/dispatcher.js';
import type { DeadLetterSink } from '../core/execution/dead-letters.js';
import type { EventWriter } from '../core/execution/event-writer.js';
import type { ExecutionStore } from '../core/execution/execution-store.js';
import type { SpineLogger } from '../core/logging/logger.js';
import type { PipelineRegistry } from '../core/pipeline/registry.js';

/**
 * What the activities close over: a Spine (src/app/spine.ts) satisfies it. In the worker, the
 * dispatcher's background lane records fan-out children without running them (see child-executions.ts):
 * the parent workflow runs them as child workflows.
 */
export interface ActivityDeps {
  readonly db: Db;
  readonly registry: PipelineRegistry;
  readonly log: SpineLogger;
  readonly clock: Clock;
  readonly events: EventWriter;
  readonly store: ExecutionStore;
  readonly deadLetters: DeadLetterSink;
  readonly dispatcher: Pick<Dispatcher, 'submit'>;
}
