import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { Identifier, ident, type Sql, sql } from './sql.ts';
import { type ClickHouse, ClickHouseError, parseJsonEachRow, toJsonEachRow } from './types.ts';

/** Options of the server driver. */
export interface ServerOptions {
  /** HTTP URL of the server, e.g. `http://user:pass@localhost:8123`. */
  url: string;
  /** Database holding Floorwalker's tables. Default `floorwalker`; created if missing. */
  database?: string;
  /** Request timeout in ms. Default 30000. */
  requestTimeoutMs?: number;
}

/** Opens a ClickHouse server over HTTP with `@clickhouse/client`. */
export async function openServer(options: ServerOptions): Promise<ClickHouse> {
  const database = options.database ?? 'floorwalker';
  ident(database);
  const client: ClickHouseClient = createClient({
    url: options.url,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // Settings the 18.16 server knows and the client would otherwise send.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    compression: { request: false, response: false },
  });
  let versionCache: string | undefined;

  const text = async (
    statement: string,
    settings?: Readonly<Record<string, string | number>>,
  ): Promise<string> => {
    try {
      const rs = await client.exec({
        query: statement,
        ...(settings ? { clickhouse_settings: settings as Record<string, never> } : {}),
      });
      const chunks: Buffer[] = [];
      for await (const chunk of rs.stream) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      throw new ClickHouseError((error as Error).message, statement);
    }
  };

  await text(sql`CREATE DATABASE IF NOT EXISTS ${ident(database)}`.text);

  return {
    kind: 'server',
    database,
    table: (name) => new Identifier(ident(`${database}.${name}`).name),
    async version() {
      if (!versionCache) {
        const rows = parseJsonEachRow<{ v: string }>(await text('SELECT version() AS v FORMAT JSONEachRow'));
        versionCache = rows[0]?.v ?? 'unknown';
      }
      return versionCache;
    },
    async query<T>(statement: Sql) {
      return parseJsonEachRow<T>(await text(`${statement.text}\nFORMAT JSONEachRow`));
    },
    async exec(statement: Sql, settings) {
      await text(statement.text, settings);
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      const target = ident(`${database}.${table}`).name;
      await text(`INSERT INTO ${target} FORMAT JSONEachRow\n${toJsonEachRow(rows)}`);
    },
    async ping() {
      try {
        await text('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
    },
  };
}
