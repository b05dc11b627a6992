import { SpineCommand } from '../../base-command.js';
import { formatFlag, tierFlag, weekFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import type { VerifyCheck } from '../../../domains/otc/query/verify.js';

export default class VerifyData extends SpineCommand<{ checks: VerifyCheck[]; failed: number }> {
  static override description =
    'Re-check the published data: row counts, reconciliation, no bad values, shares sum to 1, HHI in [0, 1]';
  static override flags = { week: weekFlag, tier: tierFlag, format: formatFlag };

  async run(): Promise<{ checks: VerifyCheck[]; failed: number }> {
    const { flags } = await this.parseWith(VerifyData);
    const [{ verifyData }, { normalizeTier }] = await Promise.all([
      import('../../../domains/otc/query/verify.js'),
      import('../../../domains/otc/tiers.js'),
    ]);
    const spine = await this.spine();
    const checks = verifyData(spine.db, { week: flags.week, tier: flags.tier ? normalizeTier(flags.tier) : undefined });
    const failed = checks.filter((c) => c.status === 'FAIL').length;
    if (flags.format === 'json') this.log(JSON.stringify({ checks, failed }, null, 2));
    else
      this.log(
        checks.length === 0
          ? 'No published captures to verify.'
          : renderRows(checks as unknown as Record<string, unknown>[], flags.format),
      );
    if (failed > 0) process.exitCode = 1;
    return { checks, failed };
  }
}
