/**
 * Collector throughput over real HTTP: batches/s and events/s of `POST /v1/events` with
 * concurrent clients, and request latency percentiles, against a private Redis.
 *
 *   npx tsx bench/ingest/collector.ts [--batches 5000] [--events 20] [--concurrency 32]
 *
 * Clients run in the same process, so on a small machine they compete with the collector for
 * CPU; `cpuMsPerBatch` is the steadier figure. `run.ts` (`npm run bench:ingest`) measures with
 * the clients in their own process and against a bare Fastify baseline. Every batch is fresh
 * (no duplicates) and stored; the run checks that the streams hold exactly batches × events
 * entries at the end, so a fast but lossy run cannot pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectRedis, redisKeys, siteRegistry } from '@floorwalker/store';
import { buildCollector, loadCollectorConfig } from '../../collector/src/index.ts';
import { startRedisServer } from '../../scripts/lib/redis-server.ts';
import { CHROME_UA, eventBatchBody } from './event-batch.ts';
import { countStoredEvents } from './stored-events.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '5000' },
    events: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
  },
});
const batches = Number(values.batches);
const eventsPerBatch = Number(values.events);
const concurrency = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), 'fw-bench-collector-'));
const redisServer = await startRedisServer({ dataDir: dir, appendOnly: false });
const redis = connectRedis(redisServer.url, { name: 'bench-collector' });
const keys = redisKeys('bench', 4);
const config = loadCollectorConfig({
  REDIS_URL: redisServer.url,
  REDIS_PREFIX: 'bench',
  RATE_LIMIT_PER_IP_PER_MIN: '0',
  RATE_LIMIT_PER_SITE_PER_MIN: '0',
  LOG_LEVEL: 'warn',
});
const app = await buildCollector({ config, redis, keys, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/events`;
await siteRegistry(redis, keys).publish({
  siteId: 'site_bench',
  name: 'Bench',
  allowedOrigins: [],
  timezone: 'UTC',
  respectPrivacySignals: false,
  version: 1,
  deleted: false,
  updatedBy: 'bench',
  updatedAt: 0,
});

const latencies: number[] = [];
let next = 0;
let failures = 0;
const started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < batches) {
      const body = eventBatchBody('site_bench', next++, eventsPerBatch);
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME_UA },
        body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failures++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const stored = await countStoredEvents(redis, keys);
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
console.log(
  JSON.stringify(
    {
      batches,
      eventsPerBatch,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
      batchesPerSecond: Math.round(batches / seconds),
      eventsPerSecond: Math.round((batches * eventsPerBatch) / seconds),
      // CPU of this process (collector and the fetch clients together) per batch: a figure that a
      // busy machine distorts far less than wall-clock throughput.
      cpuMsPerBatch: Number(((cpu.user + cpu.system) / 1000 / batches).toFixed(2)),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
      failures,
      stored,
      complete: stored === batches * eventsPerBatch,
    },
    null,
    2,
  ),
);
await app.close();
redis.disconnect();
await redisServer.stop();
rmSync(dir, { recursive: true, force: true });
if (failures > 0 || stored !== batches * eventsPerBatch) process.exit(1);
