import { connectRedis, migrate, openClickHouse, redisKeys } from '@floorwalker/store';
import { loadDashboardConfig } from './config.ts';
import { buildDashboard } from './server/build-dashboard.ts';

const config = loadDashboardConfig(process.env);
const ch = await openClickHouse({
  url: config.CLICKHOUSE_URL,
  path: config.CLICKHOUSE_PATH,
  database: config.CLICKHOUSE_DATABASE,
});
await migrate(ch);
const redis = connectRedis(config.REDIS_URL, { name: 'dashboard' });
const app = await buildDashboard({
  config,
  ch,
  redis,
  keys: redisKeys(config.REDIS_PREFIX, config.STREAM_PARTITIONS),
});
await app.listen({ host: config.DASHBOARD_HOST, port: config.DASHBOARD_PORT });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  redis.disconnect();
  await ch.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
