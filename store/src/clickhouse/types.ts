import type { Identifier, Sql } from './sql.ts';

/** Which ClickHouse engine a store talks to. */
export type ClickHouseKind = 'embedded' | 'server';

/**
 * The small interface every app uses to reach ClickHouse.
 * Both drivers (embedded chDB and the HTTP server client) implement it with the same SQL.
 */
export interface ClickHouse {
  readonly kind: ClickHouseKind;
  /** The database all Floorwalker tables live in. */
  readonly database: string;
  /** A fully qualified, whitelisted table name: `db.name`. */
  table(name: string): Identifier;
  /** The server version string, e.g. `18.16.1` or `26.7.2.1` (cached after the first call). */
  version(): Promise<string>;
  /** Runs a SELECT and returns its rows (JSONEachRow; 64-bit integers as numbers). */
  query<T = Record<string, unknown>>(statement: Sql): Promise<T[]>;
  /**
   * Runs a statement that returns nothing (DDL, ALTER, OPTIMIZE). `settings` are sent
   * with this statement only (server driver); the embedded driver ignores settings that
   * only old servers need, so callers decide by version which to pass.
   */
  exec(statement: Sql, settings?: Readonly<Record<string, string | number>>): Promise<void>;
  /**
   * Inserts rows as JSONEachRow. Every row must carry every column: ClickHouse 18.16
   * ignores DEFAULT expressions for JSONEachRow.
   */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /** Checks the connection: resolves true when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class ClickHouseError extends Error {
  readonly code = 'FW_CLICKHOUSE';
  constructor(
    message: string,
    readonly statement?: string,
  ) {
    super(message);
  }
}

export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() !== '') rows.push(JSON.parse(line) as T);
  }
  return rows;
}

export function toJsonEachRow(rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}
