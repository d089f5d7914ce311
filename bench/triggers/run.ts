/**
 * Invitation latency through the real pipeline: N simulated shoppers, each a socket.io-client
 * tab on the collector's `/visitor` namespace, send a checkout `page_view` to `POST /v1/events`;
 * collector → Redis stream → engine live state → trigger evaluation → BullMQ delayed check at
 * the threshold → decision → socket.io Redis emitter → collector → tab. Latency is the time from
 * the threshold (page view time + threshold) to the invitation arriving in the tab.
 *
 *   npx tsx bench/triggers/run.ts [--visitors 1000,5000] [--threshold 3] [--ramp 10] [--warmup 2000]
 *
 * Shoppers arrive evenly over `--ramp` seconds. As deployed, the engine (this process, embedded
 * ClickHouse), the collector and the shoppers (browsers) run in three processes on one Redis; all
 * share this machine's CPUs. The run checks that every shopper got exactly one invitation.
 *
 * A deployment's engine and collector run for days; their first seconds (JIT compilation, first
 * script loads, first ClickHouse inserts) are not what a shopper meets. `--warmup N` first runs N
 * shoppers over the same ramp and prints that run as `warmup` (0 skips it; its figures are the
 * cold-start ones). Per run it also prints the p99 per second of the run (when the spikes were),
 * CPU ms per shopper of each process (engine, collector, redis-server, shoppers: the figure a
 * busy machine distorts least), and the event-loop delay of the engine and the shoppers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type TriggerDraft, triggerDraft, type VisitorState } from '@floorwalker/protocol';
import {
  availability,
  connectRedis,
  openEmbedded,
  redisKeys,
  siteRegistry,
  triggerChanges,
  triggersRepository,
} from '@floorwalker/store';
import { loadEngineConfig, silentLogger, startEngine } from '../../engine/src/index.ts';
import { evaluateRule } from '../../engine/src/rules/index.ts';
import { startRedisServer } from '../../scripts/lib/redis-server.ts';
import { processCpuMs } from '../lib/process-cpu.ts';

const { values } = parseArgs({
  options: {
    visitors: { type: 'string', default: '1000,5000' },
    threshold: { type: 'string', default: '3' },
    ramp: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2000' },
  },
});
const scales = values.visitors.split(',').map(Number);
const thresholdS = Number(values.threshold);
const rampS = Number(values.ramp);
const warmup = Number(values.warmup);

const dir = mkdtempSync(join(tmpdir(), 'fw-bench-triggers-'));
const redisServer = await startRedisServer({ dataDir: join(dir, 'redis'), appendOnly: false });
const prefix = `bench${Date.now()}`;
const keys = redisKeys(prefix, 4);
const redis = connectRedis(redisServer.url, { name: 'bench-triggers' });
const ch = await openEmbedded({ path: join(dir, 'chdb'), database: 'bench' });

const tsx = [process.execPath, '--import', 'tsx'];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Runs a child process; resolves with its first stdout line that parses as JSON. */
function child(args: string[]): { json: Promise<Record<string, unknown>>; process: ChildProcess } {
  const proc = spawn(tsx[0]!, [...tsx.slice(1), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const json = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        try {
          resolve(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not our line
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { json, process: proc };
}

const collector = child([here('./collector-process.ts'), redisServer.url, prefix]);
const base = String((await collector.json).url);

const engine = await startEngine({
  config: loadEngineConfig({
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: prefix,
    ENGINE_CONSUMER: 'bench-engine',
    INVITATION_TTL_SECONDS: '600',
    LOG_LEVEL: 'warn',
  }),
  ch,
  redisUrl: redisServer.url,
  keys,
  logger: silentLogger,
});

const rule: TriggerDraft = {
  name: 'Checkout help',
  conditions: {
    type: 'all',
    conditions: [
      { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
      { type: 'time_on_page', compare: { op: 'gte', value: thresholdS } },
      { type: 'not', condition: { type: 'country', in: ['XX'] } },
    ],
  },
  action: {
    type: 'invite',
    message: { default: 'Need a hand with your order?' },
    sender: { type: 'team', name: 'Support' },
  },
  controls: { holdoutPercent: 0 },
};

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

let runs = 0;
async function run(visitors: number) {
  // A site per run: the visitors of an earlier run are invited already.
  const siteId = `site_bench_${++runs}_${visitors}`;
  await siteRegistry(redis, keys).publish({
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
  await triggersRepository(ch).save({ siteId, rule, author: 'bench' });
  await triggerChanges(redis, keys).publish(siteId);
  const agents = availability(redis, keys);
  const heartbeat = setInterval(() => {
    void agents.setAgent(siteId, {
      agentId: 'agent_bench',
      name: 'Bench',
      teams: [],
      maxChats: 1_000_000,
      activeChats: 0,
      status: 'online',
      lastSeenAt: Date.now(),
    });
  }, 10_000);
  await agents.setAgent(siteId, {
    agentId: 'agent_bench',
    name: 'Bench',
    teams: [],
    maxChats: 1_000_000,
    activeChats: 0,
    status: 'online',
    lastSeenAt: Date.now(),
  });

  const statsBefore = engine.stats().triggers ?? {};
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const mainThreadCpu0 = processCpuMs(process.pid, process.pid);
  const collectorCpu0 = processCpuMs(collector.process.pid);
  const redisCpu0 = processCpuMs(redisServer.process()?.pid);
  const started = Date.now();
  const shoppers = child([
    here('./shoppers.ts'),
    base,
    siteId,
    String(visitors),
    String(thresholdS),
    String(rampS),
  ]);
  const out = (await shoppers.json) as {
    latencies: number[];
    dueSeconds: number[];
    invited: number;
    duplicates: number;
    failures: number;
    cpuMs: number;
    loopDelayMs: { p99: number; max: number };
  };
  const seconds = (Date.now() - started) / 1000;
  loopDelay.disable();
  const cpu = process.cpuUsage(cpu0);
  const perShopper = (ms: number) => Math.round((ms / visitors) * 100) / 100;
  const cpuMsPerShopper = {
    engine: perShopper((cpu.user + cpu.system) / 1000),
    // Of which the JavaScript thread; the rest is mostly embedded ClickHouse's threads.
    engineMainThread: perShopper(processCpuMs(process.pid, process.pid) - mainThreadCpu0),
    collector: perShopper(processCpuMs(collector.process.pid) - collectorCpu0),
    redis: perShopper(processCpuMs(redisServer.process()?.pid) - redisCpu0),
    shoppers: perShopper(out.cpuMs),
  };
  const bySecond = new Map<number, number[]>();
  out.latencies.forEach((latency, i) => {
    const second = out.dueSeconds[i] ?? -1;
    bySecond.set(second, [...(bySecond.get(second) ?? []), latency]);
  });
  const p99BySecond = Object.fromEntries(
    [...bySecond]
      .sort((a, b) => a[0] - b[0])
      .map(([second, list]) => [
        second,
        pct(
          list.sort((a, b) => a - b),
          99,
        ),
      ]),
  );
  clearInterval(heartbeat);
  const statsAfter = engine.stats().triggers ?? {};
  const latencies = out.latencies.sort((a, b) => a - b);
  const delta = (k: string) => (statsAfter[k] ?? 0) - (statsBefore[k] ?? 0);
  return {
    visitors,
    thresholdSeconds: thresholdS,
    rampSeconds: rampS,
    invited: out.invited,
    missing: visitors - out.invited,
    duplicates: out.duplicates,
    failures: out.failures,
    latencyMs: {
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      max: latencies.at(-1),
    },
    p99BySecond,
    cpuMsPerShopper,
    loopDelayMs: {
      engine: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      shoppers: out.loopDelayMs,
    },
    // Rule evaluations done by the engine during the run (state changes and timer checks).
    engineRuleEvaluations: delta('eval_ruleEvaluations'),
    engineVisitorEvaluations: delta('eval_evaluations'),
    recorderBatches: delta('recorder_batches'),
    engineRuleEvaluationsPerSecond: Math.round(delta('eval_ruleEvaluations') / seconds),
  };
}

/** Raw evaluator speed (one core, no I/O): how many rule evaluations the engine can afford. */
function evaluatorThroughput(): number {
  const now = Date.now();
  const state: VisitorState = {
    siteId: 's',
    visitorId: 'v',
    sessionId: 'se',
    status: 'checkout',
    presence: 'online',
    currentPage: {
      pageViewId: 'p',
      url: 'https://shop.example/checkout',
      path: '/checkout',
      title: 'Checkout',
      enteredAt: now - 5000,
    },
    sessionStartedAt: now - 60_000,
    lastActivityAt: now,
    lastSeenAt: now,
    pagesThisSession: 3,
    visitCount: 1,
    returning: false,
    referrer: '',
    utm: { source: '', medium: '', campaign: '', term: '', content: '' },
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: 'DE',
    language: 'de',
    cart: { value: 120, currency: 'EUR', items: 2 },
    scrollDepth: 40,
    engagedMs: 30_000,
    tabs: 1,
    identified: {},
    recentEvents: [],
    purchased: false,
  };
  const parsed = { conditions: triggerDraft.parse(rule).conditions };
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) evaluateRule(parsed, { state, now: now + i, timezone: 'UTC' });
  return Math.round(n / ((performance.now() - t0) / 1000));
}

try {
  if (warmup > 0) console.log(JSON.stringify({ warmup: await run(warmup) }));
  const results = [];
  for (const visitors of scales) {
    const result = await run(visitors);
    results.push(result);
    console.log(JSON.stringify(result));
  }
  console.log(JSON.stringify({ evaluatorRuleEvaluationsPerSecond: evaluatorThroughput() }));
  const worst = results.find((r) => r.visitors === 5000);
  if (worst) console.log(`p99 at 5k visitors: ${worst.latencyMs.p99} ms (target ≤ 100 ms)`);
} finally {
  await engine.stop();
  const exited = new Promise((resolve) => collector.process.once('exit', resolve));
  collector.process.kill('SIGTERM');
  await exited;
  redis.disconnect();
  await ch.close();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
