import { openClickHouse, redisKeys } from '@floorwalker/store';
import { loadEngineConfig } from './config.ts';
import { startEngine } from './index.ts';
import { createLogger } from './logger.ts';

const config = loadEngineConfig(process.env);
const logger = createLogger(config.LOG_LEVEL);
const ch = await openClickHouse({
  url: config.CLICKHOUSE_URL,
  path: config.CLICKHOUSE_PATH,
  database: config.CLICKHOUSE_DATABASE,
});
const engine = await startEngine({
  config,
  ch,
  redisUrl: config.REDIS_URL,
  keys: redisKeys(config.REDIS_PREFIX, config.STREAM_PARTITIONS),
  logger,
});

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'engine: shutting down');
  await engine.stop();
  await ch.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
