import type { ClickHouse, Redis, RedisKeys, Site } from '@floorwalker/store';
import { exampleTriggersHook } from './example-triggers.ts';

/** What a seed hook gets: the stores and the demo site that was just created. */
export interface SeedContext {
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
  site: Site;
  /** Who the seeded rows are written by (the `updated_by` audit field). */
  by: string;
}

/** Adds example data to a freshly created demo site (runs once, right after the site). */
export type SeedHook = (context: SeedContext) => Promise<void>;

/**
 * Example data for the demo site, in order. Features that ship example configuration (example
 * triggers, canned replies) append their hook here, from their own module.
 */
export const seedHooks: SeedHook[] = [
  // Issue 4: example triggers (checkout hesitation, returning visitor on a product, exit intent).
  exampleTriggersHook,
];
