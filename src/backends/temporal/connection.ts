import { Client, Connection } from '@temporalio/client';
import { taskQueueFrom } from '../../contracts/temporal/task-queue.js';
import { temporalUnavailable } from './errors.js';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_UI = 'http://127.0.0.1:8233';

/** Where the client talks to: `SPINE_TEMPORAL_ADDRESS`, `SPINE_TEMPORAL_NAMESPACE`, `SPINE_TASK_QUEUE`. */
export interface TemporalSettings {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /**
   * The Web UI base, for the links the CLI prints (`SPINE_TEMPORAL_UI_URL`, or the dev stack's); null
   * when there is none (a headless dev stack), so no link is printed rather than a wrong one.
   */
  readonly uiUrl: string | null;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return {
    address: env['SPINE_TEMPORAL_ADDRESS']?.trim() || DEFAULT_TEMPORAL_ADDRESS,
    namespace: env['SPINE_TEMPORAL_NAMESPACE']?.trim() || 'default',
    taskQueue: taskQueueFrom(env),
    uiUrl: env['SPINE_TEMPORAL_UI_URL']?.trim() || DEFAULT_TEMPORAL_UI,
  };
}

export interface TemporalClient {
  readonly client: Client;
  close(): Promise<void>;
}

/** Connects (with a short timeout) or throws TEMPORAL_UNAVAILABLE with the `spine dev up` hint. */
export async function connectClient(
  settings: Pick<TemporalSettings, 'address' | 'namespace'>,
  connectTimeoutMs = 3_000,
): Promise<TemporalClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.address, connectTimeout: connectTimeoutMs });
  } catch (err) {
    throw temporalUnavailable(settings.address, err);
  }
  return { client: new Client({ connection, namespace: settings.namespace }), close: () => connection.close() };
}
