import { hostname } from 'node:os';
import { ConfigError, parseEnv, storeEnvShape } from '@floorwalker/store';
import { z } from 'zod';

const engineEnvShape = {
  ...storeEnvShape,
  /** Longest time rows wait in the writer before an insert, ms. Default 1000. */
  ENGINE_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Rows per ClickHouse insert (an insert happens earlier when this many are buffered). Default 10000. */
  ENGINE_BATCH_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Consumer name in the stream consumer groups; unique per engine process. Default `<hostname>-<pid>`. */
  ENGINE_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/)
    .default(`${hostname()}-${process.pid}`),
  /** A visitor with no activity for this long is idle. Default 60. */
  VISITOR_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** A visitor not heard from for this long (no heartbeat either) has left. Default 120. */
  VISITOR_LEFT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  /** How long the state of a visitor who left is kept before it is removed. Default 1800. */
  VISITOR_STATE_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(1800),
  /** How long a visitor's visit count is remembered after their last visit, days. Default 400. */
  VISITOR_MEMORY_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  // --- triggers and invitations (issue 4) ---
  /** Salt of holdout assignment; changing it re-draws every trigger's holdout group. Default `floorwalker`. */
  TRIGGER_HOLDOUT_SALT: z.string().min(1).max(128).default('floorwalker'),
  /** How long an unanswered invitation stays up before it is withdrawn (`expired`). Default 120. */
  INVITATION_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  /** After `suppressed_no_agent`, look again this much later while the visitor stays on the page. Default 30. */
  TRIGGER_PACING_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
} as const;

export type EngineConfig = Readonly<z.infer<z.ZodObject<typeof engineEnvShape>>>;

/** Parses the engine's environment once at boot; throws naming every bad variable. */
export function loadEngineConfig(env: NodeJS.ProcessEnv): EngineConfig {
  const config = parseEnv(engineEnvShape, env);
  if (config.VISITOR_LEFT_SECONDS < config.VISITOR_IDLE_SECONDS) {
    throw new ConfigError(
      `Invalid configuration:\n  VISITOR_LEFT_SECONDS: must be at least VISITOR_IDLE_SECONDS (${config.VISITOR_IDLE_SECONDS})`,
    );
  }
  return config;
}
