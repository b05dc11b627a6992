import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderTable } from '../../output/table.js';

export interface PipelineDescription {
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  readonly stages: readonly { name: string; description: string }[];
  readonly params: readonly {
    name: string;
    /** The `spine run` flag that sets it (`--file` for file_path), or null: then `name=value`. */
    flag: string | null;
    type: string;
    required: boolean;
    default: unknown;
    choices: readonly string[] | null;
    description: string;
  }[];
  readonly examples: readonly string[];
}

export default class PipelinesDescribe extends SpineCommand<PipelineDescription> {
  static override description = `Describe a pipeline: its parameters (with the spine run flag that sets each), stages and examples.
Parameters without a flag are given as name=value after the pipeline name.`;
  static override examples = [
    '<%= config.bin %> pipelines describe finra.otc_transparency.week',
    '<%= config.bin %> pipelines describe finra.otc_transparency.backfill_range --json',
  ];
  static override args = { name: Args.string({ required: true, description: 'Pipeline name' }) };

  async run(): Promise<PipelineDescription> {
    const { args } = await this.parseWith(PipelinesDescribe);
    const [{ defaultRegistry }, { flagFor }] = await Promise.all([
      import('../../../app/registry.js'),
      import('../../run-params.js'),
    ]);
    const def = defaultRegistry().get(args.name);
    const out: PipelineDescription = {
      name: def.name,
      description: def.description,
      domain: def.domain,
      stages: def.stages.map((s) => ({ name: s.name, description: s.description })),
      params: def.params.map((p) => ({
        name: p.name,
        flag: flagFor(p.name) ?? null,
        type: p.type,
        required: p.required ?? false,
        default: p.default ?? null,
        choices: p.choices ?? null,
        description: p.description,
      })),
      examples: def.examples ?? [],
    };
    this.log(`${out.name}\n${out.description}\n`);
    this.log(
      renderTable(out.params, [
        { header: 'Parameter', get: (p) => p.name },
        { header: 'Flag', get: (p) => p.flag ?? `${p.name}=…` },
        { header: 'Type', get: (p) => (p.choices ? `${p.type} (${p.choices.join('|')})` : p.type) },
        { header: 'Required', get: (p) => (p.required ? 'yes' : 'no') },
        { header: 'Default', get: (p) => p.default },
        { header: 'Description', get: (p) => p.description },
      ]),
    );
    this.log(`\nStages: ${out.stages.map((s) => s.name).join(' → ')}`);
    if (out.examples.length > 0) this.log(`\nExamples:\n${out.examples.map((e) => `  ${e}`).join('\n')}`);
    return out;
  }
}
