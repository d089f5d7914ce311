/**
 * The ingest benchmark (`npm run bench:ingest`): three figures from one run, printed as a table.
 *
 * 1. Collector vs bare Fastify: requests/s and latency of the real collector (`buildCollector`,
 *    private redis-server, rate limits off, one registered site) against a bare Fastify app that
 *    only `JSON.parse`s the same 10-event `text/plain` body. Both listen on 127.0.0.1 in this
 *    process; the load comes from a separate process (`load-process.ts`: keep-alive clients,
 *    fixed concurrency, warm-up, then a fixed counted phase), each request a fresh batch. Runs
 *    alternate collector/bare so drift in the machine's load hits both. Target: ≥ 0.5× bare.
 * 2. End to end: collector and engine (`startEngine`, embedded ClickHouse or `--clickhouse-url`)
 *    in this process, as `npm start` composes them; a generator process sends batches at a
 *    steady rate; events/s landed in ClickHouse, send-to-visible lag percentiles (method in
 *    `visibility-lag.ts`), and an exactly-once check of what landed.
 * 3. Writer vs direct insert: `benchWriter()` (same rows, same run). Target: ≥ 0.7× direct.
 *
 *   npx tsx bench/ingest/run.ts [--duration 8] [--warmup 2] [--rounds 2] [--concurrency 32]
 *     [--client http|fetch] [--e2e-duration 20] [--e2e-rate 1000] [--flush-ms 1000]
 *     [--clickhouse-url http://…] [--writer-events 100000] [--writer-rounds 2]
 *     [--parts collector,e2e,writer] [--json]
 *
 * Exits 1 when a correctness check fails (failed requests, events lost or duplicated); a missed
 * target is printed, and fails the run only with `--strict`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ClickHouse,
  connectRedis,
  ident,
  migrate,
  openEmbedded,
  openServer,
  type Redis,
  redisKeys,
  type Site,
  siteRegistry,
  sitesRepository,
  sql,
} from '@floorwalker/store';
import { buildCollector, loadCollectorConfig } from '../../collector/src/index.ts';
import { loadEngineConfig, silentLogger, startEngine } from '../../engine/src/index.ts';
import { startRedisServer } from '../../scripts/lib/redis-server.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { buildBareIngest } from './bare-server.ts';
import type { LoadResult, LoadSpec } from './load-process.ts';
import { ascending, percentile } from './percentile.ts';
import { countStoredEvents } from './stored-events.ts';
import { type VisibilitySample, visibilityLags } from './visibility-lag.ts';
import { benchWriter } from './writer.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '32' },
    client: { type: 'string', default: 'http' },
    events: { type: 'string', default: '10' },
    'e2e-duration': { type: 'string', default: '20' },
    'e2e-rate': { type: 'string', default: '1000' },
    'flush-ms': { type: 'string' },
    'clickhouse-url': { type: 'string' },
    'writer-events': { type: 'string', default: '100000' },
    'writer-rounds': { type: 'string', default: '2' },
    parts: { type: 'string', default: 'collector,e2e,writer' },
    json: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const CLIENT = values.client === 'fetch' ? 'fetch' : 'http';
const parts = new Set(values.parts.split(','));
const TARGET_COLLECTOR = 0.5;
const TARGET_WRITER = 0.7;

/** Epoch ms with sub-ms resolution, comparable with the generator process's clock. */
const epochMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadLine = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

/** A printed table: the first `textColumns` columns left-aligned, the others (numbers) right-aligned. */
function table(header: string[], rows: string[][], textColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const children = new Set<ChildProcess>();
const loadProcess = fileURLToPath(new URL('./load-process.ts', import.meta.url));

/** Runs the load generator in its own process and returns its result. */
function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', loadProcess, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

const benchSite = (siteId: string): Site => ({
  siteId,
  name: 'Bench shop',
  allowedOrigins: [],
  timezone: 'UTC',
  respectPrivacySignals: false,
  version: 1,
  deleted: false,
  updatedBy: 'bench',
  updatedAt: 0,
});

function collectorConfig(redisUrl: string, prefix: string) {
  return loadCollectorConfig({
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_PER_IP_PER_MIN: '0',
    RATE_LIMIT_PER_SITE_PER_MIN: '0',
    LOG_LEVEL: 'warn',
  });
}

function urlOf(app: { server: { address(): unknown } }): string {
  const address = app.server.address() as { port: number } | null;
  return `http://127.0.0.1:${address?.port ?? 0}/v1/events`;
}

interface ServerRun {
  server: 'collector' | 'bare';
  result: LoadResult;
  serverCpuMsPerRequest: number;
  redisCpuMsPerRequest: number;
}

/** Part 1: the collector and the bare app, alternately under the same closed-loop load. */
async function collectorVsBare(redisUrl: string, redisPid: number | undefined, redis: Redis) {
  const prefix = 'bench_http';
  const keys = redisKeys(prefix, 4);
  const collector = await buildCollector({
    config: collectorConfig(redisUrl, prefix),
    redis,
    keys,
    logger: false,
  });
  const bare = buildBareIngest();
  try {
    await collector.listen({ host: '127.0.0.1', port: 0 });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    await siteRegistry(redis, keys).publish(benchSite('site_bench'));
    const targets = { collector: urlOf(collector), bare: urlOf(bare) };
    const runs: ServerRun[] = [];
    let seq = 0;
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const server of ['collector', 'bare'] as const) {
        const cpu0 = process.cpuUsage();
        const redis0 = processCpuMs(redisPid);
        const result = await runLoad({
          mode: 'closed',
          url: targets[server],
          site: 'site_bench',
          events: EVENTS,
          client: CLIENT,
          concurrency: Number(values.concurrency),
          warmupMs: Number(values.warmup) * 1000,
          durationMs: Number(values.duration) * 1000,
          seqStart: seq,
        });
        seq += result.allRequests + result.failures + 1000;
        const cpu = process.cpuUsage(cpu0);
        runs.push({
          server,
          result,
          // This process's CPU over the whole child run (warm-up included) per request answered;
          // the idle server's timers are noise next to it.
          serverCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, result.allRequests),
          redisCpuMsPerRequest: (processCpuMs(redisPid) - redis0) / Math.max(1, result.allRequests),
        });
      }
    }
    const stored = await countStoredEvents(redis, keys);
    const collectorRuns = runs.filter((r) => r.server === 'collector');
    const expectedStored = collectorRuns.reduce((n, r) => n + r.result.allRequests * EVENTS, 0);
    return { runs, stored, expectedStored };
  } finally {
    await collector.close();
    await bare.close();
  }
}

interface ServerSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

function summarize(runs: ServerRun[]): ServerSummary {
  const latencies = ascending(runs.flatMap((r) => r.result.latenciesMs));
  return {
    requestsPerSecond: runs.reduce((s, r) => s + r.result.requests / r.result.seconds, 0) / runs.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures: runs.reduce((s, r) => s + r.result.failures, 0),
  };
}

/** Part 2: collector → Redis → engine → ClickHouse at a steady rate. */
async function endToEnd(root: string, redisUrl: string, redis: Redis) {
  const prefix = 'bench_e2e';
  const keys = redisKeys(prefix, 4);
  const serverUrl = values['clickhouse-url'];
  const database = `bench_e2e_${Date.now()}`;
  const ch: ClickHouse = serverUrl
    ? await openServer({ url: serverUrl, database })
    : await openEmbedded({ path: join(root, 'chdb-e2e'), database });
  const siteId = 'site_bench_e2e';
  let engine: Awaited<ReturnType<typeof startEngine>> | undefined;
  let collector: Awaited<ReturnType<typeof buildCollector>> | undefined;
  const polling = { stop: false };
  try {
    await migrate(ch);
    await sitesRepository(ch).save({ ...benchSite(siteId) }, 'bench');
    const engineConfig = loadEngineConfig({
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      ENGINE_CONSUMER: 'bench-engine',
      LOG_LEVEL: 'warn',
      ...(values['flush-ms'] ? { ENGINE_FLUSH_MS: values['flush-ms'] } : {}),
    });
    // Mirrors the site into Redis for the collector, as at every engine start.
    engine = await startEngine({ config: engineConfig, ch, redisUrl, keys, logger: silentLogger });
    collector = await buildCollector({
      config: collectorConfig(redisUrl, prefix),
      redis,
      keys,
      logger: false,
    });
    await collector.listen({ host: '127.0.0.1', port: 0 });

    const events = ch.table('events');
    const countVisible = async () =>
      Number(
        (await ch.query<{ n: number }>(sql`SELECT count() AS n FROM ${events} WHERE site_id = ${siteId}`))[0]
          ?.n,
      );
    const samples: VisibilitySample[] = [];
    const poller = (async () => {
      // Every 50 ms (or as fast as the query answers when it takes longer).
      while (!polling.stop) {
        const t0 = performance.now();
        samples.push({ count: await countVisible(), at: epochMs() });
        await sleep(Math.max(0, 50 - (performance.now() - t0)));
      }
    })();

    const eventsPerSecond = Number(values['e2e-rate']);
    const result = await runLoad({
      mode: 'rate',
      url: urlOf(collector),
      site: siteId,
      events: EVENTS,
      client: CLIENT,
      batchesPerSecond: eventsPerSecond / EVENTS,
      durationMs: Number(values['e2e-duration']) * 1000,
      maxInFlight: 256,
      seqStart: 0,
    });
    const sent = result.acceptedEvents ?? 0;
    // Drain: wait until everything accepted is visible (or 60 s passed).
    const drainDeadline = performance.now() + 60_000;
    while ((samples.at(-1)?.count ?? 0) < sent && performance.now() < drainDeadline) await sleep(50);
    polling.stop = true;
    await poller;

    const [check] = await ch.query<{ rows: number; ids: number }>(
      sql`SELECT count() AS rows, uniqExact(event_id) AS ids FROM ${events} FINAL WHERE site_id = ${siteId}`,
    );
    const rawRows = await countVisible();
    const sentAt = result.sentAt ?? [];
    const { lagsMs, unseen } = visibilityLags(sentAt, EVENTS, samples);
    const lags = ascending(lagsMs);
    const firstSend = sentAt[0] ?? Number.NaN;
    // Landing rate between the first and the last insert seen (the rows of the first one landed
    // before the window opens): the writer's pace, without the lag of the first events.
    const firstSeen = samples.find((s) => s.count > 0);
    const lastSeen = samples.find((s) => s.count >= sent);
    const writer = engine.stats().writer ?? {};
    return {
      storage: serverUrl ? `ClickHouse server ${await ch.version()}` : `embedded chDB ${await ch.version()}`,
      flushMs: engineConfig.ENGINE_FLUSH_MS,
      batchRows: engineConfig.ENGINE_BATCH_ROWS,
      offeredEventsPerSecond: eventsPerSecond,
      sentEventsPerSecond: sent / result.seconds,
      sent,
      failures: result.failures,
      errors: result.errors,
      lateStarts: result.lateStarts ?? 0,
      landedEventsPerSecond: sent / (((lastSeen?.at ?? Number.NaN) - firstSend) / 1000),
      insertWindowEventsPerSecond:
        firstSeen && lastSeen && lastSeen.at > firstSeen.at
          ? (lastSeen.count - firstSeen.count) / ((lastSeen.at - firstSeen.at) / 1000)
          : Number.NaN,
      lagMs: {
        p50: percentile(lags, 50),
        p95: percentile(lags, 95),
        p99: percentile(lags, 99),
        max: lags.at(-1),
      },
      unseen,
      polls: samples.length,
      requestP50Ms: percentile(ascending(result.latenciesMs), 50),
      requestP99Ms: percentile(ascending(result.latenciesMs), 99),
      clientCpuPercent: result.clientCpuPercent,
      rows: Number(check?.rows),
      rawRows,
      uniqueIds: Number(check?.ids),
      inserts: writer.inserts ?? 0,
      exactlyOnce: Number(check?.rows) === sent && Number(check?.ids) === sent && rawRows === sent,
    };
  } finally {
    polling.stop = true;
    await collector?.close();
    await engine?.stop();
    if (serverUrl) await ch.exec(sql`DROP DATABASE IF EXISTS ${ident(database)}`).catch(() => undefined);
    await ch.close();
  }
}

// ------------------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'fw-bench-ingest-'));
const started = performance.now();
const loadAtStart = loadLine();
let redisServer: Awaited<ReturnType<typeof startRedisServer>> | undefined;
let redis: Redis | undefined;
const problems: string[] = [];
const missedTargets: string[] = [];
const summary: Record<string, unknown> = {};

const stopChildren = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', () => {
  stopChildren();
  process.exitCode = 130;
});

console.log(
  `Ingest benchmark — node ${process.version}, ${cpus().length} CPUs, ${EVENTS} events per batch, ` +
    `load average ${loadAtStart} (1/5/15 min) at start`,
);
try {
  // Production runs Redis with AOF (`npm start` too), so the collector's appends pay for it here.
  redisServer = await startRedisServer({ dataDir: join(root, 'redis'), appendOnly: true });
  redis = connectRedis(redisServer.url, { name: 'bench-ingest' });
  const redisPid = redisServer.process()?.pid;

  if (parts.has('collector')) {
    const { runs, stored, expectedStored } = await collectorVsBare(redisServer.url, redisPid, redis);
    console.log(
      `\n1. Collector vs bare Fastify — ${values.concurrency} keep-alive clients (${CLIENT}) in a separate process, ` +
        `${values.warmup} s warm-up + ${values.duration} s counted per run, alternating`,
    );
    console.log(
      table(
        [
          'run',
          'server',
          'req/s',
          'events/s',
          'p50 ms',
          'p99 ms',
          'server CPU ms/req',
          'redis CPU ms/req',
          'client CPU %',
          'failures',
        ],
        runs.map((r, i) => {
          const lat = ascending(r.result.latenciesMs);
          const rps = r.result.requests / r.result.seconds;
          return [
            String(i + 1),
            r.server,
            fmt(rps),
            fmt(rps * EVENTS),
            fmt(percentile(lat, 50), 1),
            fmt(percentile(lat, 99), 1),
            fmt(r.serverCpuMsPerRequest, 3),
            r.server === 'collector' ? fmt(r.redisCpuMsPerRequest, 3) : '–',
            fmt(r.result.clientCpuPercent),
            String(r.result.failures),
          ];
        }),
        2,
      ),
    );
    const c = summarize(runs.filter((r) => r.server === 'collector'));
    const b = summarize(runs.filter((r) => r.server === 'bare'));
    const ratio = c.requestsPerSecond / b.requestsPerSecond;
    console.log(
      table(
        ['mean', 'req/s', 'p50 ms', 'p99 ms'],
        [
          ['collector', fmt(c.requestsPerSecond), fmt(c.p50Ms, 1), fmt(c.p99Ms, 1)],
          ['bare Fastify', fmt(b.requestsPerSecond), fmt(b.p50Ms, 1), fmt(b.p99Ms, 1)],
        ],
      ),
    );
    const verdict = ratio >= TARGET_COLLECTOR ? 'met' : 'MISSED';
    console.log(`  ratio collector / bare: ${ratio.toFixed(2)} (target ≥ ${TARGET_COLLECTOR}: ${verdict})`);
    // CPU per request is steadier than req/s on a shared machine, and predicts the ratio on a
    // dedicated one where the server, not the client, is the bottleneck.
    const cpuPerRequest = (server: 'collector' | 'bare') => {
      const own = runs.filter((r) => r.server === server);
      const redisShare = server === 'collector' ? own.reduce((n, r) => n + r.redisCpuMsPerRequest, 0) : 0;
      return (own.reduce((n, r) => n + r.serverCpuMsPerRequest, 0) + redisShare) / own.length;
    };
    const cpuCollector = cpuPerRequest('collector');
    const cpuBare = cpuPerRequest('bare');
    console.log(
      `  CPU per request (server process + redis-server): collector ${cpuCollector.toFixed(3)} ms, ` +
        `bare ${cpuBare.toFixed(3)} ms → CPU-bound ratio ${(cpuBare / cpuCollector).toFixed(2)} (context, not the target)`,
    );
    console.log(`  collector stored ${fmt(stored)} of ${fmt(expectedStored)} accepted events in its streams`);
    for (const r of runs) for (const e of r.result.errors) console.log(`  ${r.server} error: ${e}`);
    if (c.failures + b.failures > 0) problems.push(`${c.failures + b.failures} failed requests`);
    if (stored !== expectedStored)
      problems.push(`collector streams hold ${stored}, expected ${expectedStored}`);
    if (ratio < TARGET_COLLECTOR) missedTargets.push('collector ≥ 0.5× bare');
    summary.collector = {
      collector: c,
      bare: b,
      ratio,
      cpuMsPerRequest: { collector: cpuCollector, bare: cpuBare },
      runs: runs.length,
      stored,
      expectedStored,
    };
  }

  if (parts.has('e2e')) {
    const e = await endToEnd(root, redisServer.url, redis);
    console.log(
      `\n2. End to end — collector + engine in this process, ${e.storage}, ENGINE_FLUSH_MS ${e.flushMs}, ` +
        `ENGINE_BATCH_ROWS ${e.batchRows}; generator process at ${fmt(e.offeredEventsPerSecond)} events/s ` +
        `for ${values['e2e-duration']} s; lag = send → visible to count() polled every 50 ms`,
    );
    console.log(
      table(
        [
          'sent events/s',
          'landed events/s',
          'landed, first→last insert',
          'lag p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'req p50 ms',
          'req p99 ms',
        ],
        [
          [
            fmt(e.sentEventsPerSecond),
            fmt(e.landedEventsPerSecond),
            fmt(e.insertWindowEventsPerSecond),
            fmt(e.lagMs.p50),
            fmt(e.lagMs.p95),
            fmt(e.lagMs.p99),
            fmt(e.lagMs.max ?? Number.NaN),
            fmt(e.requestP50Ms, 1),
            fmt(e.requestP99Ms, 1),
          ],
        ],
      ),
    );
    console.log(
      `  sent ${fmt(e.sent)} events (${e.failures} failed requests, ${e.lateStarts} batches sent > 100 ms late); ` +
        `ClickHouse: count() FINAL ${fmt(e.rows)}, uniqExact(event_id) ${fmt(e.uniqueIds)}, rows without FINAL ${fmt(e.rawRows)} ` +
        `in ${fmt(e.inserts)} inserts → ${e.exactlyOnce ? 'exactly once' : 'NOT exactly once'}`,
    );
    for (const error of e.errors) console.log(`  error: ${error}`);
    if (!e.exactlyOnce)
      problems.push(`end to end: sent ${e.sent}, stored ${e.rows} (${e.uniqueIds} ids, ${e.rawRows} raw)`);
    if (e.failures > 0) problems.push(`end to end: ${e.failures} failed requests`);
    summary.endToEnd = e;
  }

  if (parts.has('writer')) {
    const w = await benchWriter({
      events: Number(values['writer-events']),
      rounds: Number(values['writer-rounds']),
    });
    console.log(
      `\n3. Writer vs direct insert — ${fmt(w.events)} events, batches of ${fmt(w.batchRows)}, embedded chDB, ` +
        `best of ${values['writer-rounds']} alternating rounds`,
    );
    console.log(
      table(
        ['path', 'rows/s'],
        [
          ['engine writer (stream → ClickHouse, acked)', fmt(w.writerRowsPerSecond)],
          ['direct ch.insert of the same rows', fmt(w.directRowsPerSecond)],
        ],
      ),
    );
    const verdict = w.ratio >= TARGET_WRITER ? 'met' : 'MISSED';
    console.log(`  ratio writer / direct: ${w.ratio.toFixed(2)} (target ≥ ${TARGET_WRITER}: ${verdict})`);
    if (w.ratio < TARGET_WRITER) missedTargets.push('writer ≥ 0.7× direct');
    summary.writer = w;
  }
} catch (error) {
  problems.push(`run failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  stopChildren();
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(root, { recursive: true, force: true });
}

console.log(
  `\nload average ${loadAtStart} at start, ${loadLine()} at end (1/5/15 min, ${cpus().length} CPUs; other jobs ` +
    `on the machine distort wall-clock figures); took ${fmt((performance.now() - started) / 1000)} s`,
);
for (const p of problems) console.log(`PROBLEM: ${p}`);
if (missedTargets.length > 0) console.log(`targets missed: ${missedTargets.join(', ')}`);
if (values.json) console.log(JSON.stringify({ loadAtStart, loadAtEnd: loadLine(), ...summary, problems }));
if (problems.length > 0 || (values.strict && missedTargets.length > 0)) process.exitCode = 1;
