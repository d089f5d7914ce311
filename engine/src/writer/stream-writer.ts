import { decodeStreamEntry } from '@floorwalker/protocol';
import { type ClickHouse, connectRedis, type EventRow, type Redis, toEventRow } from '@floorwalker/store';
import type { EngineLogger } from '../logger.ts';
import { type Backoff, backoff } from '../streams/backoff.ts';
import { ensureGroupsWithRetry, GroupReader, type StreamMessage } from '../streams/group-reader.ts';
import type { EngineWorker } from '../worker.ts';
import { isDataError } from './insert-error.ts';

/** Options of {@link streamWriter}. */
export interface StreamWriterOptions {
  ch: ClickHouse;
  /** Shared command connection (acknowledgements). */
  redis: Redis;
  /** The writer opens its own blocking connection from this URL. */
  redisUrl: string;
  streams: readonly string[];
  consumer: string;
  logger: EngineLogger;
  /** Consumer group. Default `writer`. */
  group?: string;
  /** Longest time a row waits before an insert, ms. Default 1000. */
  flushMs?: number;
  /** Rows per insert. Default 10000. */
  batchRows?: number;
  /** Entries pending this long at a consumer are taken over, ms. Default 30000. */
  claimIdleMs?: number;
  /** How often to look for entries of dead consumers, ms. Default 5000. */
  claimEveryMs?: number;
  /** Retry delays while ClickHouse is down. Default 200 ms doubling up to 5 s. */
  retry?: Backoff;
  /** How long `stop()` keeps trying to insert what is buffered, ms. Default 10000. */
  stopTimeoutMs?: number;
}

/** Counters of the writer. */
export type WriterStats = {
  /** Rows inserted and acknowledged. */
  written: number;
  /** Stream entries that were not a valid entry of any version (acknowledged, skipped). */
  malformed: number;
  /** Rows ClickHouse refused for their data (isolated, logged, acknowledged). */
  rejected: number;
  inserts: number;
  insertFailures: number;
  readFailures: number;
  /** Rows read and not yet inserted. */
  buffered: number;
  /** Entries taken over from dead consumers. */
  claimed: number;
  /** Entries held (read, not acknowledged). */
  holding: number;
};

/** The writer worker, with typed counters. */
export interface StreamWriter extends EngineWorker {
  stats(): Readonly<WriterStats>;
}

interface Batch {
  rows: EventRow[];
  messages: StreamMessage[];
}

/**
 * The stream → ClickHouse writer. Reads every event stream through the `writer` consumer group,
 * batches rows (flushing every `flushMs` or `batchRows`), inserts them, and acknowledges the
 * entries only after the insert succeeded. While ClickHouse is down the insert is retried with
 * capped backoff and reading stops once a second batch is full: the backlog stays in Redis,
 * pending or unread, never dropped. One insert is in flight at a time while the next batch fills.
 *
 * Malformed entries are acknowledged and counted. Rows ClickHouse rejects for their data (parse
 * errors, which `toEventRow` should make impossible) are isolated by splitting the batch, logged
 * and counted, so one bad row never blocks the stream.
 */
export function streamWriter(options: StreamWriterOptions): StreamWriter {
  const flushMs = options.flushMs ?? 1000;
  const batchRows = options.batchRows ?? 10_000;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const retry = options.retry ?? backoff({ baseMs: 200, maxMs: 5000 });
  const log = options.logger;
  const blocking = connectRedis(options.redisUrl, { name: `fw-writer-${options.consumer}` });
  const reader = new GroupReader({
    blocking,
    commands: options.redis,
    streams: options.streams,
    group: options.group ?? 'writer',
    consumer: options.consumer,
    claimIdleMs,
    ...(options.claimEveryMs ? { claimEveryMs: options.claimEveryMs } : {}),
  });
  const stats = {
    written: 0,
    malformed: 0,
    rejected: 0,
    inserts: 0,
    insertFailures: 0,
    readFailures: 0,
    buffered: 0,
  };
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let inFlight: Promise<void> | undefined;
  let batch: Batch = { rows: [], messages: [] };
  let batchStartedAt = 0;

  /** Inserts rows; splits on data errors to isolate bad rows. Throws only when stopping. */
  const insert = async (rows: EventRow[], signal: AbortSignal): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.ch.insert('events', rows);
        stats.inserts++;
        return;
      } catch (error) {
        stats.insertFailures++;
        if (isDataError(error) && attempt >= 2) {
          if (rows.length === 1) {
            stats.rejected++;
            log.error(
              { err: error, eventId: rows[0]?.event_id },
              'writer: ClickHouse rejected an event row; dropped',
            );
            return;
          }
          const half = Math.ceil(rows.length / 2);
          await insert(rows.slice(0, half), signal);
          await insert(rows.slice(half), signal);
          return;
        }
        if (attempt === 1 || attempt % 10 === 0) {
          log.warn(
            { err: (error as Error).message, rows: rows.length, attempt },
            'writer: insert failed, retrying',
          );
        }
        if (!(await retry.wait(attempt, signal)))
          throw new Error('writer stopped before the insert succeeded');
      }
    }
  };

  /** Inserts a batch, then acknowledges it; keeps the entries from being taken over meanwhile. */
  const flush = async (full: Batch, signal: AbortSignal): Promise<void> => {
    const keepAlive = setInterval(
      () => {
        reader.touch(full.messages).catch(() => undefined);
      },
      Math.max(1000, Math.floor(claimIdleMs / 3)),
    );
    try {
      await insert(full.rows, signal);
      for (let attempt = 1; ; attempt++) {
        try {
          await reader.ack(full.messages);
          break;
        } catch (error) {
          // Not acknowledged yet: the entries are re-read later and deduplicated by event id.
          log.warn({ err: (error as Error).message }, 'writer: acknowledging failed, retrying');
          if (!(await retry.wait(attempt, signal))) throw error;
        }
      }
      stats.written += full.rows.length;
    } catch (error) {
      // Left pending in Redis; this or another engine writes them later.
      reader.release(full.messages);
      log.warn({ err: (error as Error).message, rows: full.rows.length }, 'writer: batch left pending');
    } finally {
      clearInterval(keepAlive);
      stats.buffered -= full.rows.length;
    }
  };

  const startFlush = async () => {
    if (inFlight) await inFlight;
    const full = batch;
    batch = { rows: [], messages: [] };
    inFlight = flush(full, stopping.signal).finally(() => {
      inFlight = undefined;
    });
  };

  // Events per stream entry, learnt from what was read: a version 2 entry holds a whole snippet
  // batch (about 10 events), a version 1 entry one event. Reads ask for about as many entries as
  // fill the current batch, so inserts keep their size and the next batch is read and mapped
  // while the previous insert runs. Starting from 10 keeps the first read of a backlog of v2
  // entries from swallowing ten batches at once (with v1 entries it merely reads less).
  let eventsPerEntry = 10;

  const accept = async (messages: StreamMessage[]) => {
    const bad: StreamMessage[] = [];
    let events = 0;
    for (const m of messages) {
      const entries = decodeStreamEntry(m.body);
      let rows: EventRow[] | undefined;
      if (entries) {
        try {
          rows = entries.map(toEventRow);
        } catch {
          rows = undefined;
        }
      }
      if (!rows) {
        bad.push(m);
        continue;
      }
      if (batch.rows.length === 0) batchStartedAt = Date.now();
      for (const row of rows) batch.rows.push(row);
      batch.messages.push(m);
      stats.buffered += rows.length;
      events += rows.length;
    }
    const good = messages.length - bad.length;
    if (good > 0) eventsPerEntry = Math.max(1, 0.5 * eventsPerEntry + (0.5 * events) / good);
    if (bad.length > 0) {
      stats.malformed += bad.length;
      log.warn(
        { count: bad.length, first: bad[0]?.id },
        'writer: malformed stream entries acknowledged and skipped',
      );
      await reader.ack(bad).catch(() => reader.release(bad));
    }
  };

  const run = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const age = Date.now() - batchStartedAt;
      if (batch.rows.length >= batchRows || (batch.rows.length > 0 && age >= flushMs)) {
        await startFlush();
        continue;
      }
      const wait = batch.rows.length > 0 ? flushMs - age : Math.min(flushMs, 1000);
      try {
        const entries = Math.ceil((batchRows - batch.rows.length) / eventsPerEntry);
        await accept(await reader.read(entries, Math.max(1, wait)));
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        stats.readFailures++;
        failures++;
        if (failures === 1 || failures % 10 === 0)
          log.warn({ err: (error as Error).message }, 'writer: read failed');
        await retry.wait(failures, stopping.signal);
      }
    }
  };

  return {
    name: 'writer',
    async start() {
      if (!(await ensureGroupsWithRetry(reader, retry, stopping.signal, log, 'writer'))) return;
      loop = run();
    },
    async stop() {
      stopping.abort();
      await loop;
      if (inFlight) await inFlight;
      if (batch.rows.length > 0) {
        const last = batch;
        batch = { rows: [], messages: [] };
        // A fresh signal: try for a while to write what is buffered, then leave it pending.
        await flush(last, AbortSignal.timeout(options.stopTimeoutMs ?? 10_000));
      }
      blocking.disconnect();
    },
    stats: () => ({ ...stats, claimed: reader.claimed, holding: reader.holding }),
  };
}
