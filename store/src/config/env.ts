import { z } from 'zod';

/**
 * Environment variables every app shares (storage). Apps extend this schema with their own
 * and parse once at boot with {@link parseEnv}.
 */
export const storeEnvShape = {
  /** ClickHouse server URL. Unset: embedded chDB in `CLICKHOUSE_PATH`. */
  CLICKHOUSE_URL: z.url().optional(),
  /** Embedded data folder. Default `./data/clickhouse`. */
  CLICKHOUSE_PATH: z.string().min(1).default('./data/clickhouse'),
  /** Database name. Default `floorwalker`. */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('floorwalker'),
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
  /** Prefix of every Redis key of this deployment. Default `fw`. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/)
    .default('fw'),
  /** Event stream partitions (must match across collector and engine). Default 4. */
  STREAM_PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
  /** Log level: fatal, error, warn, info, debug, trace, silent. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
} as const;

export class ConfigError extends Error {
  readonly code = 'FW_CONFIG_INVALID';
}

/**
 * Parses the environment with a zod object schema and freezes the result. Throws a
 * {@link ConfigError} naming every bad variable: `Invalid configuration: REDIS_URL: expected …`.
 */
export function parseEnv<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv,
): Readonly<z.infer<z.ZodObject<T>>> {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data) as Readonly<z.infer<z.ZodObject<T>>>;
}
