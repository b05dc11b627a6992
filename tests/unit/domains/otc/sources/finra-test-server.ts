/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for api.finra.org: it records every request
 * (method, path, headers, parsed JSON body) and answers through a handler, by default serving the
 * recorded pages in tests/fixtures/otc/api/ by the payload's `offset`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: { readonly offset: number; readonly limit: number } & Record<string, unknown>;
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Wait this long before answering (timeout tests). */
  readonly delayMs?: number;
}

/** `index` counts requests from 0. */
export type Handler = (req: ReceivedRequest, index: number) => Reply;

export interface FinraTestServer {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

const FIXTURES = new URL('../../../../fixtures/otc/api/', import.meta.url);

/** The recorded OTC page at `offset` (0, 2 or 4) as text, exactly as stored. */
export function fixturePageText(offset: number): string {
  return readFileSync(new URL(`weekly-otc-2025-12-08.offset-${offset}.json`, FIXTURES), 'utf8');
}

/** The recorded page at `offset` as row objects, for tests that edit a row. */
export function fixturePage(offset: number): Record<string, unknown>[] {
  return JSON.parse(fixturePageText(offset)) as Record<string, unknown>[];
}

/** Serves `pages[offset]` (text or rows) and an empty array for any other offset. */
export function servePages(pages: Readonly<Record<number, string | readonly unknown[]>>): Handler {
  return (req) => {
    const page = pages[req.body.offset];
    return { body: page === undefined ? '[]' : typeof page === 'string' ? page : JSON.stringify(page) };
  };
}

/** The three recorded pages (limit 2). */
export const recordedPages: Handler = servePages({
  0: fixturePageText(0),
  2: fixturePageText(2),
  4: fixturePageText(4),
});

export async function startFinraServer(handler: Handler): Promise<FinraTestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: (text === '' ? {} : JSON.parse(text)) as ReceivedRequest['body'],
      };
      const reply = handler(received, requests.length);
      requests.push(received);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
