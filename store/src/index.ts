export * from './clickhouse/sql.ts';
export * from './clickhouse/types.ts';
export * from './clickhouse/version.ts';
export { openEmbedded, type EmbeddedOptions } from './clickhouse/embedded.ts';
export { openServer, type ServerOptions } from './clickhouse/server.ts';
export { openClickHouse, type OpenClickHouseOptions } from './clickhouse/open.ts';
export * from './migrations/index.ts';
export * from './redis/keys.ts';
export * from './redis/connect.ts';
