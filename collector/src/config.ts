import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv, storeEnvShape } from '@floorwalker/store';
import { z } from 'zod';

/** The built snippet of this checkout: `<repo>/snippet/dist`. */
const defaultSnippetDir = fileURLToPath(new URL('../../snippet/dist', import.meta.url));

/** `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` (zod's stringbool). */
const flag = () => z.stringbool();

/** Environment of the collector: the shared storage variables plus its own. */
export const collectorEnvShape = {
  ...storeEnvShape,
  /** Interface to listen on. Default `0.0.0.0`. */
  COLLECTOR_HOST: z.string().min(1).default('0.0.0.0'),
  /** Port to listen on. Default `8080`. */
  COLLECTOR_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /**
   * Trust `X-Forwarded-For` (client IP for rate limits and geo) and `GEO_COUNTRY_HEADER`.
   * Enable only behind a proxy you run, which sets these headers. Default `false`.
   */
  TRUST_PROXY: flag().default(false),
  /**
   * Header carrying the visitor's ISO country set by the trusted proxy, e.g. `cf-ipcountry`.
   * Honoured only when `TRUST_PROXY` is on; otherwise the bundled GeoIP database is used. Default unset.
   */
  GEO_COUNTRY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name')
    .transform((h) => h.toLowerCase())
    .optional(),
  /**
   * Look up the country of the client IP in geoip-lite's bundled database (offline, ~150 MB of
   * memory, loaded at start). Default `true`.
   */
  GEOIP_ENABLED: flag().default(true),
  /** Folder of the built snippet (`snippet.js` and its chunks). Default `<repo>/snippet/dist`. */
  SNIPPET_DIR: z
    .string()
    .min(1)
    .transform((p) => (isAbsolute(p) ? p : resolve(p)))
    .default(defaultSnippetDir),
  /** Event batches one client IP may send per minute (IPv6 counted per /64); 0 = unlimited. Default 600. */
  RATE_LIMIT_PER_IP_PER_MIN: z.coerce.number().int().min(0).default(600),
  /** Events one site may send per minute; 0 = unlimited. Default 60000. */
  RATE_LIMIT_PER_SITE_PER_MIN: z.coerce.number().int().min(0).default(60_000),
  /** Event ids seen within this many seconds are dropped as retries; 0 = off. Default 600. */
  DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /**
   * Approximate cap (`XADD MAXLEN ~`) of each event stream; 0 = uncapped. A cap trims events the
   * engine has not written yet when it falls that far behind, so keep it far above any backlog you
   * want to survive. Default 0.
   */
  STREAM_MAX_LENGTH: z.coerce.number().int().min(0).default(0),
  /** Longest wait for Redis before answering 503 (the snippet retries). Default 2000 ms. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. Default unset (open). */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
} as const;

export type CollectorConfig = Readonly<z.infer<z.ZodObject<typeof collectorEnvShape>>>;

/** Parses the collector's environment once; throws a `ConfigError` naming each bad variable. */
export function loadCollectorConfig(env: NodeJS.ProcessEnv): CollectorConfig {
  return parseEnv(collectorEnvShape, env);
}
