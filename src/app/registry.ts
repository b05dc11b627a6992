import { PipelineRegistry } from '../core/pipeline/registry.js';
import { registerAllPipelines } from './pipelines.js';

/**
 * The registry with every domain's pipelines. Kept apart from `spine.ts` so that commands which only
 * describe pipelines never load the SQLite driver (start-up time).
 */
export function defaultRegistry(): PipelineRegistry {
  return registerAllPipelines(new PipelineRegistry());
}
