/**
 * The execution event union every backend writes to core_execution_events. One shape, so that
 * `spine executions show` tells the same story whichever backend ran the pipeline.
 */
import type { JsonObject } from './execution.js';

export const EVENT_TYPES = [
  'submitted',
  'started',
  'stage_started',
  'progress',
  'stage_completed',
  'stage_skipped',
  'retrying',
  'failed',
  'dead_lettered',
  'completed',
  'cancelled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
}

interface Base {
  readonly attempt?: number;
  readonly stage?: string;
  readonly payload?: JsonObject;
}

export type ExecutionEvent =
  | (Base & { readonly type: 'submitted' })
  | (Base & { readonly type: 'started' })
  | (Base & { readonly type: 'stage_started'; readonly stage: string })
  | (Base & { readonly type: 'progress'; readonly stage: string; readonly step: string; readonly spanId: string })
  | (Base & {
      readonly type: 'stage_completed';
      readonly stage: string;
      readonly rowsIn?: number;
      readonly rowsOut?: number;
      readonly captureId?: string;
    })
  | (Base & { readonly type: 'stage_skipped'; readonly stage: string })
  | (Base & { readonly type: 'retrying'; readonly stage: string; readonly error: EventError; readonly delayMs: number })
  | (Base & { readonly type: 'failed'; readonly error: EventError })
  | (Base & { readonly type: 'dead_lettered'; readonly error: EventError })
  | (Base & { readonly type: 'completed'; readonly captureId?: string })
  | (Base & { readonly type: 'cancelled' });
