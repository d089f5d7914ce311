import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import { Identifier, ident, type Sql, sql } from './sql.ts';
import { type ClickHouse, ClickHouseError, parseJsonEachRow, toJsonEachRow } from './types.ts';

/** Options of the embedded (chDB) driver. */
export interface EmbeddedOptions {
  /** Folder holding the data. Default `./data/clickhouse`. */
  path?: string;
  /** Database holding Floorwalker's tables. Default `floorwalker`. */
  database?: string;
}

// chDB runs one engine per process: every embedded store in this process shares it.
let shared: { path: string; session: Session; users: number } | undefined;

function acquire(path: string): Session {
  if (shared && shared.path !== path) {
    throw new ClickHouseError(
      `embedded ClickHouse is already open at ${shared.path}; one process can open one data folder`,
    );
  }
  if (!shared) {
    mkdirSync(path, { recursive: true });
    const session = new Session(path, {
      connectionArgs: ['--output_format_json_quote_64bit_integers=0', '--session_timezone=UTC'],
    });
    shared = { path, session, users: 0 };
  }
  shared.users++;
  return shared.session;
}

function release(): void {
  if (!shared) return;
  shared.users--;
  if (shared.users <= 0) {
    shared.session.close();
    shared = undefined;
  }
}

/** Opens embedded ClickHouse (chDB, in-process, async API so the event loop never blocks). */
export async function openEmbedded(options: EmbeddedOptions = {}): Promise<ClickHouse> {
  const path = options.path ?? './data/clickhouse';
  const database = options.database ?? 'floorwalker';
  ident(database);
  const session = acquire(path);
  let closed = false;
  let versionCache: string | undefined;

  const run = async (text: string, format?: string): Promise<string> => {
    if (closed) throw new ClickHouseError('embedded ClickHouse store is closed');
    try {
      const result = await session.queryAsync(text, format ? { format } : {});
      return result.text();
    } catch (error) {
      throw new ClickHouseError((error as Error).message, text);
    }
  };

  await run(sql`CREATE DATABASE IF NOT EXISTS ${ident(database)}`.text);

  const store: ClickHouse = {
    kind: 'embedded',
    database,
    table: (name) => new Identifier(ident(`${database}.${name}`).name),
    async version() {
      if (!versionCache) {
        const rows = parseJsonEachRow<{ v: string }>(await run('SELECT version() AS v', 'JSONEachRow'));
        versionCache = rows[0]?.v ?? 'unknown';
      }
      return versionCache;
    },
    async query<T>(statement: Sql) {
      return parseJsonEachRow<T>(await run(statement.text, 'JSONEachRow'));
    },
    async exec(statement: Sql) {
      await run(statement.text);
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      const target = ident(`${database}.${table}`).name;
      try {
        await session.insert({
          table: target,
          values: Buffer.from(toJsonEachRow(rows)),
          format: 'JSONEachRow',
        });
      } catch (error) {
        throw new ClickHouseError((error as Error).message, `INSERT INTO ${target}`);
      }
    },
    async ping() {
      try {
        await run('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      release();
    },
  };
  return store;
}
