import { LIMITS } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { CollectorConfig } from './config.ts';
import { healthRoute } from './health/health-route.ts';
import { installErrorReplies } from './http/error-replies.ts';
import { createAppender } from './ingest/append-events.ts';
import { createEnricher } from './ingest/enrich.ts';
import { eventsRoute } from './ingest/events-route.ts';
import { createRateLimiter } from './ingest/rate-limit.ts';
import { createSiteCache, type SiteCacheOptions } from './ingest/site-cache.ts';
import { type CollectorMetricsOptions, createCollectorMetrics } from './metrics/collector-metrics.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { snippetFiles } from './snippet/snippet-files.ts';
import { snippetRoute } from './snippet/snippet-route.ts';
import { attachVisitorSocket } from './visitor-socket/attach-visitor-socket.ts';

/** What {@link buildCollector} needs. */
export interface CollectorDeps {
  config: CollectorConfig;
  /** Connection used for every request; owned (and closed) by the caller. */
  redis: Redis;
  keys: RedisKeys;
  /** Fastify logger: `false` for silence, or pino options. Default `{ level: config.LOG_LEVEL }`. */
  logger?: boolean | object;
  /** Site cache tuning (tests shorten the TTLs). Default: 10 s for known sites, 2 s for unknown ones. */
  siteCache?: SiteCacheOptions;
  /** Metrics options (engine group name, process metrics). */
  metrics?: CollectorMetricsOptions;
}

/**
 * Builds the collector's HTTP app (not listening; the caller listens or injects):
 * `POST /v1/events`, `GET /snippet.js`, `GET /s/*`, `GET /healthz`, `GET /livez`, `GET /metrics`,
 * and the socket.io `/visitor` namespace (path `/socket.io/`) on the same server.
 * Closing the app closes what it opened (the site-change subscriber, the visitor socket), not `deps.redis`.
 */
export async function buildCollector(deps: CollectorDeps): Promise<FastifyInstance> {
  const { config, redis, keys } = deps;
  const app = Fastify({
    logger: deps.logger ?? { level: config.LOG_LEVEL },
    trustProxy: config.TRUST_PROXY,
    bodyLimit: LIMITS.maxBodyBytes,
    // The edge takes many small requests: per-request access logs would dwarf everything else.
    logController: new LogController({ disableRequestLogging: true }),
    // Slow-loris guard when no proxy sits in front.
    requestTimeout: 30_000,
  } satisfies FastifyServerOptions);

  const metrics = createCollectorMetrics(redis, keys, config.REDIS_TIMEOUT_MS, deps.metrics);
  installErrorReplies(app, metrics);
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  const sites = createSiteCache(redis, keys, deps.siteCache);
  sites.start();
  app.addHook('onClose', async () => {
    await sites.close();
  });

  await app.register(eventsRoute, {
    redis,
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
    sites,
    rateLimiter: createRateLimiter(redis, keys, {
      perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MIN,
      perSitePerMinute: config.RATE_LIMIT_PER_SITE_PER_MIN,
    }),
    appender: createAppender(redis, keys, {
      dedupeWindowSeconds: config.DEDUPE_WINDOW_SECONDS,
      maxLength: config.STREAM_MAX_LENGTH,
    }),
    enricher: createEnricher({
      geoip: config.GEOIP_ENABLED,
      ...(config.TRUST_PROXY && config.GEO_COUNTRY_HEADER
        ? { countryHeader: config.GEO_COUNTRY_HEADER }
        : {}),
    }),
    metrics,
  });
  await app.register(snippetRoute, { files: snippetFiles(config.SNIPPET_DIR) });
  await app.register(healthRoute, { redis, redisTimeoutMs: config.REDIS_TIMEOUT_MS });
  await app.register(metricsRoute, {
    metrics,
    ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}),
  });

  // visitor socket integration: socket.io `/visitor` on the app's server, sharing the site cache
  // and metrics registry; its tabs are disconnected (and their presence recorded) before close.
  const visitorSocket = attachVisitorSocket({
    server: app.server,
    redis,
    keys,
    sites,
    registry: metrics.registry,
    log: app.log,
  });
  app.addHook('preClose', async () => {
    await visitorSocket.close();
  });
  return app;
}
