import type { PipelineRegistry } from '../core/pipeline/registry.js';
import { registerOtcPipelines } from '../domains/otc/pipelines/index.js';
import { capturesGcPipeline } from './pipelines/captures-gc.js';

/** Registers every domain's pipelines. The one place that knows which domains exist. */
export function registerAllPipelines(registry: PipelineRegistry): PipelineRegistry {
  registerOtcPipelines(registry);
  registry.register(capturesGcPipeline);
  return registry;
}
