import { type AgentServerToClientEvents, decodeStreamEntry, type StreamEntry } from '@floorwalker/protocol';
import type { LiveVisitors, Redis } from '@floorwalker/store';
import type { Emitter } from '@socket.io/redis-emitter';
import type { EngineLogger } from '../logger.ts';
import type { Backoff } from '../streams/backoff.ts';
import type { StreamMessage } from '../streams/group-reader.ts';
import { inParallel } from '../streams/in-parallel.ts';
import { streamLoop } from '../streams/stream-loop.ts';
import type { EngineWorker } from '../worker.ts';
import { applyEvent, type PriorVisits } from './apply-event.ts';
import type { PresenceRules } from './derive-presence.ts';
import { updateVisitor } from './update-visitor.ts';

/** Visitors of a batch updated at once (see `inParallel`). */
const PARALLEL = 32;

/** Options of {@link liveStateWorker}. */
export interface LiveStateOptions {
  live: LiveVisitors;
  agents: Emitter<AgentServerToClientEvents>;
  /** Shared command connection (acknowledgements). */
  redis: Redis;
  /** The worker opens its own blocking connection from this URL. */
  redisUrl: string;
  streams: readonly string[];
  consumer: string;
  rules: PresenceRules;
  logger: EngineLogger;
  /** How long a visitor's visit count is remembered, ms. */
  memoryTtlMs: number;
  /** Consumer group. Default `live`. */
  group?: string;
  /** Entries read at once. Default 1000. */
  batchSize?: number;
  /** Entries pending this long at a consumer are taken over, ms. Default 30000. */
  claimIdleMs?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  retry?: Backoff;
}

/** Counters of the live state worker. */
export type LiveStateStats = {
  /** Events applied. */
  applied: number;
  /** Stream entries that were not a valid entry of any version (acknowledged, skipped). */
  malformed: number;
  /** Events too old to matter for live state (acknowledged, skipped). */
  stale: number;
  updates: number;
  failures: number;
  claimed: number;
};

/** The live state worker, with typed counters. */
export interface LiveStateWorker extends EngineWorker {
  stats(): Readonly<LiveStateStats>;
}

/**
 * Maintains every visitor's live state from the event streams (consumer group `live`). Entries
 * are acknowledged after the state is written; a redelivered entry is applied once (event ids
 * are remembered per visitor). One visitor's events share a partition, so they arrive in order
 * per tab; across tabs `applyEvent` orders by server time.
 */
export function liveStateWorker(options: LiveStateOptions): LiveStateWorker {
  const log = options.logger;
  const now = options.now ?? Date.now;
  const deps = { live: options.live, agents: options.agents, rules: options.rules, now };
  const stats = { applied: 0, malformed: 0, stale: 0, updates: 0 };

  const applyVisitor = async (entries: StreamEntry[]) => {
    const first = entries[0]!;
    const siteId = first.siteId;
    const visitorId = first.event.visitorId;
    let remember: PriorVisits | undefined;
    const outcome = await updateVisitor(deps, siteId, visitorId, async (model) => {
      const startSession = model?.state.sessionId;
      let prior: PriorVisits | undefined;
      if (!model) prior = await options.live.memory(siteId, visitorId);
      let next = model;
      for (const entry of entries) next = applyEvent(next, entry, prior);
      remember =
        next && next.state.sessionId !== startSession
          ? { visits: next.state.visitCount, session: next.state.sessionId }
          : undefined;
      return next;
    });
    if (remember)
      await options.live.remember(siteId, visitorId, remember.visits, remember.session, options.memoryTtlMs);
    if (outcome === 'changed') stats.updates++;
  };

  /** Applies a batch; throwing leaves it pending, retried by the loop (each event applies once). */
  const handle = async (messages: StreamMessage[]) => {
    const byVisitor = new Map<string, StreamEntry[]>();
    const malformed: StreamMessage[] = [];
    let stale = 0;
    let events = 0;
    for (const m of messages) {
      // One entry holds one event (version 1) or the events of one batch (version 2).
      const entries = decodeStreamEntry(m.body);
      if (!entries) {
        malformed.push(m);
        continue;
      }
      events += entries.length;
      for (const entry of entries) {
        // Replaying an old backlog (a new deployment over existing streams): a visitor whose
        // state would already have been removed is not brought back to life.
        if (now() - entry.serverTs > options.rules.leftMs + options.rules.stateTtlMs) {
          stale++;
          continue;
        }
        const k = `${entry.siteId}|${entry.event.visitorId}`;
        const list = byVisitor.get(k);
        if (list) list.push(entry);
        else byVisitor.set(k, [entry]);
      }
    }
    await inParallel([...byVisitor.values()], PARALLEL, applyVisitor);
    stats.applied += events - stale;
    stats.stale += stale;
    stats.malformed += malformed.length;
    if (malformed.length > 0) log.warn({ count: malformed.length }, 'live: malformed stream entries skipped');
  };

  const loop = streamLoop({
    name: 'live',
    redisUrl: options.redisUrl,
    commands: options.redis,
    stream: options.streams,
    group: options.group ?? 'live',
    consumer: options.consumer,
    logger: log,
    handle,
    batchSize: options.batchSize ?? 1000,
    claimIdleMs: options.claimIdleMs ?? 30_000,
    ...(options.retry ? { retry: options.retry } : {}),
  });

  return {
    name: 'live',
    start: () => loop.start(),
    stop: () => loop.stop(),
    stats: () => {
      const { failures, claimed } = loop.stats();
      return { ...stats, failures, claimed };
    },
  };
}
