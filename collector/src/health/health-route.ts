import type { Redis } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { CollectorError } from '../errors.ts';
import { guardRedis } from '../redis/guard-redis.ts';

/** Options of {@link healthRoute}. */
export interface HealthRouteOptions {
  redis: Redis;
  redisTimeoutMs: number;
}

/**
 * `GET /healthz`: ready to take events, i.e. Redis answers `PING` (load balancers should route
 * around a node that cannot store). `GET /livez`: the process serves HTTP at all (restart
 * only when this fails; Redis being down is not cured by restarting the collector).
 */
export async function healthRoute(app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  app.get('/healthz', async () => {
    try {
      await guardRedis(options.redis, options.redisTimeoutMs, () => options.redis.ping());
    } catch (error) {
      throw new CollectorError('FW_HEALTH_UNAVAILABLE', { cause: error });
    }
    return { status: 'ok', redis: 'ok' };
  });
  app.get('/livez', async () => ({ status: 'ok' }));
}
