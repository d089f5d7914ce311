import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, type Redis } from '@floorwalker/store';
import type { EngineLogger } from '../logger.ts';
import { type Backoff, backoff } from './backoff.ts';
import { ensureGroupsWithRetry, GroupReader, type StreamMessage } from './group-reader.ts';

/** Options of {@link streamLoop}. */
export interface StreamLoopOptions {
  /** Name in logs and the blocking connection's name. */
  name: string;
  redisUrl: string;
  /** Shared command connection (acknowledgements). */
  commands: Redis;
  /** The stream read, or several read as one (partitions of one stream). */
  stream: string | readonly string[];
  group: string;
  consumer: string;
  /** Field holding the entry body. Default `e`. */
  field?: string;
  logger: EngineLogger;
  /**
   * Handles a batch. Throwing leaves the batch unacknowledged: it is retried with backoff and,
   * if this process dies, reclaimed by another consumer, so the handler must be idempotent.
   */
  handle(messages: StreamMessage[]): Promise<void>;
  /** Entries read at once. Default 500. */
  batchSize?: number;
  /** Longest wait for new entries per read, ms. Default 1000. */
  blockMs?: number;
  /** Entries pending this long at another consumer are taken over, ms. Default 30000. */
  claimIdleMs?: number;
  /**
   * Least time between the starts of two batches, ms: a batch smaller than `batchSize` is
   * followed by a pause, so entries accumulate into fewer, larger batches. For handlers whose
   * cost is per batch rather than per entry (a ClickHouse insert makes a part, and parts are
   * merged in the background). Default 0 (read again at once).
   */
  minBatchIntervalMs?: number;
  retry?: Backoff;
}

/**
 * At-least-once consumption of one stream through a consumer group: read, handle, acknowledge;
 * a failing batch is retried with backoff until it succeeds or the loop stops (then it stays
 * pending for a restart or another consumer).
 */
export function streamLoop(options: StreamLoopOptions) {
  const log = options.logger;
  const retry = options.retry ?? backoff({ baseMs: 100, maxMs: 5000 });
  const blocking = connectRedis(options.redisUrl, { name: `fw-${options.name}-${options.consumer}` });
  const reader = new GroupReader({
    blocking,
    commands: options.commands,
    streams: typeof options.stream === 'string' ? [options.stream] : options.stream,
    group: options.group,
    consumer: options.consumer,
    ...(options.field !== undefined ? { field: options.field } : {}),
    claimIdleMs: options.claimIdleMs ?? 30_000,
  });
  const stopping = new AbortController();
  const stats = { entries: 0, batches: 0, failures: 0 };
  let loop: Promise<void> | undefined;

  const process = async (messages: StreamMessage[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handle(messages);
        await reader.ack(messages);
        stats.entries += messages.length;
        stats.batches++;
        return;
      } catch (error) {
        stats.failures++;
        log.warn({ err: (error as Error).message, attempt }, `${options.name}: batch failed, retrying`);
        if (!(await retry.wait(attempt, stopping.signal))) {
          reader.release(messages);
          return;
        }
      }
    }
  };

  const batchSize = options.batchSize ?? 500;
  const interval = options.minBatchIntervalMs ?? 0;
  const run = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        const messages = await reader.read(batchSize, options.blockMs ?? 1000);
        failures = 0;
        if (messages.length === 0) continue;
        const started = Date.now();
        await process(messages);
        const pause = interval - (Date.now() - started);
        if (messages.length < batchSize && pause > 0) {
          await sleep(pause, undefined, { signal: stopping.signal }).catch(() => undefined);
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures++;
        if (failures === 1 || failures % 10 === 0)
          log.warn({ err: (error as Error).message }, `${options.name}: read failed`);
        await retry.wait(failures, stopping.signal);
      }
    }
  };

  return {
    async start(): Promise<void> {
      if (!(await ensureGroupsWithRetry(reader, retry, stopping.signal, log, options.name))) return;
      loop = run();
    },
    async stop(): Promise<void> {
      stopping.abort();
      // A read blocked in XREADGROUP returns within blockMs; don't wait for it longer than needed.
      blocking.disconnect();
      await loop;
    },
    stats: () => ({ ...stats, claimed: reader.claimed }),
  };
}
export type StreamLoop = ReturnType<typeof streamLoop>;
