import { randomBytes } from 'node:crypto';
import { type Trigger, type TriggerDraft, type TriggerRule, triggerDraft } from '@floorwalker/protocol';
import { sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';

/** One saved version of a trigger, as listed in its history. */
export interface TriggerVersion {
  version: number;
  author: string;
  /** When this version was saved, epoch ms. */
  savedAt: number;
  /** The version this one restored, when it was a restore. */
  restoredFrom?: number;
  deleted: boolean;
  /** The rule as saved in this version. */
  rule: TriggerRule;
}

/** Thrown when a save expected another latest version (someone saved in between). */
export class TriggerVersionConflictError extends Error {
  readonly code = 'FW_TRIGGER_VERSION_CONFLICT';
  constructor(
    readonly triggerId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`trigger ${triggerId} is at version ${actual}, not ${expected}: reload and save again`);
  }
}

/** Thrown when a trigger or version does not exist (or the trigger was deleted). */
export class TriggerNotFoundError extends Error {
  readonly code = 'FW_TRIGGER_NOT_FOUND';
}

/** Options of {@link TriggersRepository.save}. */
export interface SaveTriggerOptions {
  /** Site the trigger belongs to. */
  siteId: string;
  /** Existing trigger to change; omitted to create a new one. */
  triggerId?: string;
  /** The rule; validated (and defaulted) with the protocol's `triggerDraft` schema. */
  rule: TriggerDraft;
  /** User id of whoever saves. */
  author: string;
  /** Optimistic concurrency: fail with {@link TriggerVersionConflictError} unless this is the latest version. */
  expectedVersion?: number;
}

/** One version row as read (aliases differ from column names: ClickHouse 26 rejects shadowing). */
interface TriggerRow {
  site_id: string;
  trigger_id: string;
  v: number;
  def: string;
  restored: number;
  del: number;
  by_user: string;
  saved_at: number;
}

export function newTriggerId(): string {
  return `trg_${randomBytes(9).toString('base64url')}`;
}

/**
 * Triggers in ClickHouse: every save appends a version row (`version` = previous + 1) with its
 * author and time, so the history and restore come for free; reads take the latest version
 * with `argMax(…, version)`.
 */
export function triggersRepository(ch: ClickHouse) {
  const table = ch.table('triggers');

  /** Latest version of each trigger of a site, with the time of its first version. */
  const latest = (siteId: string, triggerId?: string) => sql`
    SELECT site_id, trigger_id, max(version) AS v,
      argMax(definition, version) AS def, argMax(restored_from, version) AS restored,
      argMax(deleted, version) AS del, argMax(author, version) AS by_user,
      toUnixTimestamp(argMax(created_at, version)) AS saved_at,
      toUnixTimestamp(min(created_at)) AS first_at
    FROM ${table}
    WHERE site_id = ${siteId} ${triggerId === undefined ? sql`` : sql`AND trigger_id = ${triggerId}`}
    GROUP BY site_id, trigger_id
    ORDER BY trigger_id`;

  const toTrigger = (row: TriggerRow & { first_at: number }): Trigger => {
    const rule = JSON.parse(row.def) as TriggerRule;
    return {
      ...rule,
      id: row.trigger_id,
      siteId: row.site_id,
      version: Number(row.v),
      author: row.by_user,
      createdAt: Number(row.first_at) * 1000,
      updatedAt: Number(row.saved_at) * 1000,
    };
  };

  async function latestRow(siteId: string, triggerId: string) {
    return (await ch.query<TriggerRow & { first_at: number }>(latest(siteId, triggerId)))[0];
  }

  async function append(
    siteId: string,
    triggerId: string,
    version: number,
    rule: TriggerRule,
    author: string,
    extra: { restoredFrom?: number; deleted?: boolean } = {},
  ): Promise<void> {
    await ch.insert('triggers', [
      {
        site_id: siteId,
        trigger_id: triggerId,
        version,
        name: rule.name,
        definition: JSON.stringify(rule),
        enabled: rule.controls.status === 'enabled' ? 1 : 0,
        priority: rule.controls.priority,
        restored_from: extra.restoredFrom ?? 0,
        deleted: extra.deleted ? 1 : 0,
        author,
        created_at: Math.floor(Date.now() / 1000),
      },
    ]);
  }

  async function save(options: SaveTriggerOptions): Promise<Trigger> {
    const rule = triggerDraft.parse(options.rule);
    const triggerId = options.triggerId ?? newTriggerId();
    const previous = options.triggerId ? await latestRow(options.siteId, triggerId) : undefined;
    if (options.triggerId && (!previous || Number(previous.del) === 1)) {
      throw new TriggerNotFoundError(`trigger ${triggerId} not found`);
    }
    const current = Number(previous?.v ?? 0);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
      throw new TriggerVersionConflictError(triggerId, options.expectedVersion, current);
    }
    await append(options.siteId, triggerId, current + 1, rule, options.author);
    const saved = await get(options.siteId, triggerId);
    if (!saved) throw new TriggerNotFoundError(`trigger ${triggerId} not found after save`);
    return saved;
  }

  async function get(siteId: string, triggerId: string): Promise<Trigger | undefined> {
    const row = await latestRow(siteId, triggerId);
    return row && Number(row.del) === 0 ? toTrigger(row) : undefined;
  }

  return {
    /** The latest version of every trigger of a site that is not deleted, by priority (highest first). */
    async list(siteId: string): Promise<Trigger[]> {
      const rows = await ch.query<TriggerRow & { first_at: number }>(latest(siteId));
      return rows
        .filter((r) => Number(r.del) === 0)
        .map(toTrigger)
        .sort((a, b) => b.controls.priority - a.controls.priority || a.id.localeCompare(b.id));
    },

    /** Only the triggers that may fire: latest versions with status `enabled`, by priority. */
    async listEnabled(siteId: string): Promise<Trigger[]> {
      return (await this.list(siteId)).filter((t) => t.controls.status === 'enabled');
    },

    get,

    /** One specific version (also of a deleted trigger). */
    async getVersion(
      siteId: string,
      triggerId: string,
      version: number,
    ): Promise<TriggerVersion | undefined> {
      return (await this.history(siteId, triggerId)).find((v) => v.version === version);
    },

    /** Every version of a trigger, newest first. */
    async history(siteId: string, triggerId: string): Promise<TriggerVersion[]> {
      const rows = await ch.query<TriggerRow>(sql`
        SELECT site_id, trigger_id, version AS v, any(definition) AS def,
          any(restored_from) AS restored, any(deleted) AS del, any(author) AS by_user,
          toUnixTimestamp(any(created_at)) AS saved_at
        FROM ${table}
        WHERE site_id = ${siteId} AND trigger_id = ${triggerId}
        GROUP BY site_id, trigger_id, version
        ORDER BY v DESC`);
      return rows.map((r) => ({
        version: Number(r.v),
        author: r.by_user,
        savedAt: Number(r.saved_at) * 1000,
        ...(Number(r.restored) > 0 ? { restoredFrom: Number(r.restored) } : {}),
        deleted: Number(r.del) === 1,
        rule: JSON.parse(r.def) as TriggerRule,
      }));
    },

    /** Creates a trigger (no `triggerId`) or saves a new version of one. */
    save,

    /** Saves an old version's rule as the new latest version (also undeletes). */
    async restore(siteId: string, triggerId: string, version: number, author: string): Promise<Trigger> {
      const old = await this.getVersion(siteId, triggerId, version);
      if (!old) throw new TriggerNotFoundError(`trigger ${triggerId} has no version ${version}`);
      const current = Number((await latestRow(siteId, triggerId))?.v ?? 0);
      await append(siteId, triggerId, current + 1, old.rule, author, { restoredFrom: version });
      const saved = await get(siteId, triggerId);
      if (!saved) throw new TriggerNotFoundError(`trigger ${triggerId} not found after restore`);
      return saved;
    },

    /** Deletes a trigger (a new version marked deleted; history and restore keep working). */
    async remove(siteId: string, triggerId: string, author: string): Promise<void> {
      const previous = await latestRow(siteId, triggerId);
      if (!previous || Number(previous.del) === 1)
        throw new TriggerNotFoundError(`trigger ${triggerId} not found`);
      const rule = JSON.parse(previous.def) as TriggerRule;
      await append(siteId, triggerId, Number(previous.v) + 1, rule, author, { deleted: true });
    },
  };
}
export type TriggersRepository = ReturnType<typeof triggersRepository>;
