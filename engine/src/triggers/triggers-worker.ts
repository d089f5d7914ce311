import { QUEUES, type VisitorServerToClientEvents, visitorSignal } from '@floorwalker/protocol';
import {
  availability,
  type ClickHouse,
  connectRedis,
  type LiveChange,
  type LiveVisitors,
  type Redis,
  type RedisKeys,
  siteRegistry,
  type TriggerDecision,
  triggerChanges,
  triggerDecisions,
  triggersRepository,
} from '@floorwalker/store';
import { Emitter } from '@socket.io/redis-emitter';
import { type Job, Worker } from 'bullmq';
import type { UpdateDeps } from '../live/update-visitor.ts';
import type { EngineLogger } from '../logger.ts';
import { inParallel } from '../streams/in-parallel.ts';
import { streamLoop } from '../streams/stream-loop.ts';
import { trimConsumedWorker } from '../streams/trim-consumed.ts';
import type { EngineWorker } from '../worker.ts';
import { applySignal } from './apply-signal.ts';
import { checkQueue, type TriggerJobData } from './check-queue.ts';
import { type VisitorEvaluator, visitorEvaluator } from './evaluate-visitor.ts';
import { expireInvitation } from './expire-invitation.ts';
import { invitationDelivery } from './invitation-delivery.ts';
import { invitationStore } from './invitation-store.ts';
import { sendManualInvitation } from './manual-invitation.ts';
import { triggerCache } from './trigger-cache.ts';
import { triggerKeys } from './trigger-keys.ts';
import { VisitorBusyError, visitorLock } from './visitor-lock.ts';

/** Options of {@link triggersWorker}. Durations in ms. */
export interface TriggersWorkerOptions {
  ch: ClickHouse;
  /** Shared command connection. */
  redis: Redis;
  /** The worker opens its blocking, subscriber and BullMQ connections from this URL. */
  redisUrl: string;
  keys: RedisKeys;
  live: LiveVisitors;
  /** Live state writes (`invited` status, presence and exit intent from the visitor socket). */
  liveDeps: UpdateDeps;
  logger: EngineLogger;
  /** Consumer name in the stream groups; unique per engine process. */
  consumer: string;
  /** Holdout assignment salt. Default `floorwalker`. */
  holdoutSalt?: string;
  /** How long an unanswered invitation stays up. Default 120000. */
  invitationTtlMs?: number;
  /** Re-check delay after `suppressed_no_agent` while the visitor stays on the page. Default 30000. */
  pacingRetryMs?: number;
  /** Time checks further ahead are left to the next state change. Default 6 h. */
  horizonMs?: number;
  /** Checks processed at once by this engine (over all its check workers). Default 64. */
  checkConcurrency?: number;
  /**
   * BullMQ workers on the check queue in this engine. One worker fetches one job per Redis
   * round trip, in sequence, so with a busy event loop a single worker falls behind a burst of
   * due checks however high its concurrency; several fetch in parallel. Default 8.
   */
  checkWorkers?: number;
  /** BullMQ job lock; a job of a dead engine is retried after about this long. Default 30000. */
  jobLockMs?: number;
  /** How often BullMQ looks for jobs of dead workers. Default 15000. */
  stalledIntervalMs?: number;
  /** Claimed invitations not delivered after this long (their engine died) are resumed. Default 10000. */
  recoverAfterMs?: number;
  /** How often to look for them. Default 2000. */
  recoverEveryMs?: number;
  /** Stream entries pending this long at a dead consumer are taken over. Default 30000. */
  claimIdleMs?: number;
  /** Background refresh of cached rule sets. Default 30000. */
  cacheRefreshMs?: number;
  /**
   * Decisions are inserted into ClickHouse at most this often (in one insert each time), ms. An
   * insert per read made about 60 inserts a second at 500 invitations a second, and ClickHouse
   * spent more CPU making and merging those parts than the engine spent deciding. Default 1000.
   */
  recordEveryMs?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** The trigger worker, with handles for tests and benchmarks. */
export interface TriggersWorker extends EngineWorker {
  readonly evaluator: VisitorEvaluator;
  /** Resumes claimed invitations whose engine died, now. */
  recoverNow(): Promise<number>;
  /** Stops without draining anything, as a killed process would (tests of crash recovery). */
  kill(): Promise<void>;
}

const PARALLEL = 64;

/**
 * Trigger evaluation and invitations:
 * - consumes the live-state changes stream (group `triggers`) and evaluates each changed visitor
 *   once per batch, against the current state;
 * - runs the `trigger-checks` BullMQ queue: delayed re-checks of time conditions and invitation
 *   expiry;
 * - runs the `invitations` queue: agents' manual invitations;
 * - consumes visitor signals (group `triggers`): feedback, presence, exit intent;
 * - records every decision through a Redis outbox into ClickHouse (`trigger_decisions`);
 * - resumes invitations claimed by an engine that died before delivering them.
 */
export function triggersWorker(options: TriggersWorkerOptions): TriggersWorker {
  const log = options.logger;
  const now = options.now ?? Date.now;
  const k = triggerKeys(options.keys);
  const bull = connectRedis(options.redisUrl, {
    name: `fw-triggers-bull-${options.consumer}`,
    forBullmq: true,
  });
  const subscriber = connectRedis(options.redisUrl, { name: `fw-triggers-sub-${options.consumer}` });
  const store = invitationStore(options.redis, k);
  const agentsAvailability = availability(options.redis, options.keys);
  // Near-due checks also run on an in-process timer, so an invitation is not late by BullMQ's
  // delayed-job pickup; the BullMQ job is the durable fallback (removed once the local check ran).
  const checks = checkQueue({
    connection: bull,
    keys: options.keys,
    now,
    localTimers: {
      horizonMs: 10 * 60_000,
      fire: async (data, jobId) => {
        try {
          await evaluator.evaluate(data.siteId, data.visitorId, {
            pageViewId: data.pageViewId,
            dueAt: data.dueAt,
          });
        } catch {
          return; // busy or failing: the BullMQ job runs it instead
        }
        await checks.queue.remove(jobId).catch(() => undefined);
      },
    },
  });
  const visitors = new Emitter<VisitorServerToClientEvents>(options.redis, {
    key: options.keys.socketChannel,
  }).of('/visitor');
  const delivery = invitationDelivery({
    visitors,
    availability: agentsAvailability,
    store,
    checks,
    liveDeps: options.liveDeps,
  });
  const lock = visitorLock(options.redis);
  const cache = triggerCache({
    repository: triggersRepository(options.ch),
    sites: siteRegistry(options.redis, options.keys),
    subscriber,
    channels: [
      triggerChanges(options.redis, options.keys).channel,
      siteRegistry(options.redis, options.keys).channel,
    ],
    logger: log,
    ...(options.cacheRefreshMs !== undefined ? { refreshMs: options.cacheRefreshMs } : {}),
  });
  const invitationTtlMs = options.invitationTtlMs ?? 120_000;
  const evaluator = visitorEvaluator({
    live: options.live,
    cache,
    store,
    keys: k,
    lock,
    availability: agentsAvailability,
    delivery,
    checks,
    holdoutSalt: options.holdoutSalt ?? 'floorwalker',
    invitationTtlMs,
    pacingRetryMs: options.pacingRetryMs ?? 30_000,
    horizonMs: options.horizonMs ?? 6 * 3_600_000,
    now,
  });
  const decisions = triggerDecisions(options.ch);
  const stats = {
    malformed: 0,
    skippedIdle: 0,
    busy: 0,
    signals: 0,
    expired: 0,
    manual: 0,
    recovered: 0,
    recorded: 0,
  };

  /** A visitor busy in another evaluation: look again shortly instead of failing the batch. */
  const evaluateOrDefer = async (siteId: string, visitorId: string) => {
    try {
      await evaluator.evaluate(siteId, visitorId);
    } catch (error) {
      if (!(error instanceof VisitorBusyError)) throw error;
      stats.busy++;
      const state = await options.live.get(siteId, visitorId);
      if (state) {
        await checks.scheduleCheck({
          siteId,
          visitorId,
          pageViewId: state.currentPage.pageViewId,
          triggerId: 'retry',
          dueAt: now() + 250,
        });
      }
    }
  };

  const changes = streamLoop({
    name: 'triggers-changes',
    redisUrl: options.redisUrl,
    commands: options.redis,
    stream: options.live.changesKey,
    group: 'triggers',
    consumer: options.consumer,
    field: 'c',
    logger: log,
    ...(options.claimIdleMs !== undefined ? { claimIdleMs: options.claimIdleMs } : {}),
    async handle(messages) {
      // A batch may hold many changes of one visitor: evaluate each visitor once, at its current state.
      const changed = new Map<string, { siteId: string; visitorId: string }>();
      for (const m of messages) {
        let change: LiveChange | undefined;
        try {
          change = m.body === undefined ? undefined : options.live.parseChange(m.body);
        } catch {
          change = undefined;
        }
        if (!change) {
          stats.malformed++;
          continue;
        }
        if (change.type === 'left') {
          changed.delete(`${change.siteId}|${change.visitorId}`);
          continue;
        }
        const { siteId, visitorId, presence, status } = change.state;
        // Gone, chatting or already invited as of their latest change: the evaluation would skip
        // them after a lock and a read, so skip it here (the stream is ordered; whatever changes
        // that is a later change, evaluated then). Spares the checks' Redis time at scale.
        if (presence === 'left' || status === 'chatting' || status === 'invited') {
          changed.delete(`${siteId}|${visitorId}`);
          stats.skippedIdle++;
          continue;
        }
        changed.set(`${siteId}|${visitorId}`, { siteId, visitorId });
      }
      await inParallel([...changed.values()], PARALLEL, (v) => evaluateOrDefer(v.siteId, v.visitorId));
    },
  });

  const signals = streamLoop({
    name: 'triggers-signals',
    redisUrl: options.redisUrl,
    commands: options.redis,
    stream: options.keys.key('signals'),
    group: 'triggers',
    consumer: options.consumer,
    field: 's',
    logger: log,
    ...(options.claimIdleMs !== undefined ? { claimIdleMs: options.claimIdleMs } : {}),
    async handle(messages) {
      // In order: one visitor's shown → accepted must not be applied backwards.
      for (const m of messages) {
        let parsed: ReturnType<typeof visitorSignal.safeParse> | undefined;
        try {
          parsed = m.body === undefined ? undefined : visitorSignal.safeParse(JSON.parse(m.body));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          stats.malformed++;
          continue;
        }
        await applySignal({ store, delivery, liveDeps: options.liveDeps }, parsed.data);
        stats.signals++;
      }
    },
  });

  const recorder = streamLoop({
    name: 'triggers-recorder',
    redisUrl: options.redisUrl,
    commands: options.redis,
    stream: k.outbox,
    group: 'recorder',
    consumer: options.consumer,
    field: 'e',
    logger: log,
    batchSize: 5000,
    blockMs: 500,
    minBatchIntervalMs: options.recordEveryMs ?? 1000,
    ...(options.claimIdleMs !== undefined ? { claimIdleMs: options.claimIdleMs } : {}),
    async handle(messages) {
      const rows: TriggerDecision[] = [];
      for (const m of messages) {
        try {
          if (m.body !== undefined) rows.push(JSON.parse(m.body) as TriggerDecision);
          else stats.malformed++;
        } catch {
          stats.malformed++;
        }
      }
      await decisions.record(rows);
      stats.recorded += rows.length;
    },
  });

  const trim = trimConsumedWorker({
    redis: options.redis,
    streams: [k.outbox, options.keys.key('signals')],
    logger: log,
  });

  let checkWorkerList: Worker<TriggerJobData>[] = [];
  let manualWorker: Worker | undefined;

  const processCheck = async (job: Job<TriggerJobData>) => {
    const data = job.data;
    if (data.kind === 'expire') {
      if (await expireInvitation({ store, delivery }, data.invitationId, Math.max(data.expiresAt, 0)))
        stats.expired++;
      return;
    }
    await evaluator.evaluate(data.siteId, data.visitorId, { pageViewId: data.pageViewId, dueAt: data.dueAt });
  };

  const recoverNow = async (): Promise<number> => {
    let done = 0;
    for (const invitationId of await store.pendingBefore(now() - (options.recoverAfterMs ?? 10_000))) {
      const first = await store.load(invitationId);
      if (!first) {
        await store.forgetPending(invitationId);
        continue;
      }
      const { siteId, visitorId } = first.record;
      await lock.withLock(k.lock(siteId, visitorId), async () => {
        const stored = await store.load(invitationId);
        if (!stored || stored.stage === 'delivered') return;
        const state = await options.live.get(siteId, visitorId);
        if (stored.record.outcome === 'sent' && (!state || state.presence === 'left')) {
          // Too late to show it: the visitor is gone. Record what happened instead of pretending.
          await expireInvitation({ store, delivery }, invitationId, now(), 'visitor left before delivery');
          await store.markDelivered(invitationId);
        } else {
          await delivery.deliver(stored);
        }
        done++;
      });
    }
    stats.recovered += done;
    return done;
  };

  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  let stopped = false;
  const scheduleSweep = () => {
    if (stopped) return;
    sweepTimer = setTimeout(() => {
      sweeping = recoverNow()
        .catch((error) => log.warn({ err: (error as Error).message }, 'triggers: recovery sweep failed'))
        .finally(scheduleSweep);
    }, options.recoverEveryMs ?? 2000);
    sweepTimer.unref();
  };

  const shutdown = async (force: boolean) => {
    stopped = true;
    if (sweepTimer) clearTimeout(sweepTimer);
    await Promise.all([...checkWorkerList.map((w) => w.close(force)), manualWorker?.close(force)]);
    await Promise.all([changes.stop(), signals.stop(), recorder.stop(), trim.stop()]);
    if (!force) await sweeping;
    await checks.close();
    await cache.stop();
    if (force) bull.disconnect();
    else await bull.quit().catch(() => bull.disconnect());
  };

  return {
    name: 'triggers',
    evaluator,
    recoverNow,
    async start() {
      await cache.start();
      const workerOptions = {
        connection: bull,
        prefix: options.keys.bullPrefix,
        lockDuration: options.jobLockMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 15_000,
      };
      const workerCount = Math.max(1, options.checkWorkers ?? 8);
      const perWorker = Math.max(1, Math.ceil((options.checkConcurrency ?? 64) / workerCount));
      checkWorkerList = Array.from(
        { length: workerCount },
        () =>
          new Worker<TriggerJobData>(QUEUES.triggerChecks, processCheck, {
            ...workerOptions,
            concurrency: perWorker,
          }),
      );
      manualWorker = new Worker(
        QUEUES.invitations,
        async (job: Job) => {
          stats.manual++;
          return sendManualInvitation(
            { live: options.live, store, keys: k, lock, delivery, invitationTtlMs, now },
            String(job.id),
            job.data,
          );
        },
        { ...workerOptions, concurrency: 8 },
      );
      for (const w of [...checkWorkerList, manualWorker]) {
        w.on('error', (error) => log.warn({ err: error.message }, 'triggers: queue worker error'));
      }
      await Promise.all([...checkWorkerList.map((w) => w.waitUntilReady()), manualWorker.waitUntilReady()]);
      await Promise.all([changes.start(), signals.start(), recorder.start(), trim.start()]);
      scheduleSweep();
    },
    stop: () => shutdown(false),
    kill: () => shutdown(true),
    stats: () => ({
      ...stats,
      ...prefixed('eval', evaluator.stats()),
      ...prefixed('checks', checks.stats()),
      ...prefixed('cache', cache.stats()),
      ...prefixed('changes', changes.stats()),
      ...prefixed('recorder', recorder.stats()),
    }),
  };
}

function prefixed(prefix: string, values: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}_${key}`, value]));
}
