import { SpineCommand } from '../base-command.js';
import { renderTable } from '../output/table.js';

export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warning' | 'error';
  readonly message: string;
}

export default class Doctor extends SpineCommand<{ status: DoctorCheck['status']; checks: DoctorCheck[] }> {
  static override description = 'Check the database, its migrations, the pipeline tables and the Temporal CLI';

  async run(): Promise<{ status: DoctorCheck['status']; checks: DoctorCheck[] }> {
    await this.parseWith(Doctor);
    const { runDoctorChecks } = await import('../../app/doctor.js');
    const checks = runDoctorChecks();
    const status = checks.some((c) => c.status === 'error')
      ? 'error'
      : checks.some((c) => c.status === 'warning')
        ? 'warning'
        : 'ok';
    this.log(
      renderTable(checks, [
        { header: 'Check', get: (c) => c.name },
        { header: 'Status', get: (c) => c.status },
        { header: 'Message', get: (c) => c.message },
      ]),
    );
    if (status === 'error') process.exitCode = 1;
    return { status, checks };
  }
}
