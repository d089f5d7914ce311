import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCollector, loadCollectorConfig } from '@floorwalker/collector';
import { type Engine, loadEngineConfig, silentLogger, startEngine } from '@floorwalker/engine';
import {
  type ClickHouseKind,
  newUserId,
  siteRegistry,
  sitesRepository,
  type UserRole,
  usersRepository,
} from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { buildDashboard, hashPassword, loadDashboardConfig } from '../../dashboard/src/index.ts';
import { buildDemoShop, type DemoShop } from '../../demo/src/server.ts';
import { buildSnippet } from '../../snippet/build.ts';
import {
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../../test/helpers/stores.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the React app into a fresh folder (production build, as an operator runs it). */
export function buildDashboardApp(outDir: string): void {
  // A child process: under vitest NODE_ENV=test would give React's development build.
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'pipe',
    },
  );
}

/** The real stack in this process: collector, engine, dashboard and the demo shop. */
export interface LiveStack {
  db: TestClickHouse;
  redis: TestRedis;
  siteId: string;
  shop: DemoShop;
  engine: Engine;
  dashboard: FastifyInstance;
  /** `http://localhost:<port>` (a secure context: the Secure session cookie works over HTTP). */
  dashboardUrl: string;
  collectorUrl: string;
  /** Staff login with access to the site. */
  staff: { email: string; password: string; name: string };
  /** Stops the collector's HTTP server (the shop's snippet cannot reach it). */
  stopCollector(): Promise<void>;
  /** Starts a new collector on the same port. */
  startCollector(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Composes collector, engine, dashboard and demo shop like the all-in-one runner does
 * (`scripts/all-in-one/run.ts`), but on the test ClickHouse (a fresh database on `kind`) and the
 * test Redis (a random prefix), with a collector that can be stopped and restarted on its port.
 * (The runner's `startAllInOne` starts its own Redis, seeds from fixed ports and does not expose
 * the collector, so it is not reused here.)
 */
export async function startLiveStack(options: {
  kind: ClickHouseKind;
  staffRole?: UserRole;
}): Promise<LiveStack> {
  const dirs: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    const snippetDir = mkdtempSync(join(tmpdir(), 'fw-e2e-snippet-'));
    const appDir = mkdtempSync(join(tmpdir(), 'fw-e2e-dashboard-'));
    dirs.push(snippetDir, appDir);
    await buildSnippet({ outdir: snippetDir, log: () => {} });
    buildDashboardApp(appDir);

    const db = await openTestClickHouse(options.kind);
    cleanups.push(() => db.cleanup());
    const redis = await openTestRedis();
    cleanups.push(() => redis.cleanup());
    const { keys } = redis;
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: keys.prefix, LOG_LEVEL: 'silent' };

    const collectorConfig = loadCollectorConfig({
      ...env,
      SNIPPET_DIR: snippetDir,
      COLLECTOR_HOST: '127.0.0.1',
    });
    let collector: FastifyInstance | undefined;
    let collectorPort = 0;
    const startCollector = async () => {
      const app = await buildCollector({ config: collectorConfig, redis: redis.redis, keys, logger: false });
      await app.listen({ host: '127.0.0.1', port: collectorPort });
      collectorPort = (app.server.address() as AddressInfo).port;
      collector = app;
    };
    const stopCollector = async () => {
      const app = collector;
      collector = undefined;
      await app?.close();
    };
    await startCollector();
    cleanups.push(stopCollector);
    const collectorUrl = `http://127.0.0.1:${collectorPort}`;

    const siteId = `site_e2e_${Math.random().toString(36).slice(2, 10)}`;
    const shop = await buildDemoShop({ collectorUrl, siteId, port: 0, host: '127.0.0.1' });
    cleanups.push(() => shop.close());
    const site = await sitesRepository(db.ch).save(
      {
        siteId,
        name: 'Demo shop',
        allowedOrigins: [shop.url],
        timezone: 'Europe/Berlin',
        respectPrivacySignals: false,
      },
      'e2e',
    );
    await siteRegistry(redis.redis, keys).publish(site);

    const engine = await startEngine({
      config: loadEngineConfig(env),
      ch: db.ch,
      redisUrl: redis.url,
      keys,
      logger: silentLogger,
    });
    cleanups.push(() => engine.stop());

    const staff = { email: 'ada@shop.test', password: 'agent-password-1', name: 'Ada Lovelace' };
    await usersRepository(db.ch).save(
      {
        userId: newUserId(),
        email: staff.email,
        name: staff.name,
        role: options.staffRole ?? 'agent',
        passwordHash: await hashPassword(staff.password),
        siteIds: [siteId],
        teams: [],
        maxChats: 3,
      },
      'e2e',
    );
    const dashboardConfig = loadDashboardConfig({
      ...env,
      SESSION_SECRET: 'e2e-session-secret-0123456789abcdefgh',
      COLLECTOR_PUBLIC_URL: collectorUrl,
    });
    const dashboard = await buildDashboard({
      config: dashboardConfig,
      ch: db.ch,
      redis: redis.redis,
      keys,
      logger: false,
      distDir: appDir,
    });
    await dashboard.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => dashboard.close());
    const dashboardUrl = `http://localhost:${(dashboard.server.address() as AddressInfo).port}`;

    return {
      db,
      redis,
      siteId,
      shop,
      engine,
      dashboard,
      dashboardUrl,
      collectorUrl,
      staff,
      stopCollector,
      startCollector,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
