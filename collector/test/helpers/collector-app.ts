import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeStreamEntry, type StreamEntry, type TrackedEvent } from '@floorwalker/protocol';
import { type Redis, type RedisKeys, type Site, siteRegistry } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { buildCollector, type CollectorConfig, loadCollectorConfig } from '../../src/index.ts';

export function randomId(prefix = 'id'): string {
  return `${prefix}_${randomBytes(8).toString('base64url')}`;
}

/** An event as the test sends it: loosely typed so tests can break any field. */
export type EventInput = { id: string; ts: number; visitorId: string; [field: string]: unknown };

/** A valid page view; override any field. */
export function pageView(overrides: Partial<TrackedEvent> & Record<string, unknown> = {}): EventInput {
  return {
    type: 'page_view',
    id: randomUUID(),
    ts: Date.now(),
    visitorId: 'visitor_0001',
    sessionId: 'session_0001',
    pageViewId: 'pageview_0001',
    url: 'https://shop.example/products/42',
    title: 'Blue shoes',
    navigation: 'load',
    ...overrides,
  } as EventInput;
}

export function makeSite(overrides: Partial<Site> = {}): Site {
  return {
    siteId: randomId('site'),
    name: 'Test shop',
    allowedOrigins: [],
    timezone: 'Europe/Berlin',
    respectPrivacySignals: false,
    version: 1,
    deleted: false,
    updatedBy: 'test',
    updatedAt: Math.floor(Date.now() / 1000),
    ...overrides,
  };
}

export interface TestCollector {
  app: FastifyInstance;
  config: CollectorConfig;
  redis: Redis;
  keys: RedisKeys;
  testRedis: TestRedis;
  /** Publishes a site to the Redis mirror and returns it. */
  addSite(overrides?: Partial<Site>): Promise<Site>;
  /** Every event of every event stream, decoded with the full schemas (`decodeStreamEntry`). */
  streamEntries(): Promise<StreamEntry[]>;
  close(): Promise<void>;
}

/** A collector over the private test Redis (random key prefix), snippet folder in a temp dir. */
export async function startTestCollector(env: Record<string, string> = {}): Promise<TestCollector> {
  const testRedis = await openTestRedis();
  const { redis, keys } = testRedis;
  const config = loadCollectorConfig({
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: keys.prefix,
    SNIPPET_DIR: mkdtempSync(join(tmpdir(), 'fw-snippet-')),
    ...env,
  });
  const app = await buildCollector({
    config,
    redis,
    keys,
    logger: false,
    metrics: { processMetrics: false },
  });
  await app.ready();
  const registry = siteRegistry(redis, keys);
  return {
    app,
    config,
    redis,
    keys,
    testRedis,
    async addSite(overrides = {}) {
      const site = makeSite(overrides);
      await registry.publish(site);
      return site;
    },
    async streamEntries() {
      const entries: StreamEntry[] = [];
      for (const stream of keys.eventStreams()) {
        for (const [, fields] of await redis.xrange(stream, '-', '+')) {
          const decoded = decodeStreamEntry(fields[fields.indexOf('e') + 1], { check: 'full' });
          if (!decoded) throw new Error(`malformed stream entry: ${fields.join(' ').slice(0, 200)}`);
          entries.push(...decoded);
        }
      }
      return entries;
    },
    async close() {
      await app.close();
      await testRedis.cleanup();
    },
  };
}
