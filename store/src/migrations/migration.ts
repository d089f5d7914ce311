import type { Sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';

export interface MigrationContext {
  ch: ClickHouse;
  /** `SELECT version()` of the engine being migrated. */
  version: string;
}

/** One schema step. Statements must be idempotent (`IF NOT EXISTS`) and run on 18.16 and 26.x. */
export interface Migration {
  version: number;
  name: string;
  statements(ctx: MigrationContext): Sql[];
}
