import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildCollector, loadCollectorConfig } from '@floorwalker/collector';
import { buildDashboard, ensureInitialAdmin, loadDashboardConfig } from '@floorwalker/dashboard';
import { loadEngineConfig, startEngine } from '@floorwalker/engine';
import { connectRedis, migrate, openClickHouse, redisKeys, usersRepository } from '@floorwalker/store';
import { loadDemoConfig } from '../../demo/src/config.ts';
import { buildDemoShop } from '../../demo/src/server.ts';
import { ensureRedisServer } from '../lib/ensure-redis-server.ts';
import { startRedisServer } from '../lib/redis-server.ts';
import {
  type AdminCredentials,
  randomPassword,
  readAdminCredentials,
  writeAdminCredentials,
} from '../seed/admin-credentials.ts';
import { seedDemoSite } from '../seed/demo-site.ts';
import { type AllInOneConfig, loadAllInOneConfig } from './config.ts';
import { persistentSessionSecret } from './session-secret.ts';
import { Shutdown } from './shutdown.ts';

/** Where everything listens, as a browser on this machine reaches it. */
export interface AllInOneUrls {
  dashboard: string;
  collector: string;
  snippet: string;
  demo: string;
}

export interface AllInOne {
  urls: AllInOneUrls;
  config: Readonly<AllInOneConfig>;
  /** ClickHouse in use: `embedded <path>` or the server URL without credentials. */
  clickhouse: string;
  /** Redis in use: `private redis-server on <url>` or the configured URL without credentials. */
  redis: string;
  /** The admin login when we know it (created on this start, or stored by the first one). */
  admin: (AdminCredentials & { file?: string; createdNow: boolean }) | undefined;
  /** Site id of the demo shop. */
  demoSiteId: string;
  /** True when this start created the demo site (first start). */
  seeded: boolean;
  /** Stops everything (servers, engine, ClickHouse, the private Redis). Resolves with failures. */
  stop(): Promise<string[]>;
}

/** Options of {@link startAllInOne}. */
export interface StartAllInOneOptions {
  /** Progress messages. Default `console.log`. */
  log?: (line: string) => void;
  /** Called once when stopping begins (after a failed start too). Default: nothing. */
  onStopping?: () => void;
}

/** The host a browser on this machine uses for a server bound to `host` (any interface: localhost). */
export function browserHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** A URL a browser on this machine can open for a listening server's address. */
export function localUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') throw new Error(`unexpected server address: ${address}`);
  return `http://${browserHost(address.address)}:${address.port}`;
}

/** Removes the user and password from a URL before printing it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Starts Floorwalker on one machine in one process: a private Redis (unless REDIS_URL is set),
 * embedded ClickHouse (unless CLICKHOUSE_URL is set), migrations, the collector, the engine,
 * the dashboard and the demo shop, and seeds a demo site and an admin on the first start.
 * Every configuration error is thrown (as the apps' `ConfigError`) before anything starts.
 */
export async function startAllInOne(
  env: NodeJS.ProcessEnv,
  options: StartAllInOneOptions = {},
): Promise<AllInOne> {
  const log = options.log ?? console.log;
  const config = loadAllInOneConfig(env);
  // Fail fast: check every app's variables before starting anything. REDIS_URL may still be
  // unknown (we start Redis below), so a syntactically valid stand-in is used for this check.
  const probeEnv = { ...config.appEnv, REDIS_URL: config.redisUrl ?? 'redis://127.0.0.1:6379' };
  loadCollectorConfig(probeEnv);
  loadEngineConfig(probeEnv);
  loadDashboardConfig(probeEnv);
  loadDemoConfig(probeEnv);

  const shutdown = new Shutdown();
  const stop = () => {
    options.onStopping?.();
    return shutdown.run();
  };
  try {
    let redisUrl = config.redisUrl;
    let redisLabel = redisUrl ? redactUrl(redisUrl) : '';
    if (!redisUrl) {
      const binary = ensureRedisServer({ log });
      const server = await startRedisServer({
        dataDir: join(config.dataDir, 'redis'),
        binary,
        appendOnly: true,
        ownProcessGroup: true,
      });
      shutdown.defer('redis-server', () => server.stop());
      redisUrl = server.url;
      redisLabel = `private redis-server on ${server.url} (data in ${server.dataDir})`;
    }
    const appEnv: NodeJS.ProcessEnv = { ...config.appEnv, REDIS_URL: redisUrl };

    const collectorConfig = loadCollectorConfig(appEnv);
    const keys = redisKeys(collectorConfig.REDIS_PREFIX, collectorConfig.STREAM_PARTITIONS);
    const ch = await openClickHouse({
      url: collectorConfig.CLICKHOUSE_URL,
      path: collectorConfig.CLICKHOUSE_PATH,
      database: collectorConfig.CLICKHOUSE_DATABASE,
    });
    shutdown.defer('ClickHouse', () => ch.close());
    const clickhouseLabel = collectorConfig.CLICKHOUSE_URL
      ? redactUrl(collectorConfig.CLICKHOUSE_URL)
      : `embedded (chDB) in ${collectorConfig.CLICKHOUSE_PATH}`;
    await migrate(ch);

    const redis = connectRedis(redisUrl, { name: 'floorwalker-all-in-one' });
    shutdown.defer('Redis connection', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });

    // The collector first: its real address is the public URL the dashboard and demo print.
    const collector = await buildCollector({ config: collectorConfig, redis, keys });
    shutdown.defer('collector', () => collector.close());
    await collector.listen({ host: collectorConfig.COLLECTOR_HOST, port: collectorConfig.COLLECTOR_PORT });
    const collectorUrl = localUrl(collector.server.address());
    appEnv.COLLECTOR_PUBLIC_URL ||= collectorUrl;

    const demoConfig = loadDemoConfig(appEnv);
    const seed = await seedDemoSite({
      ch,
      redis,
      keys,
      siteId: demoConfig.DEMO_SITE_ID,
      allowedOrigins: [
        `http://${browserHost(demoConfig.DEMO_HOST)}:${demoConfig.DEMO_PORT}`,
        `http://localhost:${demoConfig.DEMO_PORT}`,
        `http://127.0.0.1:${demoConfig.DEMO_PORT}`,
      ],
    });

    const engine = await startEngine({ config: loadEngineConfig(appEnv), ch, redisUrl, keys });
    shutdown.defer('engine', () => engine.stop());

    appEnv.SESSION_SECRET ||= persistentSessionSecret(join(config.dataDir, 'session-secret'));
    const dashboardConfig = loadDashboardConfig(appEnv);

    // The first admin, created here (not by the dashboard's INITIAL_ADMIN_* check) so that a
    // generated password can be stored and printed again by later starts. It is written to
    // disk right after the user row, before anything else can fail and lose it.
    const credentialsFile = join(config.dataDir, 'admin-credentials.txt');
    const chosenPassword = config.adminPassword;
    const password = chosenPassword || randomPassword();
    const created = await ensureInitialAdmin(usersRepository(ch), { email: config.adminEmail, password });
    let admin: AllInOne['admin'];
    if (created) {
      admin = { email: created.email, password, createdNow: true };
      // A password the user chose themselves is not written to disk.
      if (!chosenPassword) {
        const configuredUrl = `http://${browserHost(dashboardConfig.DASHBOARD_HOST)}:${dashboardConfig.DASHBOARD_PORT}`;
        writeAdminCredentials(credentialsFile, admin, configuredUrl);
        admin.file = credentialsFile;
      }
    } else {
      const stored = readAdminCredentials(credentialsFile);
      admin = stored ? { ...stored, file: credentialsFile, createdNow: false } : undefined;
    }

    const dashboard = await buildDashboard({ config: dashboardConfig, ch, redis, keys });
    shutdown.defer('dashboard', () => dashboard.close());
    await dashboard.listen({ host: dashboardConfig.DASHBOARD_HOST, port: dashboardConfig.DASHBOARD_PORT });
    const dashboardUrl = localUrl(dashboard.server.address());

    const demo = await buildDemoShop({
      collectorUrl: demoConfig.COLLECTOR_PUBLIC_URL,
      siteId: demoConfig.DEMO_SITE_ID,
      port: demoConfig.DEMO_PORT,
      host: demoConfig.DEMO_HOST,
    });
    shutdown.defer('demo shop', () => demo.close());

    return {
      urls: {
        dashboard: dashboardUrl,
        collector: collectorUrl,
        snippet: `${collectorUrl}/snippet.js`,
        demo: demo.url,
      },
      config,
      clickhouse: clickhouseLabel,
      redis: redisLabel,
      admin,
      demoSiteId: demoConfig.DEMO_SITE_ID,
      seeded: seed.created,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
