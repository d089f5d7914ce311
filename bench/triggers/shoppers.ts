/**
 * The simulated shoppers of the trigger benchmark, in a process of their own (they are browsers,
 * not part of the server). Each opens a socket.io-client tab on the collector's `/visitor`
 * namespace, then sends a checkout `page_view` to `POST /v1/events`; arrivals are spread evenly
 * over the ramp. Prints one JSON line: invitation latencies (ms after page view + threshold) with
 * the second of the run each threshold fell in, shoppers invited, duplicates, failures, this
 * process's CPU time and its event-loop delay (the shoppers' own delay is part of what they
 * measure).
 *
 *   tsx bench/triggers/shoppers.ts <collectorUrl> <siteId> <visitors> <thresholdSeconds> <rampSeconds>
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type {
  InvitationMessage,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@floorwalker/protocol';
import { io as connect, type Socket } from 'socket.io-client';

const [base = '', siteId = '', visitorsText = '0', thresholdText = '3', rampText = '10'] =
  process.argv.slice(2);
const visitors = Number(visitorsText);
const thresholdS = Number(thresholdText);
const rampS = Number(rampText);
const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sockets: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>[] = [];
const latencies: number[] = [];
/** Second of the run (from the first arrival) in which each latency's threshold fell. */
const dueSeconds: number[] = [];
const received = new Map<string, InvitationMessage[]>();
let failures = 0;

async function shopper(n: number): Promise<void> {
  // Unique per run: the site id carries the run number.
  const id = `${siteId.replace('site_bench_', '')}x${n}`.padStart(12, '0');
  const visitorId = `v_${id}`;
  const sessionId = `s_${id}`;
  const pageViewId = `pv_${id}`;
  const socket: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents> = connect(
    `${base}/visitor`,
    {
      auth: { site: siteId, visitorId, sessionId, pageViewId },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    },
  );
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ts = Date.now();
  socket.on('invitation', (message) => {
    const dueAt = ts + thresholdS * 1000;
    latencies.push(Date.now() - dueAt);
    dueSeconds.push(Math.floor((dueAt - started) / 1000));
    const list = received.get(visitorId) ?? [];
    list.push(message);
    received.set(visitorId, list);
  });
  const body = JSON.stringify({
    site: siteId,
    sentAt: ts,
    events: [
      {
        type: 'page_view',
        id: randomUUID(),
        ts,
        visitorId,
        sessionId,
        pageViewId,
        url: 'https://shop.example/checkout/payment',
        title: 'Payment',
      },
    ],
  });
  const status = await post(body);
  if (status !== 200) failures++;
}

// node:http with a keep-alive agent: about a third of fetch's CPU per request, so the simulated
// shoppers leave more of this 2-core machine to the engine and collector under test.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/v1/events`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': chrome,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const started = Date.now();
const arrivals: Promise<void>[] = [];
for (let n = 0; n < visitors; n++) {
  const wait = started + (n * rampS * 1000) / visitors - Date.now();
  if (wait > 0) await sleep(wait);
  arrivals.push(
    shopper(n).catch(() => {
      failures++;
    }),
  );
}
await Promise.all(arrivals);
const deadline = Date.now() + thresholdS * 1000 + 15_000;
while (received.size < visitors - failures && Date.now() < deadline) await sleep(100);
await sleep(1500); // a duplicate would arrive in this time
for (const s of sockets) s.close();
const duplicates = [...received.values()].filter((list) => list.length > 1).length;
console.log(
  JSON.stringify({
    latencies,
    dueSeconds,
    cpuMs: Math.round(cpuMs()),
    loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    invited: received.size,
    duplicates,
    failures,
    seconds: (Date.now() - started) / 1000,
  }),
);
process.exit(0);
