import type { FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';

/** Prometheus metrics of one dashboard instance (its own registry, so several apps in one process never clash). */
export function dashboardMetrics() {
  const registry = new Registry();
  return {
    registry,
    /** Error responses by catalog code (bad input included). */
    errors: new Counter({
      name: 'fw_dashboard_http_errors_total',
      help: 'Error responses of the dashboard API by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    /** Login attempts by outcome: ok, invalid, rate_limited. */
    logins: new Counter({
      name: 'fw_dashboard_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
export type DashboardMetrics = ReturnType<typeof dashboardMetrics>;

/** `GET /metrics` in the Prometheus text format. */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
}
