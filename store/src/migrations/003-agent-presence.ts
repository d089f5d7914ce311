import { raw, type Sql, sql } from '../clickhouse/sql.ts';
import type { MigrationContext } from './migration.ts';

/**
 * Agent presence history: one row per (site, minute, agent) for every minute an agent was
 * connected, sampled by the dashboard from the live presence in Redis. The trigger backtest
 * reads it to chart how many chat slots were staffed per hour. Several dashboard nodes may
 * sample the same minute: the order key makes those rows collapse, and reads group by
 * (minute, agent) anyway.
 */
export function agentPresence({ ch }: MigrationContext): Sql[] {
  const lc = raw('LowCardinality(String)');
  return [
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('agent_presence')} (
      site_id String,
      day Date,
      minute DateTime,
      agent_id String,
      status ${lc},
      max_chats UInt16,
      active_chats UInt16,
      teams Array(String)
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(day)
    ORDER BY (site_id, minute, agent_id)`,
  ];
}
