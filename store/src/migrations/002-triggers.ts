import { raw, type Sql, sql } from '../clickhouse/sql.ts';
import type { MigrationContext } from './migration.ts';

/**
 * Triggers (append-only versioned configuration, every version kept for the audit history)
 * and trigger decisions (every decision and invitation lifecycle step, deduplicated by
 * decision id so a retried decision is one row).
 */
export function triggers({ ch }: MigrationContext): Sql[] {
  const lc = raw('LowCardinality(String)');
  return [
    // Every version stays a row: the order key ends in `version`, so merges only collapse
    // a retried insert of the same version, never the history.
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('triggers')} (
      site_id String,
      trigger_id String,
      version UInt64,
      name String,
      definition String,
      enabled UInt8,
      priority Int32,
      restored_from UInt64,
      deleted UInt8,
      author String,
      created_at DateTime
    ) ENGINE = ReplacingMergeTree
    ORDER BY (site_id, trigger_id, version)`,
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('trigger_decisions')} (
      site_id String,
      day Date,
      ts DateTime,
      ts_ms UInt64,
      decision_id String,
      invitation_id String,
      trigger_id String,
      trigger_version UInt64,
      visitor_id String,
      session_id String,
      page_view_id String,
      outcome ${lc},
      reason String,
      manual UInt8,
      agent_id String
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(day)
    ORDER BY (site_id, day, trigger_id, outcome, decision_id)`,
  ];
}
