/**
 * Writer throughput: rows/s of the stream → ClickHouse writer against a direct `ch.insert` of
 * the same rows in the same run, on embedded ClickHouse (chDB) and a private Redis.
 *
 *   npx tsx bench/ingest/writer.ts [--events 200000] [--batch 10000]
 *
 * The ratio (writer ÷ direct) should be at least 0.7: reading Redis, validating, mapping and
 * acknowledging costs less than a third of what the insert itself costs. The streams hold what
 * the collector writes: version 2 entries, one per snippet batch of 10 events of one visitor.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StreamBatchEntry, StreamEntry } from '@floorwalker/protocol';
import { connectRedis, ident, migrate, openEmbedded, redisKeys, sql, toEventRow } from '@floorwalker/store';
import { silentLogger } from '../../engine/src/logger.ts';
import { streamWriter } from '../../engine/src/writer/stream-writer.ts';
import { startRedisServer } from '../../scripts/lib/redis-server.ts';

/** Options of {@link benchWriter}. */
export interface BenchWriterOptions {
  /** Events to write. Default 200000. */
  events?: number;
  /** Rows per insert (ENGINE_BATCH_ROWS), for both paths. Default 10000. */
  batchRows?: number;
  /** Stream partitions. Default 4. */
  partitions?: number;
  /**
   * Alternating rounds of both paths; the best round of each counts, so a burst of load from
   * other processes on the machine does not decide the ratio. Default 2.
   */
  rounds?: number;
}

export interface BenchWriterResult {
  events: number;
  batchRows: number;
  directRowsPerSecond: number;
  writerRowsPerSecond: number;
  /** writer ÷ direct. */
  ratio: number;
}

const TYPES = ['page_view', 'heartbeat', 'engagement', 'add_to_cart', 'custom'] as const;

/** Events per stream entry: a snippet batch, as the collector appends it (one visitor, one entry). */
const EVENTS_PER_ENTRY = 10;

/** A realistic mix of events from many visitors, in snippet batches of {@link EVENTS_PER_ENTRY}. */
function makeEntries(n: number): StreamEntry[] {
  const start = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) => {
    const batch = Math.floor(i / EVENTS_PER_ENTRY);
    const visitor = `visitor_${String(batch % 5000).padStart(8, '0')}`;
    const type = TYPES[i % TYPES.length]!;
    const base = {
      id: randomUUID(),
      ts: start + i,
      visitorId: visitor,
      sessionId: `session_${String(batch % 5000).padStart(8, '0')}`,
      pageViewId: `pv_${String(Math.floor(i / 5)).padStart(10, '0')}`,
      url: `https://shop.example/products/item-${i % 300}?utm_source=news&utm_campaign=spring`,
      title: `Product ${i % 300}`,
    };
    const event =
      type === 'page_view'
        ? {
            ...base,
            type,
            referrer: 'https://www.google.com/',
            language: 'en-GB',
            screen: '1440x900',
            navigation: 'load' as const,
          }
        : type === 'heartbeat'
          ? { ...base, type, active: true }
          : type === 'engagement'
            ? { ...base, type, engagedMs: 5000, scrollDepth: 40 }
            : type === 'add_to_cart'
              ? { ...base, type, value: 29.9, currency: 'EUR', sku: `SKU-${i % 300}`, quantity: 1 }
              : { ...base, type, name: 'filter_used', props: { color: 'red', size: 42 } };
    return {
      siteId: 'site_bench',
      event,
      serverTs: start + i,
      receivedAt: start + batch * EVENTS_PER_ENTRY + 20,
      enrichment: { device: 'desktop', browser: 'Chrome', os: 'Windows', country: 'GB', isBot: false },
    };
  });
}

/** The collector's stream entries (version 2) for consecutive runs of one batch's events. */
function toBatchEntries(entries: readonly StreamEntry[]): { visitorId: string; body: string }[] {
  const out: { visitorId: string; body: string }[] = [];
  for (let i = 0; i < entries.length; i += EVENTS_PER_ENTRY) {
    const batch = entries.slice(i, i + EVENTS_PER_ENTRY);
    const first = batch[0]!;
    const entry: StreamBatchEntry = {
      v: 2,
      siteId: first.siteId,
      receivedAt: first.receivedAt,
      enrichment: first.enrichment,
      events: batch.map((e) => e.event),
      serverTs: batch.map((e) => e.serverTs),
    };
    out.push({ visitorId: first.event.visitorId, body: JSON.stringify(entry) });
  }
  return out;
}

export async function benchWriter(options: BenchWriterOptions = {}): Promise<BenchWriterResult> {
  const events = options.events ?? 200_000;
  const batchRows = options.batchRows ?? 10_000;
  const root = mkdtempSync(join(tmpdir(), 'fw-bench-writer-'));
  const redisServer = await startRedisServer({ dataDir: join(root, 'redis'), appendOnly: false });
  const redis = connectRedis(redisServer.url, { name: 'bench' });
  const direct = await openEmbedded({ path: join(root, 'chdb'), database: 'bench_direct' });
  const viaWriter = await openEmbedded({ path: join(root, 'chdb'), database: 'bench_writer' });
  try {
    await migrate(direct);
    await migrate(viaWriter);
    const keys = redisKeys('bench', options.partitions ?? 4);
    const rounds = options.rounds ?? 2;
    let directSeconds = Number.POSITIVE_INFINITY;
    let writerSeconds = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const entries = makeEntries(events);

      // Direct: the same rows, already mapped, inserted in batches of the same size.
      const rows = entries.map(toEventRow);
      const directStart = performance.now();
      for (let i = 0; i < rows.length; i += batchRows)
        await direct.insert('events', rows.slice(i, i + batchRows));
      directSeconds = Math.min(directSeconds, (performance.now() - directStart) / 1000);

      // Writer: the entries wait in the streams (as after a burst); time until all are written and acked.
      const stored = toBatchEntries(entries);
      for (let i = 0; i < stored.length; i += 5000) {
        const pipeline = redis.pipeline();
        for (const e of stored.slice(i, i + 5000)) {
          pipeline.xadd(keys.eventStream(keys.partitionOf(e.visitorId)), '*', 'e', e.body);
        }
        await pipeline.exec();
      }
      const writer = streamWriter({
        ch: viaWriter,
        redis,
        redisUrl: redisServer.url,
        streams: keys.eventStreams(),
        consumer: 'bench',
        logger: silentLogger,
        flushMs: 1000,
        batchRows,
      });
      const writerStart = performance.now();
      await writer.start();
      while (writer.stats().written < events) await new Promise((r) => setTimeout(r, 5));
      writerSeconds = Math.min(writerSeconds, (performance.now() - writerStart) / 1000);
      await writer.stop();
      for (const stream of keys.eventStreams()) await redis.del(stream);
    }

    for (const ch of [direct, viaWriter]) {
      const [row] = await ch.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${ident(`${ch.database}.events`)}`,
      );
      if (Number(row?.n) !== events * rounds) {
        throw new Error(`${ch.database}: expected ${events * rounds} rows, found ${row?.n}`);
      }
    }
    const directRowsPerSecond = events / directSeconds;
    const writerRowsPerSecond = events / writerSeconds;
    return {
      events,
      batchRows,
      directRowsPerSecond: Math.round(directRowsPerSecond),
      writerRowsPerSecond: Math.round(writerRowsPerSecond),
      ratio: Math.round((writerRowsPerSecond / directRowsPerSecond) * 100) / 100,
    };
  } finally {
    await direct.close();
    await viaWriter.close();
    redis.disconnect();
    await redisServer.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '200000' },
      batch: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const result = await benchWriter({
    events: Number(values.events),
    batchRows: Number(values.batch),
    rounds: Number(values.rounds),
  });
  console.log(
    `writer: ${result.writerRowsPerSecond} rows/s, direct ch.insert: ${result.directRowsPerSecond} rows/s, ` +
      `ratio ${result.ratio} (target >= 0.7) — ${result.events} events, batches of ${result.batchRows}`,
  );
  process.exitCode = result.ratio >= 0.7 ? 0 : 1;
}
