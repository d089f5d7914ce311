import { storeEnvShape } from '@floorwalker/store';
import { z } from 'zod';

/** Variables of `npm run setup`: the storage ones plus the demo site's. */
export const setupEnvShape = {
  ...storeEnvShape,
  /** Create the demo shop's site (and its example data) if it never existed. Default `true`. */
  SEED_DEMO_SITE: z.stringbool().default(true),
  /** Site id of the demo shop. Default `site_demo`. */
  DEMO_SITE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{3,64}$/, 'expected 3-64 letters, digits, _ or -')
    .default('site_demo'),
  /** Comma-separated origins the demo shop is served from. Default `http://localhost:8082,http://127.0.0.1:8082`. */
  DEMO_ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:8082,http://127.0.0.1:8082')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((o) => new URL(o).origin)).min(1)),
} as const;
