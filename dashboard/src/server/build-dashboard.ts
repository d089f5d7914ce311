import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import {
  type ClickHouse,
  type Redis,
  type RedisKeys,
  siteRegistry,
  sitesRepository,
  usersRepository,
} from '@floorwalker/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DashboardConfig } from '../config.ts';
import { agentSocketPlugins } from './agent-socket/index.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { csrfProtection } from './auth/csrf.ts';
import { createSessionLookup } from './auth/session-lookup.ts';
import { sessionStore } from './auth/session-store.ts';
import { errorHandling } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { securityHeaders } from './http/security-headers.ts';
import { dashboardMetrics, metricsRoutes } from './metrics/dashboard-metrics.ts';
import { siteRoutes } from './sites/site-routes.ts';
import { type TriggerFeaturesOptions, triggerFeatures } from './triggers/index.ts';
import { ensureInitialAdmin } from './users/initial-admin.ts';
import { userRoutes } from './users/user-routes.ts';
import { serveApp } from './web-app/serve-app.ts';
import './context.ts';

/** Collaborators of {@link buildDashboard}. */
export interface DashboardDeps {
  config: Readonly<DashboardConfig>;
  /** Migrated ClickHouse (the caller runs `migrate`). */
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
  /**
   * A pino-compatible logger instance, or Fastify logger options / `false`.
   * Default: a pino logger at `config.LOG_LEVEL`.
   */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger'];
  /** Folder of the built React app. Default `dashboard/dist`. */
  distDir?: string;
  /** Triggers page: backtest limits, holdout salt, agent presence sampling. Defaults as documented there. */
  triggers?: TriggerFeaturesOptions;
}

/** `dashboard/dist`, next to this workspace's `src/`. */
export const defaultDistDir = fileURLToPath(new URL('../../dist', import.meta.url));

function isLoggerInstance(logger: DashboardDeps['logger']): logger is FastifyBaseLogger {
  return (
    typeof logger === 'object' && logger !== null && typeof (logger as FastifyBaseLogger).child === 'function'
  );
}

/**
 * Builds the dashboard server (REST API, sessions, static app) without listening. The caller
 * owns `ch` and `redis` and closes them after `app.close()`.
 */
export async function buildDashboard(deps: DashboardDeps): Promise<FastifyInstance> {
  const { config, ch, redis, keys } = deps;
  const base: FastifyServerOptions = { trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 };
  const logger = deps.logger ?? { level: config.LOG_LEVEL };
  const app: FastifyInstance = isLoggerInstance(logger)
    ? Fastify({ ...base, loggerInstance: logger })
    : Fastify({ ...base, logger });

  const users = usersRepository(ch);
  const sessions = sessionStore(redis, keys, { ttlSeconds: config.SESSION_TTL_SECONDS });
  app.decorate('config', config);
  app.decorate('ch', ch);
  app.decorate('redis', redis);
  app.decorate('keys', keys);
  app.decorate('users', users);
  app.decorate('sites', sitesRepository(ch));
  app.decorate('siteRegistry', siteRegistry(redis, keys));
  app.decorate('sessions', sessions);
  app.decorate('lookupSession', createSessionLookup({ sessions, users, secret: config.SESSION_SECRET }));
  app.decorate('metrics', dashboardMetrics());
  app.decorateRequest('auth', null);

  if (config.sessionSecretGenerated) {
    app.log.warn(
      'SESSION_SECRET is not set: using a random one. Sessions end on restart and are not shared between ' +
        'dashboard nodes. Set SESSION_SECRET (32+ characters) in production.',
    );
  }
  if (config.INITIAL_ADMIN_EMAIL && config.INITIAL_ADMIN_PASSWORD) {
    const admin = await ensureInitialAdmin(users, {
      email: config.INITIAL_ADMIN_EMAIL,
      password: config.INITIAL_ADMIN_PASSWORD,
    });
    if (admin) app.log.info({ email: admin.email }, 'created the initial admin');
  }

  await app.register(fastifyCookie, { secret: config.SESSION_SECRET, hook: 'onRequest' });
  await app.register(errorHandling);
  await app.register(securityHeaders);
  await app.register(csrfProtection);
  await app.register(metricsRoutes);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(siteRoutes);
  await app.register(userRoutes);
  await app.register(triggerFeatures, deps.triggers ?? {});
  for (const plugin of agentSocketPlugins) await app.register(plugin);
  await app.register(serveApp, { distDir: deps.distDir ?? defaultDistDir });
  return app;
}
