export * from './run-pipeline.js';
export * from './search-attributes.js';
export * from './task-queue.js';
export * from './scheduled-run.js';
