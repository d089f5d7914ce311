import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBody } from '@floorwalker/protocol';
import { connectRedis, type Redis, redisKeys, siteRegistry } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/free-port.ts';
import { startRedisServer } from '../../../scripts/lib/redis-server.ts';
import { testName } from '../../../test/helpers/stores.ts';
import { buildCollector, loadCollectorConfig } from '../../src/index.ts';
import { makeSite, pageView, randomId } from '../helpers/collector-app.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function collectorOn(url: string): Promise<{ app: FastifyInstance; redis: Redis; prefix: string }> {
  const redis = connectRedis(url, { name: 'collector-outage-test' });
  const errors: Error[] = [];
  redis.on('error', (e: Error) => errors.push(e)); // expected while the port is closed
  const prefix = testName();
  const config = loadCollectorConfig({ REDIS_URL: url, REDIS_PREFIX: prefix, REDIS_TIMEOUT_MS: '500' });
  const app = await buildCollector({
    config,
    redis,
    keys: redisKeys(prefix, config.STREAM_PARTITIONS),
    logger: false,
    metrics: { processMetrics: false },
    siteCache: { ttlMs: 50, negativeTtlMs: 50 },
  });
  cleanups.push(async () => {
    await app.close();
    redis.disconnect();
  });
  return { app, redis, prefix };
}

const batch = (site: string) =>
  JSON.stringify({ site, sentAt: Date.now(), events: [pageView({ visitorId: randomId('visitor') })] });

describe('Redis outage', () => {
  it('answers 503 quickly when Redis is unreachable, and keeps running', async () => {
    const { app } = await collectorOn(`redis://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        payload: batch('site_down'),
      });
      expect(res.statusCode).toBe(503);
      expect(errorBody.parse(res.json()).error.code).toBe('FW_INGEST_UNAVAILABLE');
    }
    expect(Date.now() - started).toBeLessThan(3 * 500 + 1000);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json().error.code).toBe('FW_HEALTH_UNAVAILABLE');
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^fw_collector_redis_up 0$/m);
    expect(metrics.body).toMatch(/^fw_collector_http_errors_total\{code="FW_INGEST_UNAVAILABLE"\} 3$/m);
    // Input errors are still answered without Redis.
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain' },
      payload: '{',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('recovers by itself when Redis comes back', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'fw-redis-outage-'));
    let server = await startRedisServer({ dataDir, port, appendOnly: false });
    cleanups.push(() => server.stop());
    const { app, redis, prefix } = await collectorOn(server.url);
    await new Promise<void>((resolve) =>
      redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
    );
    const site = makeSite();
    const registry = siteRegistry(redis, redisKeys(prefix));
    await registry.publish(site);
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        payload: batch(site.siteId),
      });
    expect((await send()).statusCode).toBe(200);

    await server.stop();
    await expect.poll(async () => (await send()).statusCode, { timeout: 10_000 }).toBe(503);

    server = await startRedisServer({ dataDir, port, appendOnly: false });
    // The new server is empty: the dashboard/engine would mirror the sites again.
    await expect.poll(() => redis.status, { timeout: 15_000 }).toBe('ready');
    await registry.publish(site);
    await expect.poll(async () => (await send()).statusCode, { timeout: 10_000 }).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
