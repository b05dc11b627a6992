/** The worker's `workflowsPath`: every workflow type the Spine worker serves. */
export { runPipeline } from './run-pipeline.js';
export { scheduledRun } from './scheduled-run.js';
