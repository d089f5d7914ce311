import { date, sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';
import type { AgentPresence } from './availability.ts';

/** Staffing of one site during one hour, from the presence samples. */
export interface StaffedHour {
  /** Start of the hour, epoch ms (UTC hour boundary). */
  hour: number;
  /**
   * Chat slots of agents who were `online`, averaged over the hour's 60 minutes (a minute with
   * no sample counts as no one staffed: presence exists only while a dashboard runs).
   */
  slots: number;
  /** Most agents online in any minute of the hour. */
  peakAgents: number;
  /** Minutes of the hour with at least one agent online. */
  staffedMinutes: number;
}

/** One sampled minute of one agent (rows of `agent_presence`). */
export interface PresenceSample {
  siteId: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  agent: Pick<AgentPresence, 'agentId' | 'status' | 'maxChats' | 'activeChats' | 'teams'>;
}

const MINUTE_MS = 60_000;

/**
 * Agent presence history in ClickHouse (`agent_presence`, migration 3): the dashboard samples
 * every agent's live presence once a minute; the trigger backtest reads staffed chat slots per hour.
 */
export function presenceHistory(ch: ClickHouse) {
  const table = ch.table('agent_presence');
  return {
    /** Appends samples (a repeated sample of the same minute and agent collapses on merge and is grouped on read). */
    async record(samples: readonly PresenceSample[]): Promise<void> {
      if (samples.length === 0) return;
      await ch.insert(
        'agent_presence',
        samples.map((s) => {
          const minute = Math.floor(s.minute / MINUTE_MS) * MINUTE_MS;
          return {
            site_id: s.siteId,
            day: new Date(minute).toISOString().slice(0, 10),
            minute: minute / 1000,
            agent_id: s.agent.agentId,
            status: s.agent.status,
            max_chats: Math.max(0, Math.min(65_535, Math.floor(s.agent.maxChats))),
            active_chats: Math.max(0, Math.min(65_535, Math.floor(s.agent.activeChats))),
            teams: [...s.agent.teams],
          };
        }),
      );
    },

    /**
     * Staffed chat slots per UTC hour in `[from, to)`, only hours with a sample. `team` counts only
     * agents of that team (a trigger that needs a team's agent).
     */
    async staffedHours(siteId: string, from: number, to: number, team?: string): Promise<StaffedHour[]> {
      const teamFilter = team === undefined ? sql`` : sql`AND has(teams, ${team})`;
      // Inner: one row per (minute, agent) even when several nodes sampled it; outer: per minute; then per hour.
      const rows = await ch.query<{
        hour_s: number;
        slot_minutes: number;
        peak: number;
        minutes: number;
      }>(sql`
        SELECT toUnixTimestamp(toStartOfHour(m)) AS hour_s, sum(slots) AS slot_minutes,
          max(agents) AS peak, countIf(agents > 0) AS minutes
        FROM (
          SELECT m, sum(mc) AS slots, count() AS agents
          FROM (
            SELECT minute AS m, agent_id, any(max_chats) AS mc
            FROM ${table}
            WHERE site_id = ${siteId} AND day >= ${date(new Date(from))} AND day <= ${date(new Date(to))}
              AND minute >= toDateTime(${Math.floor(from / 1000)}) AND minute < toDateTime(${Math.ceil(to / 1000)})
              AND status = 'online' ${teamFilter}
            GROUP BY m, agent_id
          ) AS per_agent
          GROUP BY m
        ) AS per_minute
        GROUP BY hour_s
        ORDER BY hour_s`);
      return rows.map((r) => ({
        hour: Number(r.hour_s) * 1000,
        slots: Math.round((Number(r.slot_minutes) / 60) * 100) / 100,
        peakAgents: Number(r.peak),
        staffedMinutes: Number(r.minutes),
      }));
    },
  };
}
export type PresenceHistory = ReturnType<typeof presenceHistory>;
