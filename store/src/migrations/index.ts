import { sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';
import { lowCardinalitySettings } from '../clickhouse/version.ts';
import { foundation } from './001-foundation.ts';
import { triggers } from './002-triggers.ts';
import { agentPresence } from './003-agent-presence.ts';
import type { Migration } from './migration.ts';

export type { Migration, MigrationContext } from './migration.ts';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const migrations: Migration[] = [
  { version: 1, name: 'foundation', statements: foundation },
  { version: 2, name: 'triggers', statements: triggers },
  { version: 3, name: 'agent-presence', statements: agentPresence },
];

/** Registers more migrations (later issues add theirs from their own files). */
export function registerMigration(migration: Migration): void {
  if (migrations.some((m) => m.version === migration.version)) return;
  migrations.push(migration);
  migrations.sort((a, b) => a.version - b.version);
}

export interface MigrationResult {
  applied: number[];
  current: number;
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in order.
 * Safe to run again and from a half-applied state: statements are idempotent and a
 * migration is recorded only after all its statements succeeded.
 */
export async function migrate(
  ch: ClickHouse,
  list: readonly Migration[] = migrations,
): Promise<MigrationResult> {
  const version = await ch.version();
  const settings = lowCardinalitySettings(version);
  await ch.exec(
    sql`CREATE TABLE IF NOT EXISTS ${ch.table('schema_migrations')} (
      version UInt32,
      name String,
      applied_at DateTime
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await ch.query<{ version: number }>(sql`SELECT version FROM ${ch.table('schema_migrations')}`)).map(
      (r) => Number(r.version),
    ),
  );
  const applied: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements({ ch, version })) {
      await ch.exec(statement, settings);
    }
    await ch.insert('schema_migrations', [
      { version: migration.version, name: migration.name, applied_at: Math.floor(Date.now() / 1000) },
    ]);
    applied.push(migration.version);
  }
  const current = Math.max(0, ...done, ...applied);
  return { applied, current };
}
