import { connectRedis, redisKeys } from '@floorwalker/store';
import { buildCollector } from './build-collector.ts';
import { loadCollectorConfig } from './config.ts';

const config = loadCollectorConfig(process.env);
const redis = connectRedis(config.REDIS_URL, { name: 'floorwalker-collector' });
const keys = redisKeys(config.REDIS_PREFIX, config.STREAM_PARTITIONS);
const app = await buildCollector({ config, redis, keys });

let lastRedisError = '';
redis.on('error', (error: Error) => {
  // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
  if (error.message !== lastRedisError) app.log.error({ err: error }, 'Redis connection error');
  lastRedisError = error.message;
});
redis.on('ready', () => {
  lastRedisError = '';
  app.log.info('Redis ready');
});

await app.listen({ host: config.COLLECTOR_HOST, port: config.COLLECTOR_PORT });

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  // Stop accepting, finish in-flight batches (their appends), then drop Redis.
  await app.close();
  await redis.quit().catch(() => redis.disconnect());
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
