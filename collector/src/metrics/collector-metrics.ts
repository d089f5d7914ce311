import type { Redis, RedisKeys } from '@floorwalker/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Options of {@link createCollectorMetrics}. */
export interface CollectorMetricsOptions {
  /** Consumer group whose pending count and lag are reported per stream. Default `writer`. */
  engineGroup?: string;
  /** Include process metrics (CPU, memory, event loop) prefixed `fw_collector_`. Default true. */
  processMetrics?: boolean;
}

/**
 * The collector's Prometheus metrics, in their own registry (not prom-client's global one) so
 * collector, engine and dashboard can share one process in all-in-one mode.
 */
export function createCollectorMetrics(
  redis: Redis,
  keys: RedisKeys,
  timeoutMs: number,
  options: CollectorMetricsOptions = {},
) {
  const engineGroup = options.engineGroup ?? 'writer';
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'fw_collector_' });

  // Route patterns, methods, statuses and event types are bounded sets: these maps stay small.
  const requestChildren = new Map<string, { inc(): void }>();
  const durationChildren = new Map<string, { observe(value: number): void }>();
  const acceptedChildren = new Map<string, { inc(value?: number): void }>();
  const acceptedChild = (type: string) => {
    let child = acceptedChildren.get(type);
    if (!child) {
      child = metrics.eventsAccepted.labels({ type });
      acceptedChildren.set(type, child);
    }
    return child;
  };

  const metrics = {
    registry,
    httpRequests: new Counter({
      name: 'fw_collector_http_requests_total',
      help: 'HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'fw_collector_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern.',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    httpErrors: new Counter({
      name: 'fw_collector_http_errors_total',
      help: 'Error responses by error code.',
      labelNames: ['code'] as const,
      registers,
    }),
    batches: new Counter({
      name: 'fw_collector_batches_total',
      help: 'Event batches stored (2xx answers of POST /v1/events).',
      registers,
    }),
    batchSize: new Histogram({
      name: 'fw_collector_batch_events',
      help: 'Events per received batch (valid envelopes).',
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    eventsAccepted: new Counter({
      name: 'fw_collector_events_accepted_total',
      help: 'Events appended to the streams, by event type.',
      labelNames: ['type'] as const,
      registers,
    }),
    eventsRejected: new Counter({
      name: 'fw_collector_events_rejected_total',
      help: 'Events rejected one by one inside otherwise valid batches, by code.',
      labelNames: ['code'] as const,
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'fw_collector_events_duplicate_total',
      help: 'Events dropped because their id was seen within the dedupe window (client retries).',
      registers,
    }),
    eventsDropped: new Counter({
      name: 'fw_collector_events_dropped_total',
      help: 'Valid events deliberately not stored, by reason (privacy_signal: DNT/GPC on a site that honours them).',
      labelNames: ['reason'] as const,
      registers,
    }),
    redisUp: new Gauge({
      name: 'fw_collector_redis_up',
      help: '1 when the last scrape could read the streams from Redis.',
      registers,
    }),
    streamLength: new Gauge({
      name: 'fw_collector_stream_length',
      help: 'Entries in each event stream (XLEN).',
      labelNames: ['stream'] as const,
      registers,
    }),
    streamPending: new Gauge({
      name: 'fw_collector_stream_pending',
      help: 'Entries delivered to the engine group but not yet acknowledged.',
      labelNames: ['stream', 'group'] as const,
      registers,
    }),
    streamLag: new Gauge({
      name: 'fw_collector_stream_lag',
      help: 'Entries the engine group has not read yet (Redis 7 XINFO GROUPS lag).',
      labelNames: ['stream', 'group'] as const,
      registers,
    }),

    /**
     * Counts one answered request. prom-client hashes a label object on every call; the bound
     * children are looked up by one string instead (the hot path takes thousands per second).
     */
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      const k = `${method} ${status} ${route}`;
      let counter = requestChildren.get(k);
      if (!counter) {
        counter = metrics.httpRequests.labels({ method, route, status: String(status) });
        requestChildren.set(k, counter);
      }
      counter.inc();
      let histogram = durationChildren.get(route);
      if (!histogram) {
        histogram = metrics.httpDuration.labels({ route });
        durationChildren.set(route, histogram);
      }
      histogram.observe(seconds);
    },

    /** Counts appended events by type (one increment per type present). */
    countAccepted(events: readonly { type: string }[]): void {
      if (events.length === 0) return;
      const first = events[0]!.type;
      let same = true;
      for (const e of events) if (e.type !== first) same = false;
      if (same) {
        acceptedChild(first).inc(events.length);
        return;
      }
      const counts = new Map<string, number>();
      for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      for (const [type, n] of counts) acceptedChild(type).inc(n);
    },

    /** Reads stream sizes from Redis; called at scrape time. Never throws. */
    async refreshStreams(): Promise<void> {
      metrics.streamLength.reset();
      metrics.streamPending.reset();
      metrics.streamLag.reset();
      try {
        const streams = keys.eventStreams();
        const pipeline = redis.pipeline();
        for (const s of streams) pipeline.xlen(s).xinfo('GROUPS', s);
        let timer: NodeJS.Timeout | undefined;
        const results = await Promise.race([
          pipeline.exec(),
          new Promise<null>((resolve) => {
            timer = setTimeout(() => resolve(null), timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
        if (!results) throw new Error('Redis did not answer');
        streams.forEach((stream, i) => {
          const [lenError, length] = results[i * 2] ?? [new Error('missing reply'), 0];
          if (lenError) throw lenError;
          metrics.streamLength.set({ stream }, Number(length));
          // XINFO GROUPS fails with "no such key" before the first event; that is not an outage.
          const [, groups] = results[i * 2 + 1] ?? [null, []];
          for (const group of Array.isArray(groups) ? groups : []) {
            const fields = pairs(group);
            if (fields.get('name') !== engineGroup) continue;
            metrics.streamPending.set({ stream, group: engineGroup }, Number(fields.get('pending') ?? 0));
            const lag = fields.get('lag');
            // lag is nil when Redis cannot compute it (after XDEL/trimming past the group).
            if (lag !== null && lag !== undefined)
              metrics.streamLag.set({ stream, group: engineGroup }, Number(lag));
          }
        });
        metrics.redisUp.set(1);
      } catch {
        metrics.redisUp.set(0);
      }
    },
  };
  return metrics;
}
export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;

/** A flat Redis reply `[k1, v1, k2, v2, …]` as a map. */
function pairs(reply: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]);
  return map;
}
