import type { InvitationOutcome } from '@floorwalker/protocol';
import { date, sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';

/** Trigger id recorded for invitations an agent sent by hand. */
export const MANUAL_TRIGGER_ID = 'manual';

/** One recorded decision or invitation lifecycle step. */
export interface TriggerDecision {
  siteId: string;
  /** Unique per decision; a retried decision reuses it and stays one row. */
  decisionId: string;
  /** The invitation this decision created or is about (also set for holdout and suppressed decisions). */
  invitationId: string;
  /** Trigger id, or {@link MANUAL_TRIGGER_ID}. */
  triggerId: string;
  /** Version of the trigger that decided; 0 for manual invitations. */
  triggerVersion: number;
  visitorId: string;
  sessionId: string;
  pageViewId: string;
  outcome: InvitationOutcome;
  /** Why (for suppressions: which limit; free text for people reading the log). */
  reason: string;
  manual: boolean;
  /** Agent who sent a manual invitation (or took the chat), else empty. */
  agentId: string;
  /** When it was decided, epoch ms. */
  at: number;
}

/** Today's decisions of one trigger, by outcome. */
export type OutcomeCounts = Partial<Record<InvitationOutcome, number>>;

/** One decision as read (aliases differ from column names: ClickHouse 26 rejects shadowing). */
interface DecisionRow {
  site_id: string;
  decision_id: string;
  at_ms: number;
  invitation: string;
  trigger: string;
  trigger_v: number;
  visitor: string;
  session: string;
  page_view: string;
  result: string;
  why: string;
  by_hand: number;
  agent: string;
}

/** Options of {@link TriggerDecisions.list}. */
export interface ListDecisionsOptions {
  siteId: string;
  visitorId?: string;
  triggerId?: string;
  invitationId?: string;
  /** Only decisions at or after this time, epoch ms. Default: 7 days ago. */
  from?: number;
  /** Most rows returned (newest first). Default 500. */
  limit?: number;
}

/**
 * Epoch ms of local midnight starting the day containing `now` in `timeZone`
 * (DST-safe: found by asking Intl for the local wall clock and correcting twice).
 */
export function startOfLocalDay(now: number, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (t: number) => {
    const parts = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
    const wall = Date.UTC(
      +parts.year!,
      +parts.month! - 1,
      +parts.day!,
      +parts.hour!,
      +parts.minute!,
      +parts.second!,
    );
    return wall - Math.floor(t / 1000) * 1000;
  };
  const local = now + offsetAt(now);
  const midnightWall = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
  let guess = midnightWall - offsetAt(now);
  guess = midnightWall - offsetAt(guess);
  return guess;
}

/**
 * The decision log in ClickHouse (`trigger_decisions`, ReplacingMergeTree keyed by
 * decision id): every automatic and manual decision and every later step of an invitation.
 * Reads count distinct decision ids, so duplicates not merged yet never count twice.
 */
export function triggerDecisions(ch: ClickHouse) {
  const table = ch.table('trigger_decisions');
  return {
    /** Appends decisions (idempotent by decision id). */
    async record(decisions: readonly TriggerDecision[]): Promise<void> {
      if (decisions.length === 0) return;
      await ch.insert(
        'trigger_decisions',
        decisions.map((d) => ({
          site_id: d.siteId,
          day: new Date(d.at).toISOString().slice(0, 10),
          ts: Math.floor(d.at / 1000),
          ts_ms: Math.floor(d.at),
          decision_id: d.decisionId,
          invitation_id: d.invitationId,
          trigger_id: d.triggerId,
          trigger_version: d.triggerVersion,
          visitor_id: d.visitorId,
          session_id: d.sessionId,
          page_view_id: d.pageViewId,
          outcome: d.outcome,
          reason: d.reason,
          manual: d.manual ? 1 : 0,
          agent_id: d.agentId,
        })),
      );
    },

    /**
     * Decisions of the current day in the site's time zone, per trigger and outcome:
     * `{ [triggerId]: { sent: 3, holdout: 1, accepted: 1 } }`.
     */
    async todayCounts(
      siteId: string,
      timeZone: string,
      now = Date.now(),
    ): Promise<Record<string, OutcomeCounts>> {
      const start = startOfLocalDay(now, timeZone);
      const rows = await ch.query<{ trigger_id: string; outcome: string; n: number }>(sql`
        SELECT trigger_id, outcome, uniqExact(decision_id) AS n
        FROM ${table}
        WHERE site_id = ${siteId} AND day >= ${date(new Date(start))} AND ts >= toDateTime(${Math.floor(start / 1000)})
        GROUP BY trigger_id, outcome`);
      const out: Record<string, OutcomeCounts> = {};
      for (const r of rows) {
        out[r.trigger_id] = { ...out[r.trigger_id], [r.outcome as InvitationOutcome]: Number(r.n) };
      }
      return out;
    },

    /** Recorded decisions, newest first, one row per decision id. */
    async list(options: ListDecisionsOptions): Promise<TriggerDecision[]> {
      const from = options.from ?? Date.now() - 7 * 86_400_000;
      const filters = [
        sql`site_id = ${options.siteId}`,
        sql`day >= ${date(new Date(from))}`,
        sql`ts_ms >= ${Math.floor(from)}`,
      ];
      if (options.visitorId !== undefined) filters.push(sql`visitor_id = ${options.visitorId}`);
      if (options.triggerId !== undefined) filters.push(sql`trigger_id = ${options.triggerId}`);
      if (options.invitationId !== undefined) filters.push(sql`invitation_id = ${options.invitationId}`);
      const where = filters.reduce((a, b) => sql`${a} AND ${b}`);
      const rows = await ch.query<DecisionRow>(sql`
        SELECT site_id, decision_id, any(ts_ms) AS at_ms, any(invitation_id) AS invitation,
          any(trigger_id) AS trigger, any(trigger_version) AS trigger_v,
          any(visitor_id) AS visitor, any(session_id) AS session, any(page_view_id) AS page_view,
          any(outcome) AS result, any(reason) AS why, any(manual) AS by_hand, any(agent_id) AS agent
        FROM ${table}
        WHERE ${where}
        GROUP BY site_id, decision_id
        ORDER BY at_ms DESC, decision_id
        LIMIT ${Math.max(1, Math.min(10_000, Math.floor(options.limit ?? 500)))}`);
      return rows.map((r) => ({
        siteId: r.site_id,
        decisionId: r.decision_id,
        invitationId: r.invitation,
        triggerId: r.trigger,
        triggerVersion: Number(r.trigger_v),
        visitorId: r.visitor,
        sessionId: r.session,
        pageViewId: r.page_view,
        outcome: r.result as InvitationOutcome,
        reason: r.why,
        manual: Number(r.by_hand) === 1,
        agentId: r.agent,
        at: Number(r.at_ms),
      }));
    },
  };
}
export type TriggerDecisions = ReturnType<typeof triggerDecisions>;
