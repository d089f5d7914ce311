import { isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from '@floorwalker/store';
import { z } from 'zod';

/** Variables of the all-in-one runner itself (each app parses its own on top). */
export const allInOneEnvShape = {
  /**
   * Folder of everything `npm start` keeps: embedded ClickHouse (`clickhouse/`), the private
   * Redis (`redis/`), `admin-credentials.txt`, and `session-secret` (the dashboard's cookie key
   * when SESSION_SECRET is unset, so logins survive a restart). Default `./data`.
   */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Redis URL. Unset: `npm start` runs a private redis-server (AOF on) in `DATA_DIR/redis`. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  /** E-mail address of the admin the first start creates. Default `admin@floorwalker.local`. */
  INITIAL_ADMIN_EMAIL: z.email().default('admin@floorwalker.local'),
  /**
   * Password of that admin (at least 10 characters). Unset: a random one, printed and stored in
   * `DATA_DIR/admin-credentials.txt` (mode 600) so later starts can print it again.
   */
  INITIAL_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
} as const;

export interface AllInOneConfig {
  /** Absolute data folder. */
  dataDir: string;
  redisUrl: string | undefined;
  adminEmail: string;
  /** The admin password the user chose; undefined means generate one. */
  adminPassword: string | undefined;
  /**
   * The environment the apps parse: the process environment with the all-in-one defaults
   * filled in (interfaces on 127.0.0.1, embedded ClickHouse under the data folder).
   */
  appEnv: NodeJS.ProcessEnv;
}

/** Interface variables of every server `npm start` runs; each defaults to loopback here. */
export const hostVariables = ['COLLECTOR_HOST', 'DASHBOARD_HOST', 'DEMO_HOST'] as const;

/**
 * Parses the runner's variables and derives the apps' environment. `npm start` is for one
 * machine, so every server binds 127.0.0.1 unless its `*_HOST` variable says otherwise.
 */
export function loadAllInOneConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Readonly<AllInOneConfig> {
  const parsed = parseEnv(allInOneEnvShape, env);
  const dataDir = isAbsolute(parsed.DATA_DIR) ? parsed.DATA_DIR : resolve(cwd, parsed.DATA_DIR);
  const appEnv: NodeJS.ProcessEnv = { ...env };
  for (const name of hostVariables) if (!appEnv[name]) appEnv[name] = '127.0.0.1';
  // The runner creates the first admin itself (to store a generated password); the dashboard's
  // own INITIAL_ADMIN_* check, which wants both variables, must not see them.
  delete appEnv.INITIAL_ADMIN_EMAIL;
  delete appEnv.INITIAL_ADMIN_PASSWORD;
  if (!appEnv.CLICKHOUSE_PATH) appEnv.CLICKHOUSE_PATH = join(dataDir, 'clickhouse');
  return Object.freeze({
    dataDir,
    redisUrl: parsed.REDIS_URL,
    adminEmail: parsed.INITIAL_ADMIN_EMAIL,
    adminPassword: parsed.INITIAL_ADMIN_PASSWORD,
    appEnv,
  });
}
