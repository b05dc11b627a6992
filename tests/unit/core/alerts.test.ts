import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertConfigFromEnv, fireAlert, redactUrl } from '../../../src/core/alerts/alert-hooks.js';
import type { AlertPayload } from '../../../src/core/alerts/alert-hooks.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import type { CapturedLogs } from '../../helpers/capture-logs.js';
import { testRegistry, writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

interface Received {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Hook {
  readonly origin: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/** A local webhook receiver answering with `statuses` in turn, then 200. */
async function startHook(statuses: number[] = []): Promise<Hook> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PAYLOAD: AlertPayload = {
  kind: 'dead_letter',
  dead_letter_id: 7,
  execution_id: '11111111-2222-4333-8444-555555555555',
  pipeline: 'test.flaky',
  stage: 'fetch',
  error_type: 'EXECUTION_FAILED',
  error_message: 'upstream is down',
  attempts: 3,
  at: '2025-12-15T10:00:00.000Z',
};

let dir: TempDir;
let logs: CapturedLogs;
let hook: Hook | undefined;

beforeEach(() => {
  dir = tempDir();
  logs = captureLogs('debug');
});

afterEach(async () => {
  await hook?.close();
  hook = undefined;
  dir.cleanup();
});

describe('fireAlert webhook', () => {
  it('POSTs the payload as JSON exactly once when the receiver accepts it', async () => {
    hook = await startHook();

    await fireAlert(logs.log, { webhookUrl: `${hook.origin}/hooks/abc` }, PAYLOAD);

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.method).toBe('POST');
    expect(hook.received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook.received[0]?.body ?? '')).toEqual(PAYLOAD);
    expect(logs.one('alert.dead_letter')).toMatchObject({ level: 'error', ...PAYLOAD });
    expect(logs.one('alert.webhook.sent')).toMatchObject({ level: 'info', dead_letter_id: 7 });
  });

  it('retries once after a 500 and then succeeds', async () => {
    hook = await startHook([500]);

    await fireAlert(logs.log, { webhookUrl: `${hook.origin}/hooks/abc`, webhookAttempts: 3 }, PAYLOAD);

    expect(hook.received).toHaveLength(2);
    expect(hook.received.map((r) => JSON.parse(r.body) as unknown)).toEqual([PAYLOAD, PAYLOAD]);
    expect(logs.byEvent('alert.webhook.sent')).toHaveLength(1);
    expect(logs.byEvent('alert.webhook.failed')).toHaveLength(0);
  });

  it('does not retry a 4xx answer and logs the failure without throwing', async () => {
    hook = await startHook([404]);

    await fireAlert(logs.log, { webhookUrl: `${hook.origin}/hooks/abc`, webhookAttempts: 3 }, PAYLOAD);

    expect(hook.received).toHaveLength(1);
    expect(logs.one('alert.webhook.failed')).toMatchObject({ level: 'warn', error_message: 'Error: HTTP 404' });
  });

  it('logs only the origin of the webhook URL, never its path or query', async () => {
    hook = await startHook([500, 500]);
    const url = `${hook.origin}/services/T0KEN-SECRET/xyz?sig=s3cr3t`;

    await fireAlert(logs.log, { webhookUrl: url, webhookAttempts: 2 }, PAYLOAD);
    hook.received.length = 0;
    await fireAlert(logs.log, { webhookUrl: url }, PAYLOAD);

    expect(hook.received).toHaveLength(1);
    expect(logs.one('alert.webhook.failed')['target']).toBe(`${hook.origin}/…`);
    expect(logs.one('alert.webhook.sent')['target']).toBe(`${hook.origin}/…`);
    expect(logs.text()).not.toContain('T0KEN-SECRET');
    expect(logs.text()).not.toContain('s3cr3t');
    expect(redactUrl('not a url')).toBe('<invalid url>');
  });
});

describe('fireAlert command', () => {
  it('hands the JSON payload to the command on stdin', async () => {
    const out = dir.join('alert.json');

    await fireAlert(logs.log, { command: `cat > '${out}'` }, PAYLOAD);

    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(PAYLOAD);
    expect(logs.one('alert.command.sent')).toMatchObject({ dead_letter_id: 7 });
  });

  it('logs a failing command without throwing', async () => {
    await fireAlert(logs.log, { command: 'cat > /dev/null; exit 3' }, PAYLOAD);

    expect(logs.one('alert.command.failed')).toMatchObject({ level: 'warn', error_message: 'Error: exit code 3' });
  });

  it('reads the hooks from SPINE_ALERT_WEBHOOK_URL and SPINE_ALERT_COMMAND', () => {
    expect(alertConfigFromEnv({})).toEqual({});
    expect(alertConfigFromEnv({ SPINE_ALERT_WEBHOOK_URL: 'http://h/x', SPINE_ALERT_COMMAND: 'true' })).toEqual({
      webhookUrl: 'http://h/x',
      command: 'true',
    });
  });
});

describe('dead-letter alerts from a run', () => {
  it('runs SPINE_ALERT_COMMAND once with the dead letter when a stage exhausts its retries', async () => {
    const out = dir.join('dead-letter.json');
    const restore = setEnv({
      SPINE_ALERT_COMMAND: `cat > '${out}'`,
      SPINE_ALERT_WEBHOOK_URL: undefined,
      SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), { 'test.flaky/fetch': { always: true } }),
      SPINE_RETRY_MAX_ATTEMPTS: '2',
    });
    const t = openTempSpine({ dir, log: logs.log, registry: testRegistry(), sleep: () => Promise.resolve() });
    try {
      const exec = await t.spine.dispatcher.submit('test.flaky', {});
      if ('dryRun' in exec) throw new Error('unexpected dry run');

      expect(exec.status).toBe('failed');
      expect(existsSync(out)).toBe(true);
      const sent = JSON.parse(readFileSync(out, 'utf8')) as AlertPayload;
      const letter = t.spine.deadLetters.list()[0];
      expect(sent).toMatchObject({
        kind: 'dead_letter',
        dead_letter_id: letter?.id,
        execution_id: exec.id,
        pipeline: 'test.flaky',
        stage: 'fetch',
        error_type: 'EXECUTION_FAILED',
        attempts: 2,
      });
      expect(logs.byEvent('alert.dead_letter')).toHaveLength(1);
      expect(logs.byEvent('alert.command.sent')).toHaveLength(1);
    } finally {
      t.cleanup();
      restore();
    }
  });
});
