import { Args } from '@oclif/core';
import type { VerifyExportResult } from '../../../app/export/verify-export.js';
import { SpineCommand } from '../../base-command.js';
import { renderRows } from '../../output/emit.js';

export default class ExportVerify extends SpineCommand<VerifyExportResult> {
  static override description = `Check an export against its manifest and the database.

Recomputes the SHA-256 of every file and checks that each capture it came from is still in the database
as exported (status, clocks, content hash, row count). A superseded or gc-deleted capture fails; a newer
capture of the same week and tier is only a warning.
Exit codes: 0 verified (warnings allowed), 1 a check failed, 2 DIR is not an export, 3 the database cannot be read.`;
  static override examples = [
    '<%= config.bin %> export verify exports/2025-12-19   # exit 1 when a capture was superseded or deleted since',
  ];
  static override args = { dir: Args.string({ required: true, description: 'Export directory (with manifest.json)' }) };

  async run(): Promise<VerifyExportResult> {
    const { args } = await this.parseWith(ExportVerify);
    const { verifyExport } = await import('../../../app/export/verify-export.js');
    const spine = await this.spine();
    const result = verifyExport(spine.db, args.dir);
    if (!this.jsonEnabled()) {
      this.log(renderRows(result.checks as unknown as Record<string, unknown>[], 'table'));
      this.log(
        result.ok
          ? `\nExport ${result.dir} verified (${result.dataset}, exported ${result.exported_at})${result.warnings > 0 ? `: ${result.warnings} warning(s)` : ''}`
          : `\nExport ${result.dir} FAILED verification: ${result.failed} check(s) failed`,
      );
    }
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
