import { randomBytes } from 'node:crypto';
import { ConfigError, parseEnv, storeEnvShape } from '@floorwalker/store';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A base URL without a trailing slash (`https://live.shop.example`). */
const baseUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

const dashboardEnvShape = {
  ...storeEnvShape,
  /** `production` makes SESSION_SECRET mandatory. */
  NODE_ENV: z.string().default('development'),
  /** Interface to listen on. Default `0.0.0.0`. */
  DASHBOARD_HOST: z.string().min(1).default('0.0.0.0'),
  /** Port to listen on. Default 8081. */
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /**
   * Secret that signs session and CSRF cookies; at least 32 characters. Required when
   * NODE_ENV=production; otherwise a random one is generated at boot (sessions then end on restart
   * and differ between nodes, so a warning is logged).
   */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Session lifetime in seconds, renewed while the user is active. Default 12 hours. */
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(12 * 3600),
  /**
   * Public URL of the dashboard (`https://live.shop.example`). State-changing requests must come
   * from this origin. Unset: the origin the request was addressed to (its Host header).
   */
  DASHBOARD_PUBLIC_URL: baseUrl.optional(),
  /** Public URL of the collector, used in install snippets. Default `http://localhost:8080`. */
  COLLECTOR_PUBLIC_URL: baseUrl.default('http://localhost:8080'),
  /** Failed logins allowed per minute for one IP and e-mail address before 429. Default 5. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  /**
   * Mark cookies `Secure`. Default true; browsers accept Secure cookies on http://localhost, so only
   * plain-HTTP deployments on another host need false.
   */
  COOKIE_SECURE: bool.default(true),
  /** Trust `X-Forwarded-*` from a reverse proxy (for the client IP of the login rate limit). Default false. */
  TRUST_PROXY: bool.default(false),
  /** With INITIAL_ADMIN_PASSWORD: creates this admin at boot when no user exists yet. */
  INITIAL_ADMIN_EMAIL: z.email().optional(),
  /** Password of the initial admin (at least 10 characters). */
  INITIAL_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
} as const;

type ParsedEnv = z.infer<z.ZodObject<typeof dashboardEnvShape>>;

export interface DashboardConfig extends Omit<ParsedEnv, 'SESSION_SECRET'> {
  SESSION_SECRET: string;
  /** True when SESSION_SECRET was not configured and a random one was generated. */
  sessionSecretGenerated: boolean;
}

/** Parses the dashboard's environment once at boot; throws a ConfigError naming each bad variable. */
export function loadDashboardConfig(env: NodeJS.ProcessEnv): Readonly<DashboardConfig> {
  const parsed = parseEnv(dashboardEnvShape, env);
  if (parsed.NODE_ENV === 'production' && !parsed.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production');
  }
  if ((parsed.INITIAL_ADMIN_EMAIL === undefined) !== (parsed.INITIAL_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  INITIAL_ADMIN_EMAIL, INITIAL_ADMIN_PASSWORD: set both or neither',
    );
  }
  return Object.freeze({
    ...parsed,
    SESSION_SECRET: parsed.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    sessionSecretGenerated: parsed.SESSION_SECRET === undefined,
  });
}
