/**
 * The collector of the trigger benchmark in a process of its own (as deployed), so its event
 * loop does not compete with the engine's. Prints `{"url": …}` once listening; stops on SIGTERM.
 *
 *   tsx bench/triggers/collector-process.ts <redisUrl> <prefix>
 */
import { connectRedis, redisKeys } from '@floorwalker/store';
import { buildCollector, loadCollectorConfig } from '../../collector/src/index.ts';

const [redisUrl = '', prefix = ''] = process.argv.slice(2);
const redis = connectRedis(redisUrl, { name: 'bench-collector' });
const app = await buildCollector({
  config: loadCollectorConfig({
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_PER_IP_PER_MIN: '0',
    RATE_LIMIT_PER_SITE_PER_MIN: '0',
    LOG_LEVEL: 'warn',
  }),
  redis,
  keys: redisKeys(prefix, 4),
  logger: false,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(
  JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }),
);
process.once('SIGTERM', () => {
  void app.close().finally(() => {
    redis.disconnect();
    process.exit(0);
  });
});
