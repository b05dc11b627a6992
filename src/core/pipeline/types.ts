import type { PipelineState, RetryPolicySpec, StageOutcome } from '../../contracts/execution.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import type { SpineLogger } from '../logging/logger.js';
import type { ParamSpec, Params } from './params.js';

/** Who is running a stage: the ids that go onto every row and log line (domain-spec §12). */
export interface ExecutionContext {
  readonly executionId: string;
  readonly batchId: string;
  readonly parentExecutionId?: string;
  readonly pipeline: string;
  readonly attempt: number;
}

export interface StageContext {
  readonly db: Db;
  readonly execution: ExecutionContext;
  readonly params: Params;
  readonly state: PipelineState;
  readonly log: SpineLogger;
  readonly clock: Clock;
  /** Lets long stages yield between bounded chunks so heartbeats and cancellation keep flowing. */
  readonly yieldControl: () => Promise<void>;
  /**
   * Throws FencedError when this attempt no longer owns the execution (a newer attempt started, the run
   * was cancelled or taken over). Call it inside every transaction that writes capture rows, publishes
   * or deletes, so the check and the write commit together.
   */
  readonly checkFence: () => void;
}

export interface StageDefinition {
  readonly name: string;
  readonly description: string;
  /** Retry class: picks the retry policy (docs/execution.md). */
  readonly retryClass?: 'default' | 'io' | 'db';
  run(ctx: StageContext): Promise<StageOutcome>;
}

/** A registered pipeline = a typed parameter spec + an ordered list of stages. */
export interface PipelineDefinition {
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  readonly params: readonly ParamSpec[];
  readonly stages: readonly StageDefinition[];
  /** Cross-parameter rules checked at submit time, before anything runs (throws BadParamsError). */
  readonly validate?: (params: Params) => void;
  /**
   * Canonical params, computed before anything is recorded: e.g. a file path made absolute and real, so
   * every spelling of one request is the same request (throws a SpineError for a missing file).
   */
  readonly canonicalize?: (params: Params) => Params | Promise<Params>;
  /**
   * The business key of the partition a run works on (after `canonicalize`), e.g. `OTC:2025-12-12:file:…`:
   * one open execution per key (the dispatcher's claim) and the Temporal workflow id.
   */
  readonly logicalKey?: (params: Params) => string | undefined | Promise<string | undefined>;
  /** Pulls the user-facing result summary out of the final state. */
  readonly summarize?: (state: PipelineState) => PipelineState;
  readonly retryPolicy?: Partial<RetryPolicySpec>;
  /**
   * Fan-out children run at most this many at a time on Temporal (the sync backend runs them one by one),
   * e.g. 1 for children that must publish in order.
   */
  readonly maxChildConcurrency?: number;
  readonly examples?: readonly string[];
}
