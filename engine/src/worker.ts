import type { AgentServerToClientEvents } from '@floorwalker/protocol';
import type { ClickHouse, LiveVisitors, Redis, RedisKeys } from '@floorwalker/store';
import type { Emitter } from '@socket.io/redis-emitter';
import type { EngineConfig } from './config.ts';
import type { PresenceRules } from './live/derive-presence.ts';
import type { EngineLogger } from './logger.ts';

/** Everything a worker may use; one per engine process. */
export interface EngineContext {
  config: EngineConfig;
  ch: ClickHouse;
  /** Shared command connection. Workers that block (XREADGROUP BLOCK) open their own from `redisUrl`. */
  redis: Redis;
  redisUrl: string;
  keys: RedisKeys;
  logger: EngineLogger;
  /** Emitter on namespace `/agent` (staff sockets), through the socket.io Redis adapter channel. */
  agents: Emitter<AgentServerToClientEvents>;
  live: LiveVisitors;
  /** Presence timing rules of live visitor state. */
  rules: PresenceRules;
  /** Clock, epoch ms (`Date.now` in production). */
  now: () => number;
}

/**
 * One long-running part of the engine (stream writer, live state, sweep, and later trigger
 * evaluation). Workers never throw out of their loops: they log, back off and continue.
 */
export interface EngineWorker {
  readonly name: string;
  /** Resolves once the worker runs (its consumer groups exist). */
  start(): Promise<void>;
  /** Finishes in-flight work where possible and releases connections. */
  stop(): Promise<void>;
  /** Counters for metrics and tests. */
  stats(): Readonly<Record<string, number>>;
}

/** Builds a worker from the engine's context; later issues add theirs to `startEngine`. */
export type WorkerFactory = (context: EngineContext) => EngineWorker;
