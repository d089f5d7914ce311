import type { FastifyInstance } from 'fastify';

/** `GET /api/health`: 200 when ClickHouse and Redis answer, else 503 (for load balancers). */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', async (_request, reply) => {
    const [clickhouse, redis] = await Promise.all([
      app.ch.ping().catch(() => false),
      app.redis
        .ping()
        .then((r) => r === 'PONG')
        .catch(() => false),
    ]);
    const ok = clickhouse && redis;
    return reply.code(ok ? 200 : 503).send({ ok, clickhouse, redis });
  });
}
