import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';
import type { RedisKeys } from '../redis/keys.ts';

/** A shop Floorwalker watches. `siteId` is also the public key in the script tag. */
export interface Site {
  siteId: string;
  name: string;
  /** Origins allowed to send events (`https://shop.example`); empty = any origin. */
  allowedOrigins: string[];
  /** IANA time zone for business hours and reports. */
  timezone: string;
  /** Honour Do Not Track / Global Privacy Control. */
  respectPrivacySignals: boolean;
  version: number;
  deleted: boolean;
  updatedBy: string;
  updatedAt: number;
}

export function newSiteId(): string {
  return `site_${randomBytes(9).toString('base64url')}`;
}

interface SiteRow {
  site_id: string;
  current_version: number;
  name: string;
  allowed_origins: string[];
  timezone: string;
  respect_privacy_signals: number;
  deleted: number;
  updated_by: string;
  updated_at: number;
}

function fromRow(r: SiteRow): Site {
  return {
    siteId: r.site_id,
    name: r.name,
    allowedOrigins: r.allowed_origins,
    timezone: r.timezone,
    respectPrivacySignals: Number(r.respect_privacy_signals) === 1,
    version: Number(r.current_version),
    deleted: Number(r.deleted) === 1,
    updatedBy: r.updated_by,
    updatedAt: Number(r.updated_at),
  };
}

/** Sites in ClickHouse: append-only versioned rows, read at their latest version. */
export function sitesRepository(ch: ClickHouse) {
  const latest = (where = sql`1`) => sql`
    SELECT site_id, max(version) AS current_version,
      argMax(name, version) AS name, argMax(allowed_origins, version) AS allowed_origins,
      argMax(timezone, version) AS timezone, argMax(respect_privacy_signals, version) AS respect_privacy_signals,
      argMax(deleted, version) AS deleted, argMax(updated_by, version) AS updated_by,
      toUnixTimestamp(argMax(updated_at, version)) AS updated_at
    FROM ${ch.table('sites')} WHERE ${where} GROUP BY site_id ORDER BY site_id`;
  return {
    /** Every site that is not deleted. */
    async list(): Promise<Site[]> {
      return (await ch.query<SiteRow>(latest())).map(fromRow).filter((s) => !s.deleted);
    },
    async get(siteId: string): Promise<Site | undefined> {
      const site = (await ch.query<SiteRow>(latest(sql`site_id = ${siteId}`))).map(fromRow)[0];
      return site && !site.deleted ? site : undefined;
    },
    /** Writes a new version of a site (create or update). Returns the stored site. */
    async save(
      input: Omit<Site, 'version' | 'deleted' | 'updatedBy' | 'updatedAt'> & { deleted?: boolean },
      by: string,
    ): Promise<Site> {
      const previous = (await ch.query<SiteRow>(latest(sql`site_id = ${input.siteId}`)))[0];
      // Versions are wall-clock microseconds, bumped past the previous one: monotonic per site
      // even across processes, without a counter to coordinate.
      const version = Math.max(Date.now() * 1000, Number(previous?.current_version ?? 0) + 1);
      const site: Site = {
        ...input,
        deleted: input.deleted ?? false,
        version,
        updatedBy: by,
        updatedAt: Math.floor(Date.now() / 1000),
      };
      await ch.insert('sites', [
        {
          site_id: site.siteId,
          version,
          name: site.name,
          allowed_origins: site.allowedOrigins,
          timezone: site.timezone,
          respect_privacy_signals: site.respectPrivacySignals ? 1 : 0,
          settings: '{}',
          deleted: site.deleted ? 1 : 0,
          updated_by: by,
          updated_at: site.updatedAt,
        },
      ]);
      return site;
    },
  };
}
export type SitesRepository = ReturnType<typeof sitesRepository>;

/**
 * The collector only talks to Redis, so the dashboard (on save) and the engine (at start)
 * mirror sites into one Redis hash the collector reads.
 */
export function siteRegistry(redis: Redis, keys: RedisKeys) {
  const hash = keys.key('sites');
  const channel = keys.key('sites', 'changed');
  return {
    channel,
    async publish(site: Site): Promise<void> {
      if (site.deleted) await redis.hdel(hash, site.siteId);
      else await redis.hset(hash, site.siteId, JSON.stringify(site));
      await redis.publish(channel, site.siteId);
    },
    async get(siteId: string): Promise<Site | undefined> {
      const text = await redis.hget(hash, siteId);
      return text ? (JSON.parse(text) as Site) : undefined;
    },
    /** Replaces the mirror with the given sites (engine start). */
    async sync(sites: readonly Site[]): Promise<void> {
      const multi = redis.multi().del(hash);
      for (const s of sites) multi.hset(hash, s.siteId, JSON.stringify(s));
      await multi.exec();
    },
  };
}
export type SiteRegistry = ReturnType<typeof siteRegistry>;
