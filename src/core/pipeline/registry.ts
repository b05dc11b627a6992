import { PipelineNotFoundError } from '../errors.js';
import type { PipelineDefinition } from './types.js';

/** Name → pipeline. Domains register into it; nothing here knows about any domain. */
export class PipelineRegistry {
  readonly #pipelines = new Map<string, PipelineDefinition>();

  register(def: PipelineDefinition): this {
    if (this.#pipelines.has(def.name)) throw new Error(`Pipeline '${def.name}' is already registered`);
    const stageNames = new Set<string>();
    for (const s of def.stages) {
      if (stageNames.has(s.name)) throw new Error(`Pipeline '${def.name}' declares stage '${s.name}' twice`);
      stageNames.add(s.name);
    }
    this.#pipelines.set(def.name, def);
    return this;
  }

  get(name: string): PipelineDefinition {
    const def = this.#pipelines.get(name);
    if (!def) throw new PipelineNotFoundError(name, this.names());
    return def;
  }

  has(name: string): boolean {
    return this.#pipelines.has(name);
  }

  names(): string[] {
    return [...this.#pipelines.keys()].sort();
  }

  list(prefix = ''): PipelineDefinition[] {
    return this.names()
      .filter((n) => n.startsWith(prefix))
      .map((n) => this.#pipelines.get(n) as PipelineDefinition);
  }
}
