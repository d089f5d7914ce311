import type { AgentServerToClientEvents } from '@floorwalker/protocol';
import {
  type ClickHouse,
  connectRedis,
  liveVisitors,
  migrate,
  type RedisKeys,
  siteRegistry,
  sitesRepository,
} from '@floorwalker/store';
import { Emitter } from '@socket.io/redis-emitter';
import type { EngineConfig } from './config.ts';
import { DEFAULT_CHECKOUT_PATH, type PresenceRules } from './live/derive-presence.ts';
import { liveStateWorker } from './live/live-state.ts';
import { liveSweepWorker } from './live/live-sweep.ts';
import { createLogger, type EngineLogger } from './logger.ts';
import { trimConsumedWorker } from './streams/trim-consumed.ts';
import { type TriggersWorkerOptions, triggersWorker } from './triggers/triggers-worker.ts';
import type { EngineContext, EngineWorker, WorkerFactory } from './worker.ts';
import { streamWriter } from './writer/stream-writer.ts';

export { type EngineConfig, loadEngineConfig } from './config.ts';
export { applyEvent } from './live/apply-event.ts';
export { DEFAULT_CHECKOUT_PATH, derivePresence, type PresenceRules } from './live/derive-presence.ts';
export { type LiveStateWorker, liveStateWorker } from './live/live-state.ts';
export { type LiveSweep, liveSweepWorker } from './live/live-sweep.ts';
export { updateVisitor } from './live/update-visitor.ts';
export type { VisitorMeta, VisitorModel } from './live/visitor-model.ts';
export { createLogger, type EngineLogger, silentLogger } from './logger.ts';
export { backoff } from './streams/backoff.ts';
export { GroupReader, type StreamMessage } from './streams/group-reader.ts';
export { type TrimConsumed, trimConsumedWorker } from './streams/trim-consumed.ts';
// --- triggers and invitations (issue 4) ---
export * from './triggers/index.ts';
export type { EngineContext, EngineWorker, WorkerFactory } from './worker.ts';
export { type StreamWriter, streamWriter, type WriterStats } from './writer/stream-writer.ts';

/** Collaborators of {@link startEngine}. */
export interface EngineDeps {
  config: EngineConfig;
  ch: ClickHouse;
  redisUrl: string;
  keys: RedisKeys;
  /** Default: pino at `config.LOG_LEVEL`. */
  logger?: EngineLogger;
  /**
   * Workers to run. Default {@link defaultWorkers}: writer, live state, live sweep, stream trim.
   * Later issues append theirs: `workers: [...defaultWorkers, triggerWorker]`.
   */
  workers?: readonly WorkerFactory[];
  /** Overrides of the presence rules derived from the config (tests use short grace periods). */
  presence?: Partial<PresenceRules>;
  /** Clock of the live state, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** A running engine. */
export interface Engine {
  context: EngineContext;
  /** The running workers, by name. */
  workers: ReadonlyMap<string, EngineWorker>;
  /** Every worker's counters, by worker name. */
  stats(): Record<string, Readonly<Record<string, number>>>;
  /** Stops the workers (flushing what they hold where possible) and closes Redis connections. */
  stop(): Promise<void>;
}

/** Presence rules from the configuration. */
export function presenceRules(config: EngineConfig, overrides: Partial<PresenceRules> = {}): PresenceRules {
  const leftMs = config.VISITOR_LEFT_SECONDS * 1000;
  return {
    idleMs: config.VISITOR_IDLE_SECONDS * 1000,
    leftMs,
    leaveGraceMs: Math.min(10_000, leftMs),
    tabAliveMs: 60_000,
    stateTtlMs: config.VISITOR_STATE_TTL_SECONDS * 1000,
    checkoutPath: DEFAULT_CHECKOUT_PATH,
    ...overrides,
  };
}

/** The ClickHouse writer. */
export const writerWorker: WorkerFactory = (ctx) =>
  streamWriter({
    ch: ctx.ch,
    redis: ctx.redis,
    redisUrl: ctx.redisUrl,
    streams: ctx.keys.eventStreams(),
    consumer: ctx.config.ENGINE_CONSUMER,
    logger: ctx.logger,
    flushMs: ctx.config.ENGINE_FLUSH_MS,
    batchRows: ctx.config.ENGINE_BATCH_ROWS,
  });

// --- triggers and invitations (issue 4) ---
/** Options of the trigger worker a test or benchmark may override (timings). */
export type TriggerWorkerOverrides = Partial<
  Omit<
    TriggersWorkerOptions,
    'ch' | 'redis' | 'redisUrl' | 'keys' | 'live' | 'liveDeps' | 'logger' | 'consumer'
  >
>;

/** Trigger evaluation, timers, invitations, visitor signals and the decision log. */
export function triggerWorkerFactory(overrides: TriggerWorkerOverrides = {}): WorkerFactory {
  return (ctx) =>
    triggersWorker({
      ch: ctx.ch,
      redis: ctx.redis,
      redisUrl: ctx.redisUrl,
      keys: ctx.keys,
      live: ctx.live,
      liveDeps: { live: ctx.live, agents: ctx.agents, rules: ctx.rules, now: ctx.now },
      logger: ctx.logger,
      consumer: ctx.config.ENGINE_CONSUMER,
      holdoutSalt: ctx.config.TRIGGER_HOLDOUT_SALT,
      invitationTtlMs: ctx.config.INVITATION_TTL_SECONDS * 1000,
      pacingRetryMs: ctx.config.TRIGGER_PACING_RETRY_SECONDS * 1000,
      ...overrides,
    });
}

/** The trigger worker with the configured defaults (part of {@link defaultWorkers}). */
export const triggerWorker: WorkerFactory = triggerWorkerFactory();
// --- end triggers ---

/** Engine workers every deployment runs. */
export const defaultWorkers: readonly WorkerFactory[] = [
  writerWorker,
  (ctx) =>
    liveStateWorker({
      live: ctx.live,
      agents: ctx.agents,
      redis: ctx.redis,
      redisUrl: ctx.redisUrl,
      streams: ctx.keys.eventStreams(),
      consumer: ctx.config.ENGINE_CONSUMER,
      rules: ctx.rules,
      logger: ctx.logger,
      memoryTtlMs: ctx.config.VISITOR_MEMORY_DAYS * 86_400_000,
      now: ctx.now,
    }),
  (ctx) =>
    liveSweepWorker({
      live: ctx.live,
      agents: ctx.agents,
      rules: ctx.rules,
      logger: ctx.logger,
      now: ctx.now,
    }),
  (ctx) => trimConsumedWorker({ redis: ctx.redis, streams: ctx.keys.eventStreams(), logger: ctx.logger }),
  triggerWorker, // triggers and invitations (issue 4)
];

/**
 * Starts the engine: applies ClickHouse migrations, mirrors the sites into Redis for the
 * collector, and starts the workers (stream writer, live visitor state and its sweep, stream
 * trimming, plus any the caller adds).
 */
export async function startEngine(deps: EngineDeps): Promise<Engine> {
  const { config, ch, keys } = deps;
  const logger = deps.logger ?? createLogger(config.LOG_LEVEL);
  await migrate(ch);
  const redis = connectRedis(deps.redisUrl, { name: `fw-engine-${config.ENGINE_CONSUMER}` });
  try {
    await siteRegistry(redis, keys).sync(await sitesRepository(ch).list());
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const context: EngineContext = {
    config,
    ch,
    redis,
    redisUrl: deps.redisUrl,
    keys,
    logger,
    agents: new Emitter<AgentServerToClientEvents>(redis, { key: keys.socketChannel }).of('/agent'),
    live: liveVisitors(redis, keys),
    rules: presenceRules(config, deps.presence),
    now: deps.now ?? Date.now,
  };
  const workers = new Map<string, EngineWorker>();
  const stopAll = async () => {
    // Reverse order: the writer (first) flushes last, after readers of its data stopped.
    for (const worker of [...workers.values()].reverse()) {
      await worker
        .stop()
        .catch((error) => logger.error({ err: error, worker: worker.name }, 'engine: stop failed'));
    }
  };
  try {
    for (const factory of deps.workers ?? defaultWorkers) {
      const worker = factory(context);
      if (workers.has(worker.name)) throw new Error(`engine: two workers named ${worker.name}`);
      workers.set(worker.name, worker);
      await worker.start();
    }
  } catch (error) {
    await stopAll();
    redis.disconnect();
    throw error;
  }
  logger.info({ consumer: config.ENGINE_CONSUMER, workers: [...workers.keys()] }, 'engine started');
  let stopped: Promise<void> | undefined;
  return {
    context,
    workers,
    stats: () => Object.fromEntries([...workers].map(([name, w]) => [name, w.stats()])),
    stop() {
      stopped ??= (async () => {
        await stopAll();
        await redis.quit().catch(() => redis.disconnect());
        logger.info({}, 'engine stopped');
      })();
      return stopped;
    },
  };
}
