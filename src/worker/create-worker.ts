import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import type { SpineActivities } from '../activities/index.js';
import { executionIdInterceptor } from './activity-interceptors.js';

/** Same extension as this file, so the path works from `src/` (vitest) and from `dist/` (the CLI). */
function sibling(relative: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`${relative}${ext}`, import.meta.url));
}

export const WORKFLOWS_PATH = sibling('../workflows/index');
export const WORKFLOW_INTERCEPTOR_MODULES = [sibling('../workflows/interceptors')];

/** Bundles the workflows once (about a second; tests share one bundle per file, replay tests bundle variants). */
export function bundleSpineWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      log: () => undefined,
    },
  });
}

export interface SpineWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly activities: SpineActivities;
  /** Activity slots; SQLite has one writer, so keep it small (temporal-dev.yml, default 2). */
  readonly maxConcurrentActivityTaskExecutions: number;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  readonly workflowBundle?: WorkflowBundle;
  readonly identity?: string;
}

/** The Spine worker: the `runPipeline` workflow and its activities on one task queue. */
export function createSpineWorker(options: SpineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: options.activities,
    interceptors: {
      activity: [executionIdInterceptor],
      ...(options.workflowBundle ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    // Heartbeats reach the server at least every 2 s (not 0.8 × the 30 s timeout): that is how a stage
    // learns of a cancellation, and how `--wait` shows fresh progress.
    maxHeartbeatThrottleInterval: '2 seconds',
    // Running stages get this long to reach a step boundary before they are cancelled; then the worker exits.
    shutdownGraceTime: '5 seconds',
    shutdownForceTime: '20 seconds',
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
