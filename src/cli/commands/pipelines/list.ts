import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderTable } from '../../output/table.js';

export interface PipelineSummary {
  readonly name: string;
  readonly description: string;
  readonly stages: readonly string[];
}

export default class PipelinesList extends SpineCommand<{ pipelines: PipelineSummary[]; count: number }> {
  static override description = 'List registered pipelines';
  static override examples = [
    '<%= config.bin %> pipelines list',
    '<%= config.bin %> pipelines list --prefix finra. --json',
  ];
  static override flags = {
    prefix: Flags.string({ description: 'Only pipelines whose name starts with this' }),
  };

  async run(): Promise<{ pipelines: PipelineSummary[]; count: number }> {
    const { flags } = await this.parseWith(PipelinesList);
    const { defaultRegistry } = await import('../../../app/registry.js');
    const pipelines = defaultRegistry()
      .list(flags.prefix ?? '')
      .map((p) => ({ name: p.name, description: p.description, stages: p.stages.map((s) => s.name) }));
    if (pipelines.length === 0) {
      this.log(flags.prefix ? `No pipelines match prefix '${flags.prefix}'.` : 'No pipelines registered.');
    } else {
      this.log(
        renderTable(pipelines, [
          { header: 'Name', get: (p) => p.name },
          { header: 'Description', get: (p) => p.description },
        ]),
      );
      this.log(`\nFound ${pipelines.length} pipeline(s)`);
    }
    return { pipelines, count: pipelines.length };
  }
}
