import cors from '@fastify/cors';
import { type IngestResponse, LIMITS, type TrackedEvent } from '@floorwalker/protocol';
import type { Redis } from '@floorwalker/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { guardRedis } from '../redis/guard-redis.ts';
import type { Appender } from './append-events.ts';
import { checkOrigin } from './check-origin.ts';
import { correctTimestamp } from './clock-skew.ts';
import { decodeBody } from './decode-body.ts';
import type { Enricher } from './enrich.ts';
import { parseEnvelope, parseEvents } from './parse-batch.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SiteCache } from './site-cache.ts';

/** What `POST /v1/events` needs. */
export interface EventsRouteOptions {
  redis: Redis;
  redisTimeoutMs: number;
  sites: SiteCache;
  rateLimiter: RateLimiter;
  appender: Appender;
  enricher: Enricher;
  metrics: CollectorMetrics;
}

/** DNT / Global Privacy Control, as browsers send them on every request including beacons. */
function sendsPrivacySignal(request: FastifyRequest): boolean {
  return request.headers.dnt === '1' || request.headers['sec-gpc'] === '1';
}

/**
 * `POST /v1/events`: one batch from the snippet.
 *
 * Order of checks: body → envelope → site → origin → rate limits → each event. Everything up
 * to the envelope is CPU-only and bounded by the body limit; the site lookup is cached, so
 * floods of garbage never reach Redis. Valid events are enriched, time-corrected, deduplicated
 * and appended in one Redis round trip; the answer is 2xx only once they are in the stream.
 */
export async function eventsRoute(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  const { redis, redisTimeoutMs, sites, rateLimiter, appender, enricher, metrics } = options;
  const viaRedis = <T>(operation: () => Promise<T>) => guardRedis(redis, redisTimeoutMs, operation);

  // Reflect the caller's origin: the allowed origins are per site and checked once the body
  // names the site. No cookies are involved, so credentials stay off. `sendBeacon` with a
  // text/plain body needs no preflight; JSON bodies do.
  await app.register(cors, {
    origin: true,
    credentials: false,
    methods: ['POST'],
    allowedHeaders: ['content-type'],
    maxAge: 7200,
  });

  // One raw parser for both accepted types: the route decodes the bytes itself so bad UTF-8,
  // bad JSON and a bad envelope get distinct codes. Other types answer 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['text/plain', 'application/json'],
    { parseAs: 'buffer', bodyLimit: LIMITS.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );

  app.post('/v1/events', { bodyLimit: LIMITS.maxBodyBytes }, async (request, reply) => {
    const receivedAt = Date.now();
    const envelope = parseEnvelope(decodeBody(request.body));
    metrics.batchSize.observe(envelope.events.length);

    // Known sites are served from memory without a Redis round trip (or its timeout timer).
    const site = sites.peek(envelope.site) ?? (await viaRedis(() => sites.get(envelope.site)));
    if (!site)
      throw new CollectorError('FW_INGEST_UNKNOWN_SITE', { message: `No site with key ${envelope.site}.` });
    checkOrigin(site, request.headers.origin);
    if (rateLimiter.enabled) {
      await viaRedis(() =>
        rateLimiter.consume({
          ip: request.ip,
          siteId: site.siteId,
          events: envelope.events.length,
          now: receivedAt,
        }),
      );
    }

    const { valid, rejected } = parseEvents(envelope.events);
    for (const r of rejected) metrics.eventsRejected.inc({ code: r.code });

    let accepted = 0;
    let duplicates = 0;
    if (valid.length > 0 && site.respectPrivacySignals && sendsPrivacySignal(request)) {
      metrics.eventsDropped.inc({ reason: 'privacy_signal' }, valid.length);
    } else if (valid.length > 0) {
      const enrichment = enricher.enrich({
        userAgent: request.headers['user-agent'],
        ip: request.ip,
        headers: request.headers,
      });
      const events = new Array<TrackedEvent>(valid.length);
      const serverTs = new Array<number>(valid.length);
      for (let i = 0; i < valid.length; i++) {
        const event = valid[i]!.event;
        events[i] = event;
        serverTs[i] = correctTimestamp(event.ts, envelope.sentAt, receivedAt);
      }
      const result = await viaRedis(() =>
        appender.append({ siteId: site.siteId, receivedAt, enrichment, events, serverTs }),
      );
      accepted = result.appended.length;
      duplicates = result.duplicates;
      metrics.countAccepted(result.appended);
      if (duplicates > 0) metrics.eventsDuplicate.inc(duplicates);
    }
    metrics.batches.inc();
    const body: IngestResponse = { accepted, duplicates, rejected };
    return reply.code(200).send(body);
  });
}
