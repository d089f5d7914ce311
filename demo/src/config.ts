import { z } from 'zod';

/** A base URL without a trailing slash. */
const baseUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

const demoEnvShape = {
  /** Interface to listen on. Default `0.0.0.0`. */
  DEMO_HOST: z.string().min(1).default('0.0.0.0'),
  /** Port to listen on. Default 8082. */
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  /** Public URL of the collector the shop's snippet tag points at. Default `http://localhost:8080`. */
  COLLECTOR_PUBLIC_URL: baseUrl.default('http://localhost:8080'),
  /** Site key in the snippet tag (`data-site`). Default `site_demo`. */
  DEMO_SITE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected letters, digits, _ and - (at most 64)')
    .default('site_demo'),
};

export type DemoConfig = z.infer<z.ZodObject<typeof demoEnvShape>>;

/**
 * Parses the demo shop's environment once and freezes it. Throws an error naming every bad
 * variable (`Invalid configuration: DEMO_PORT: …`). Empty strings count as unset.
 */
export function loadDemoConfig(env: NodeJS.ProcessEnv): Readonly<DemoConfig> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.object(demoEnvShape).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}
