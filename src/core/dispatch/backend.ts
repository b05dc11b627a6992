import type { ChildOutcome, ChildRequest } from '../../contracts/execution.js';
import type { ExecutionRecord } from '../execution/execution-store.js';
import type { PipelineDefinition } from '../pipeline/types.js';

export interface StartOptions {
  /** Background only: wait for the outcome instead of returning once started. */
  readonly wait?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** Runs a recorded execution. The sync backend runs it to the end; Temporal starts a workflow. */
export interface ExecutionBackend {
  readonly name: 'sync' | 'temporal';
  start(execution: ExecutionRecord, def: PipelineDefinition, options?: StartOptions): Promise<ExecutionRecord>;
}

/** How a backend asks the dispatcher to run a child execution (backfill fans out one per week). */
export type ChildRunner = (parent: ExecutionRecord, request: ChildRequest) => Promise<ChildOutcome>;
