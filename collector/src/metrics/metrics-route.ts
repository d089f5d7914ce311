import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { CollectorError } from '../errors.ts';
import type { CollectorMetrics } from './collector-metrics.ts';

/** Options of {@link metricsRoute}. */
export interface MetricsRouteOptions {
  metrics: CollectorMetrics;
  /** Bearer token required to scrape; unset = open. Default unset. */
  token?: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` in Prometheus text format; stream sizes are read from Redis at scrape time. */
export async function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const { metrics, token } = options;
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !sameSecret(header.slice(7), token)) {
        throw new CollectorError('FW_METRICS_UNAUTHORIZED', { headers: { 'www-authenticate': 'Bearer' } });
      }
    }
    await metrics.refreshStreams();
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
