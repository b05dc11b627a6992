import type { PipelineRegistry } from '../core/pipeline/registry.js';
import { registerCalendarPipelines } from '../domains/calendar/pipelines/index.js';
import { registerOtcPipelines } from '../domains/otc/pipelines/index.js';
import { volumePerDayPipeline } from '../domains/otc/pipelines/volume-per-day.js';
import { capturesGcPipeline } from './pipelines/captures-gc.js';

/** Registers every domain's pipelines. The one place that knows which domains exist. */
export function registerAllPipelines(registry: PipelineRegistry): PipelineRegistry {
  registerOtcPipelines(registry);
  registry.register(volumePerDayPipeline);
  registerCalendarPipelines(registry);
  registry.register(capturesGcPipeline);
  return registry;
}
