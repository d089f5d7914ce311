import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request the stand-in collector received on `POST /v1/events`. */
export interface CapturedRequest {
  /** Parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  raw: string;
  contentType: string | undefined;
  /** Status the stand-in answered with. */
  status: number;
  at: number;
}

/**
 * A stand-in collector for the snippet's own browser tests: serves the built snippet from
 * `dist` (`/snippet.js`, `/s/<file>`) plus extra files, records every event request (and every
 * CORS preflight, which must never happen) and can fail requests on demand. The real collector
 * is tested in its own workspace; this one only captures what the browser sent.
 */
export interface CaptureServer {
  /** Base URL, `http://localhost:<port>` (a different origin from the shop pages). */
  url: string;
  requests: CapturedRequest[];
  preflights: number;
  /** Answers the next `n` event requests with `status` (default 503). */
  failNext(n: number, status?: number): void;
  /** While down, every event request gets 503. */
  setDown(down: boolean): void;
  /** Delays serving `/snippet.js` (to test calls made before the script loads). */
  setSnippetDelay(ms: number): void;
  /** Delays serving `/s/<file>` (`snippet-core.js`: a tracking core that arrives late); 0 undoes it. */
  setFileDelay(file: string, ms: number): void;
  /** Extra files served under `/s/`. */
  files: Map<string, string>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function startCaptureServer(dist: string): Promise<CaptureServer> {
  let failures: { n: number; status: number } = { n: 0, status: 503 };
  let down = false;
  const delays = new Map<string, number>();
  const files = new Map<string, string>();
  const state: Pick<CaptureServer, 'requests' | 'preflights'> = { requests: [], preflights: 0 };

  const server = createServer((req, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('access-control-allow-origin', '*');
      if (req.method === 'OPTIONS') {
        state.preflights++;
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/events') {
        const raw = await readBody(req);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {}
        let status = 200;
        if (down) status = 503;
        else if (failures.n > 0) {
          failures.n--;
          status = failures.status;
        }
        state.requests.push({ body, raw, contentType: req.headers['content-type'], status, at: Date.now() });
        const events = (body as { events?: unknown[] } | undefined)?.events ?? [];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            status === 200
              ? { accepted: events.length, duplicates: 0, rejected: [] }
              : { error: { code: 'FW_TEST_DOWN', message: 'down', statusCode: status } },
          ),
        );
        return;
      }
      const name =
        url.pathname === '/snippet.js'
          ? 'snippet.js'
          : url.pathname.startsWith('/s/')
            ? url.pathname.slice(3)
            : '';
      const delay = delays.get(name);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const extra = files.get(name);
      const content =
        extra ??
        (/^[\w.-]+\.js$/.test(name)
          ? await readFile(join(dist, name), 'utf8').catch(() => undefined)
          : undefined);
      if (content === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(content);
    })().catch(() => res.writeHead(500).end());
  });
  const port = await listen(server, '127.0.0.1');

  return {
    url: `http://localhost:${port}`,
    get requests() {
      return state.requests;
    },
    get preflights() {
      return state.preflights;
    },
    failNext(n, status = 503) {
      failures = { n, status };
    },
    setDown(value) {
      down = value;
    },
    setSnippetDelay(ms) {
      delays.set('snippet.js', ms);
    },
    setFileDelay(file, ms) {
      delays.set(file, ms);
    },
    files,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves HTML pages (path → html) on `http://127.0.0.1:<port>`: the shop's origin. */
export async function startPageServer(
  pages: Map<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Any path under a known page's folder serves that page (a single-page app's deep links).
    const html = pages.get(path) ?? pages.get(`/${path.split('/')[1]}`);
    if (html === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  });
  const port = await listen(server, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
