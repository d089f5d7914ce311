import { openEmbedded } from './embedded.ts';
import { openServer } from './server.ts';
import type { ClickHouse } from './types.ts';

/** How to reach ClickHouse: a server URL, or an embedded data folder when no URL is given. */
export interface OpenClickHouseOptions {
  /** `CLICKHOUSE_URL`; when unset, embedded chDB is used. */
  url?: string | undefined;
  /** Embedded data folder. Default `./data/clickhouse`. */
  path?: string | undefined;
  /** Database name. Default `floorwalker`. */
  database?: string | undefined;
}

/** Opens the server driver when a URL is given, else the embedded one. */
export function openClickHouse(options: OpenClickHouseOptions): Promise<ClickHouse> {
  const database = options.database ?? 'floorwalker';
  if (options.url) return openServer({ url: options.url, database });
  return openEmbedded({ path: options.path ?? './data/clickhouse', database });
}
