import { raw, type Sql, sql } from '../clickhouse/sql.ts';
import type { MigrationContext } from './migration.ts';

/** Sites, users, the events table and its per-minute rollup. */
export function foundation({ ch }: MigrationContext): Sql[] {
  const lc = raw('LowCardinality(String)');
  return [
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('sites')} (
      site_id String,
      version UInt64,
      name String,
      allowed_origins Array(String),
      timezone String,
      respect_privacy_signals UInt8,
      settings String,
      deleted UInt8,
      updated_by String,
      updated_at DateTime
    ) ENGINE = ReplacingMergeTree(version) ORDER BY site_id`,
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('users')} (
      user_id String,
      version UInt64,
      email String,
      name String,
      role ${lc},
      password_hash String,
      site_ids Array(String),
      teams Array(String),
      max_chats UInt16,
      deleted UInt8,
      updated_by String,
      updated_at DateTime
    ) ENGINE = ReplacingMergeTree(version) ORDER BY user_id`,
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('events')} (
      site_id String,
      day Date,
      ts DateTime,
      ts_ms UInt64,
      received_at DateTime,
      event ${lc},
      name String,
      event_id String,
      visitor_id String,
      session_id String,
      page_view_id String,
      url String,
      path String,
      title String,
      referrer String,
      utm_source String,
      utm_medium String,
      utm_campaign String,
      utm_term String,
      utm_content String,
      device ${lc},
      browser ${lc},
      os ${lc},
      country ${lc},
      language String,
      screen String,
      is_bot UInt8,
      engaged_ms UInt32,
      scroll_depth UInt8,
      value Float64,
      currency ${lc},
      order_id String,
      sku String,
      quantity UInt32,
      props String
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(day)
    ORDER BY (site_id, day, event, visitor_id, event_id)`,
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('events_per_minute')} (
      site_id String,
      minute DateTime,
      page_views AggregateFunction(sum, UInt64),
      events AggregateFunction(count),
      visitors AggregateFunction(uniq, String)
    ) ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(minute)
    ORDER BY (site_id, minute)`,
    sql`CREATE MATERIALIZED VIEW IF NOT EXISTS ${ch.table('events_per_minute_mv')}
    TO ${ch.table('events_per_minute')} AS
    SELECT
      site_id,
      toStartOfMinute(ts) AS minute,
      sumState(toUInt64(event = 'page_view')) AS page_views,
      countState() AS events,
      uniqState(visitor_id) AS visitors
    FROM ${ch.table('events')}
    WHERE is_bot = 0
    GROUP BY site_id, minute`,
  ];
}
