import {
  type ClickHouse,
  type Redis,
  type RedisKeys,
  type Site,
  siteRegistry,
  sitesRepository,
  sql,
} from '@floorwalker/store';
import { type SeedHook, seedHooks } from './hooks.ts';

/** Options of {@link seedDemoSite}. */
export interface SeedDemoSiteOptions {
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
  /** Site id of the demo shop (public: it is in the script tag). */
  siteId: string;
  /** Origins the demo shop is served from (`http://127.0.0.1:8082`). */
  allowedOrigins: string[];
  /** Example data to add once. Default: every hook in `seedHooks`. */
  hooks?: readonly SeedHook[];
}

export interface SeedDemoSiteResult {
  /** The demo site, or undefined when it was created once and deleted since. */
  site: Site | undefined;
  /** True when this call created it (first start). */
  created: boolean;
}

/**
 * Creates the demo shop's site once. The marker is the site's own row in ClickHouse: when any
 * version of it exists (even a deleted one, which means an admin removed it on purpose) nothing
 * is created again, so a second start keeps whatever staff changed.
 */
export async function seedDemoSite(options: SeedDemoSiteOptions): Promise<SeedDemoSiteResult> {
  const { ch, redis, keys, siteId } = options;
  const sites = sitesRepository(ch);
  const [row] = await ch.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${ch.table('sites')} WHERE site_id = ${siteId}`,
  );
  if (Number(row?.n ?? 0) > 0) return { site: await sites.get(siteId), created: false };

  const by = 'seed';
  const site = await sites.save(
    {
      siteId,
      name: 'Demo shop',
      allowedOrigins: [...new Set(options.allowedOrigins)],
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      respectPrivacySignals: true,
    },
    by,
  );
  await siteRegistry(redis, keys).publish(site);
  for (const hook of options.hooks ?? seedHooks) await hook({ ch, redis, keys, site, by });
  return { site, created: true };
}
