import { spawn } from 'node:child_process';
import type { SpineLogger } from '../logging/logger.js';

/** A run exhausted its retries (docs/temporal.md). */
export interface DeadLetterAlert {
  readonly kind: 'dead_letter';
  readonly dead_letter_id: number;
  readonly execution_id: string;
  readonly pipeline: string;
  readonly stage: string;
  readonly error_type: string;
  readonly error_message: string;
  readonly attempts: number;
  readonly at: string;
}

/** One week of a freshness alert (docs/autopilot.md, "Alerts"). */
export interface FreshnessAlertWeek {
  readonly anomaly_id: number;
  readonly domain: string;
  readonly tier: string;
  readonly week_ending: string;
  readonly [field: string]: unknown;
}

/**
 * Weeks that became late (`freshness_late`) or arrived after being late (`freshness_recovered`) in one
 * check: one alert per check and kind, listing every week, so a check after a long outage alerts once.
 */
export interface FreshnessAlert {
  readonly kind: 'freshness_late' | 'freshness_recovered';
  readonly weeks: readonly FreshnessAlertWeek[];
  readonly at: string;
}

export type AlertPayload = DeadLetterAlert | FreshnessAlert;

/** The id a log line names: the dead letter, or the anomalies of a freshness alert. */
function alertRef(payload: AlertPayload): Record<string, unknown> {
  return payload.kind === 'dead_letter'
    ? { dead_letter_id: payload.dead_letter_id }
    : { anomaly_ids: payload.weeks.map((w) => w.anomaly_id) };
}

export interface AlertConfig {
  readonly webhookUrl?: string;
  readonly command?: string;
  readonly webhookAttempts?: number;
  readonly webhookTimeoutMs?: number;
}

export function alertConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  return {
    ...(env['SPINE_ALERT_WEBHOOK_URL'] ? { webhookUrl: env['SPINE_ALERT_WEBHOOK_URL'] } : {}),
    ...(env['SPINE_ALERT_COMMAND'] ? { command: env['SPINE_ALERT_COMMAND'] } : {}),
  };
}

/** Webhook URLs often embed tokens: only the origin is ever logged. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '<invalid url>';
  }
}

async function postWebhook(url: string, payload: AlertPayload, attempts: number, timeoutMs: number): Promise<void> {
  let lastError: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      lastError = err;
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, 200 * 2 ** (i - 1)));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function runCommand(command: string, payload: AlertPayload): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
    child.stdin.end(JSON.stringify(payload));
  });
}

/**
 * Fires every configured alert hook: always a structured log line, then the webhook (JSON POST,
 * retried with back-off) and the command (payload on stdin). A failing hook is logged, never thrown:
 * alerting must not turn a dead letter (or a late week) into a second failure.
 */
export async function fireAlert(log: SpineLogger, config: AlertConfig, payload: AlertPayload): Promise<void> {
  if (payload.kind === 'dead_letter') log.error('alert.dead_letter', { ...payload });
  else log.warn(`alert.${payload.kind}`, { ...payload });
  const tasks: Promise<void>[] = [];
  if (config.webhookUrl) {
    const url = config.webhookUrl;
    tasks.push(
      postWebhook(url, payload, config.webhookAttempts ?? 4, config.webhookTimeoutMs ?? 5_000).then(
        () => log.info('alert.webhook.sent', { target: redactUrl(url), ...alertRef(payload) }),
        (err: unknown) => log.warn('alert.webhook.failed', { target: redactUrl(url), error_message: String(err) }),
      ),
    );
  }
  if (config.command) {
    tasks.push(
      runCommand(config.command, payload).then(
        () => log.info('alert.command.sent', alertRef(payload)),
        (err: unknown) => log.warn('alert.command.failed', { error_message: String(err) }),
      ),
    );
  }
  await Promise.all(tasks);
}
