/**
 * The load generator of the ingest benchmark, in a process of its own so the clients never share
 * an event loop with the server under test. Every request is a fresh batch (new event UUIDs) from
 * {@link eventBatchBody}, sent as `text/plain` over keep-alive connections, and counts as a
 * success only when the answer is 200 with every event accepted.
 *
 *   tsx bench/ingest/load-process.ts '<LoadSpec as JSON>'
 *
 * Two modes:
 * - `closed`: `concurrency` clients each send, wait for the answer, send again, for `warmupMs`
 *   (not counted) then `durationMs` (counted): requests/s and latency at saturation.
 * - `rate`: open loop, `batchesPerSecond` on a fixed schedule for `durationMs` (at most
 *   `maxInFlight` requests outstanding; a batch that has to wait for a free slot is sent late and
 *   counted in `lateStarts`). Reports every accepted batch's send time for the lag computation.
 *
 * Prints one JSON line ({@link LoadResult}) and exits.
 */
import http from 'node:http';
import { CHROME_UA, eventBatchBody } from './event-batch.ts';

/** What the generator does; passed as the one JSON argument. */
export interface LoadSpec {
  mode: 'closed' | 'rate';
  /** `POST` target, e.g. `http://127.0.0.1:1234/v1/events`. */
  url: string;
  site: string;
  /** Events per batch. */
  events: number;
  /**
   * `http`: node:http with a keep-alive agent (about a third of fetch's CPU per request here, so
   * the client leaves more of the machine to the server). `fetch`: node's built-in undici fetch,
   * also keep-alive.
   */
  client: 'http' | 'fetch';
  /** Counted phase, ms. */
  durationMs: number;
  /** First batch number (visitor and page view ids derive from it). */
  seqStart: number;
  /** `closed`: clients. */
  concurrency?: number;
  /** `closed`: uncounted phase before the counted one, ms. */
  warmupMs?: number;
  /** `rate`: batches started per second. */
  batchesPerSecond?: number;
  /** `rate`: most requests outstanding at once. */
  maxInFlight?: number;
}

/** What the generator prints. */
export interface LoadResult {
  /** Successful requests in the counted phase. */
  requests: number;
  /** Successful requests including the warm-up (what the server handled in all). */
  allRequests: number;
  /** Length of the counted phase, s (closed: warm-up end to last answer; rate: first to last send). */
  seconds: number;
  /** Requests that failed (status, network error or not every event accepted). */
  failures: number;
  /** Up to five failure descriptions. */
  errors: string[];
  /** Latency of each successful counted request, ms, in completion order. */
  latenciesMs: number[];
  /** CPU this process used in the counted phase, % of one core. */
  clientCpuPercent: number;
  /** `rate`: epoch ms (fractional) each accepted batch was sent, in send order. */
  sentAt?: number[];
  /** `rate`: events the collector accepted. */
  acceptedEvents?: number;
  /**
   * `rate`: batches sent more than 100 ms after their scheduled time (`maxInFlight` reached, or
   * this process starved of CPU); the offered load was then less steady than asked.
   */
  lateStarts?: number;
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes. */
const epochMs = () => performance.timeOrigin + performance.now();

type Send = (body: string) => Promise<{ status: number; text: string }>;

function httpSender(url: string, sockets: number): Send {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const target = new URL(url);
  return (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            'content-length': Buffer.byteLength(body),
            'user-agent': CHROME_UA,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

function fetchSender(url: string): Send {
  return async (body) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME_UA },
      body,
      keepalive: true,
    });
    return { status: response.status, text: await response.text() };
  };
}

/** Sends one fresh batch; resolves with the accepted event count, or throws why it failed. */
function batchSender(spec: LoadSpec, sockets: number): (seq: number) => Promise<number> {
  const send = spec.client === 'fetch' ? fetchSender(spec.url) : httpSender(spec.url, sockets);
  return async (seq) => {
    const { status, text } = await send(eventBatchBody(spec.site, seq, spec.events));
    if (status !== 200) throw new Error(`status ${status}: ${text.slice(0, 200)}`);
    const accepted = (JSON.parse(text) as { accepted?: unknown }).accepted;
    if (accepted !== spec.events)
      throw new Error(`accepted ${String(accepted)} of ${spec.events}: ${text.slice(0, 200)}`);
    return accepted;
  };
}

async function closedLoop(spec: LoadSpec): Promise<LoadResult> {
  const concurrency = spec.concurrency ?? 32;
  const sendBatch = batchSender(spec, concurrency);
  const start = performance.now();
  const counted = start + (spec.warmupMs ?? 0);
  const deadline = counted + spec.durationMs;
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let failures = 0;
  let seq = spec.seqStart;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let lastAnswer = counted;
  let allRequests = 0;
  const warmupTimer = setTimeout(() => {
    cpuBefore = process.cpuUsage();
  }, spec.warmupMs ?? 0);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await sendBatch(seq++);
          const t1 = performance.now();
          allRequests++;
          if (t0 >= counted) {
            latenciesMs.push(t1 - t0);
            lastAnswer = Math.max(lastAnswer, t1);
          }
        } catch (error) {
          failures++;
          if (errors.length < 5) errors.push((error as Error).message);
        }
      }
    }),
  );
  clearTimeout(warmupTimer);
  const seconds = (lastAnswer - counted) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: latenciesMs.length,
    allRequests,
    seconds,
    failures,
    errors,
    latenciesMs,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
  };
}

async function steadyRate(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.batchesPerSecond ?? 100;
  const maxInFlight = spec.maxInFlight ?? 256;
  const sendBatch = batchSender(spec, maxInFlight);
  const total = Math.round((rate * spec.durationMs) / 1000);
  const latenciesMs: number[] = [];
  const sentAt: number[] = [];
  const errors: string[] = [];
  let failures = 0;
  let acceptedEvents = 0;
  let lateStarts = 0;
  let inFlight = 0;
  let started = 0;
  const outstanding = new Set<Promise<void>>();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();

  const launch = (index: number) => {
    inFlight++;
    if (performance.now() - (t0 + (index * 1000) / rate) > 100) lateStarts++;
    const seq = spec.seqStart + index;
    const sendTime = epochMs();
    const began = performance.now();
    const done = sendBatch(seq).then(
      (accepted) => {
        latenciesMs.push(performance.now() - began);
        sentAt.push(sendTime);
        acceptedEvents += accepted;
      },
      (error: Error) => {
        failures++;
        if (errors.length < 5) errors.push(error.message);
      },
    );
    const tracked = done.finally(() => {
      inFlight--;
      outstanding.delete(tracked);
    });
    outstanding.add(tracked);
  };

  // Batch i is due at t0 + i / rate. A 1 ms tick launches everything due; timers are coarser than
  // that under load, so batches go out in small bursts, each stamped with its real send time.
  while (started < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    while (started < due && inFlight < maxInFlight) launch(started++);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seconds = (performance.now() - t0) / 1000;
  while (outstanding.size > 0) await Promise.all(outstanding);
  const cpu = process.cpuUsage(cpuBefore);
  // Completion order is close to, not exactly, send order.
  sentAt.sort((a, b) => a - b);
  return {
    requests: latenciesMs.length,
    allRequests: latenciesMs.length,
    seconds,
    failures,
    errors,
    latenciesMs,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    sentAt,
    acceptedEvents,
    lateStarts,
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const result = spec.mode === 'rate' ? await steadyRate(spec) : await closedLoop(spec);
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
