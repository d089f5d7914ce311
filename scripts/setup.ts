// `npm run setup`: one-shot preparation of a distributed deployment (docker compose runs it
// before the apps): applies the ClickHouse migrations and creates the demo shop's site once.
// The first admin is created by the dashboard itself from INITIAL_ADMIN_EMAIL/PASSWORD.
import { ConfigError, connectRedis, migrate, openClickHouse, parseEnv, redisKeys } from '@floorwalker/store';
import { seedDemoSite } from './seed/demo-site.ts';
import { setupEnvShape } from './setup/config.ts';

try {
  const config = parseEnv(setupEnvShape, process.env);
  const ch = await openClickHouse({
    url: config.CLICKHOUSE_URL,
    path: config.CLICKHOUSE_PATH,
    database: config.CLICKHOUSE_DATABASE,
  });
  const { applied, current } = await migrate(ch);
  console.log(
    `setup: ClickHouse schema at version ${current}${applied.length ? ` (applied ${applied.join(', ')})` : ' (up to date)'}`,
  );
  if (config.SEED_DEMO_SITE) {
    const redis = connectRedis(config.REDIS_URL, { name: 'floorwalker-setup' });
    const keys = redisKeys(config.REDIS_PREFIX, config.STREAM_PARTITIONS);
    const { created, site } = await seedDemoSite({
      ch,
      redis,
      keys,
      siteId: config.DEMO_SITE_ID,
      allowedOrigins: config.DEMO_ALLOWED_ORIGINS,
    });
    console.log(
      created
        ? `setup: created the demo site ${config.DEMO_SITE_ID} (origins ${config.DEMO_ALLOWED_ORIGINS.join(', ')})`
        : `setup: the demo site ${config.DEMO_SITE_ID} exists${site ? '' : ' (deleted)'}; nothing seeded`,
    );
    await redis.quit();
  }
  await ch.close();
} catch (error) {
  console.error(error instanceof ConfigError ? `setup: ${error.message}` : error);
  process.exit(1);
}
