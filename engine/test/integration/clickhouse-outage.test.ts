import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClickHouse, migrate, openServer, sql } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClickHouseServer } from '../../../scripts/lib/clickhouse-server.ts';
import type { ManagedService } from '../../../scripts/lib/process-service.ts';
import { openTestRedis, type TestRedis, testName } from '../../../test/helpers/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { backoff } from '../../src/streams/backoff.ts';
import { streamWriter } from '../../src/writer/stream-writer.ts';
import { append, entry, pendingCount, waitFor } from '../helpers/stream-entries.ts';

// A private clickhouse-server (never the shared one): this test stops it for 30 s.
describe('stream writer during a ClickHouse outage', () => {
  let server: ManagedService;
  let ch: ClickHouse;
  let r: TestRedis;

  beforeAll(async () => {
    server = await startClickHouseServer({ dataDir: mkdtempSync(join(inject('tempRoot'), 'outage-')) });
    ch = await openServer({ url: server.url, database: testName() });
    await migrate(ch);
    r = await openTestRedis();
  });
  afterAll(async () => {
    await r?.cleanup();
    await ch?.close();
    await server?.stop();
  });

  it('keeps every event through a 30 s outage and writes each exactly once afterwards', {
    timeout: 180_000,
  }, async () => {
    const siteId = 'site_outage';
    const writer = streamWriter({
      ch,
      redis: r.redis,
      redisUrl: r.url,
      streams: r.keys.eventStreams(),
      consumer: 'writer-outage',
      logger: silentLogger,
      flushMs: 200,
      batchRows: 500,
      retry: backoff({ baseMs: 100, maxMs: 2000 }),
    });
    await writer.start();

    // A steady stream of visitors: 10 events every 50 ms from 40 visitors.
    let produced = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch = Array.from({ length: 10 }, (_, i) =>
          entry(
            {
              type: 'heartbeat',
              visitorId: `visitor_out${String((produced + i) % 40).padStart(5, '0')}`,
              active: true,
            },
            { siteId },
          ),
        );
        await append(r.redis, r.keys, batch);
        produced += batch.length;
        await sleep(50);
      }
    })();

    try {
      await sleep(5000);
      await waitFor(() => writer.stats().written > 0, 10_000, 'first inserts');
      await server.stop();
      const downAt = Date.now();
      await sleep(2000);
      const writtenWhileDown = writer.stats().written;
      const failuresBefore = writer.stats().insertFailures;
      await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
      // Nothing was acknowledged while ClickHouse was down, inserts kept failing, entries stayed pending.
      expect(writer.stats().written).toBe(writtenWhileDown);
      expect(writer.stats().insertFailures).toBeGreaterThan(failuresBefore);
      expect(await pendingCount(r.redis, r.keys, 'writer')).toBeGreaterThan(0);

      await server.start();
      await sleep(5000);
    } finally {
      producing = false;
      await producer;
    }

    await waitFor(
      async () => {
        const lag = await Promise.all(
          r.keys.eventStreams().map(async (s) => {
            const groups = (await r.redis.xinfo('GROUPS', s)) as unknown[][];
            const g = groups[0] ?? [];
            return Number(g[g.indexOf('lag') + 1] ?? 0);
          }),
        );
        return lag.every((n) => n === 0) && (await pendingCount(r.redis, r.keys, 'writer')) === 0;
      },
      60_000,
      'backlog drained',
    );
    await writer.stop();

    const [row] = await ch.query<{ n: number; ids: number }>(
      sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${ch.table('events')} FINAL WHERE site_id = ${siteId}`,
    );
    expect(produced).toBeGreaterThan(3000);
    expect({ n: Number(row?.n), ids: Number(row?.ids) }).toEqual({ n: produced, ids: produced });
    expect(writer.stats().written).toBeGreaterThanOrEqual(produced);
    expect(writer.stats().malformed).toBe(0);
  });
});
