import type { Condition, TriggerRule } from '@floorwalker/protocol';
import {
  assignHoldout,
  type ClickHouse,
  checkContactBudget,
  evaluateRule,
  presenceHistory,
} from '@floorwalker/store';
import { type RecordedEvent, readBacktestEvents } from './read-backtest-events.ts';
import { type CarriedFacts, SessionReplay } from './replay-session.ts';

const HOUR_MS = 3_600_000;
/** Evaluations at scheduled times between two events of one visitor, at most (a safety bound). */
const MAX_TIMED_CHECKS = 200;

/** One hour of the backtest chart. */
export interface BacktestHour {
  /** Start of the hour, epoch ms (UTC hour boundary). */
  hour: number;
  /** Visitors the trigger would have invited (holdout excluded). */
  invited: number;
  /** Matching visitors the holdout would have kept from an invitation. */
  holdout: number;
  /** Of `invited`, those who purchased later in the same session. */
  purchased: number;
  /** Chat slots of online agents, averaged over the hour (from the agent presence history). */
  staffedSlots: number;
  /** Most agents online in one minute of the hour. */
  peakAgents: number;
}

/** One would-be invitation, for the list under the chart. */
export interface BacktestInvitation {
  visitorId: string;
  sessionId: string;
  /** When the trigger would have fired, epoch ms. */
  at: number;
  path: string;
  holdout: boolean;
  purchased: boolean;
}

/** `POST /api/sites/:siteId/triggers/backtest` answer. */
export interface BacktestResult {
  /** Replayed window, epoch ms: `[from, to)`. */
  from: number;
  to: number;
  days: number;
  timezone: string;
  /** Every hour of the window, oldest first. */
  hours: BacktestHour[];
  totals: {
    /** Visitors replayed. */
    visitors: number;
    /** Sessions replayed. */
    sessions: number;
    /** Sessions in which the conditions held at some moment. */
    matchedSessions: number;
    invited: number;
    holdout: number;
    /** Invited visitors who purchased later in the same session. */
    purchased: number;
    /** Holdout visitors who purchased later in the same session (the comparison group, unadjusted). */
    holdoutPurchased: number;
    /** Matches the contact budget stopped (a visitor already invited this session or period). */
    suppressedBudget: number;
    /** Invitations the trigger's frequency cap stopped. */
    suppressedCap: number;
    /** Sum of staffed slots over the window's hours (slot-hours). */
    staffedSlotHours: number;
    /** Largest `invited` of one hour. */
    peakInvitedPerHour: number;
  };
  /** How much data was replayed and whether limits left some out. */
  sample: {
    visitorsInWindow: number;
    visitorsReplayed: number;
    eventsReplayed: number;
    duplicatesRemoved: number;
    /** True when visitors were left out: the counts describe a uniform sample of the window. */
    limited: boolean;
    maxVisitors: number;
    maxEvents: number;
  };
  /** The first would-be invitations (at most 100), oldest first. */
  invitations: BacktestInvitation[];
  /** Caveats that apply to this rule (conditions a replay cannot reproduce, sampling). */
  notes: string[];
  /** Server time spent, ms. */
  durationMs: number;
}

/** Options of {@link runBacktest}. */
export interface BacktestOptions {
  ch: ClickHouse;
  siteId: string;
  /** The site's IANA time zone (business-hours conditions). */
  timezone: string;
  rule: TriggerRule;
  /** Trigger id the holdout bucket is drawn with. */
  triggerId: string;
  /** Days of events to replay, ending at `now`. */
  days: number;
  /** End of the window, epoch ms. Default `Date.now()`. */
  now?: number;
  /** Salt of the holdout hash (the engine's TRIGGER_HOLDOUT_SALT). Default `floorwalker`. */
  holdoutSalt?: string;
  /** Most visitors replayed. Default 20 000. */
  maxVisitors?: number;
  /** Most events replayed. Default 1 000 000. */
  maxEvents?: number;
}

interface Candidate extends BacktestInvitation {
  capped: boolean;
}

function uses(condition: Condition, type: Condition['type']): boolean {
  if (condition.type === type) return true;
  if (condition.type === 'all' || condition.type === 'any')
    return condition.conditions.some((c) => uses(c, type));
  if (condition.type === 'not') return uses(condition.condition, type);
  return false;
}

/** Groups a visitor's events (time order) by session, sessions in the order they started. */
function sessionsOf(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const bySession = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const list = bySession.get(e.sessionId);
    if (list) list.push(e);
    else bySession.set(e.sessionId, [e]);
  }
  return [...bySession.values()];
}

/**
 * Replays recorded visitors through a draft trigger with the engine's own evaluator.
 *
 * Per visitor and session, in time order: apply each event to a rebuilt live state and evaluate
 * the rule at the event's time; while it does not match, follow the evaluator's `nextCheckAt`
 * (time on page, idle, business hours, event windows…) to every moment before the next event or
 * the visitor's departure, exactly as the engine's delayed checks would. When the rule matches
 * on a page view not decided yet, the decision follows the engine: contact budget (per session,
 * per period) first, then holdout by the same hash; holdout and sent both use up the budget.
 * The frequency cap, a limit across all visitors, is applied afterwards in global time order.
 * Live capacity is deliberately not applied: the chart sets would-be invitations against the
 * chat slots that were staffed, which is the question the backtest answers.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  const to = options.now ?? Date.now();
  const from = to - options.days * 86_400_000;
  const maxVisitors = options.maxVisitors ?? 20_000;
  const maxEvents = options.maxEvents ?? 1_000_000;
  const salt = options.holdoutSalt ?? 'floorwalker';
  const { rule, timezone } = options;
  const budget = rule.controls.budget;

  const candidates: Candidate[] = [];
  let sessions = 0;
  let matchedSessions = 0;
  let suppressedBudget = 0;

  const replayVisitor = (visitorId: string, events: RecordedEvent[]) => {
    const invitationTimes: number[] = [];
    let carried: CarriedFacts | undefined;
    let visit = 0;
    const holdout = assignHoldout(visitorId, options.triggerId, salt, rule.controls.holdoutPercent);
    for (const sessionEvents of sessionsOf(events)) {
      const first = sessionEvents[0];
      if (!first) continue;
      sessions++;
      visit++;
      const replay = new SessionReplay(options.siteId, visitorId, first, visit, carried);
      const decidedPageViews = new Set<string>();
      const sessionCandidates: Candidate[] = [];
      let sessionInvitations = 0;
      let matched = false;

      const decide = (at: number) => {
        const pageViewId = replay.state.currentPage.pageViewId;
        if (decidedPageViews.has(pageViewId)) return;
        decidedPageViews.add(pageViewId);
        const verdict = checkContactBudget(
          budget,
          { sessionInvitations, recentInvitationTimes: invitationTimes, triggerSendsInWindow: 0 },
          at,
        );
        if (!verdict.ok) {
          suppressedBudget++;
          return;
        }
        sessionInvitations++;
        invitationTimes.push(at);
        sessionCandidates.push({
          visitorId,
          sessionId: first.sessionId,
          at,
          path: replay.state.currentPage.path,
          holdout,
          purchased: false,
          capped: false,
        });
      };

      for (let i = 0; i < sessionEvents.length; i++) {
        const event = sessionEvents[i] as RecordedEvent;
        replay.apply(event);
        const next = sessionEvents[i + 1];
        const horizon = Math.min(next ? next.ts : Number.POSITIVE_INFINITY, replay.presentUntil());
        let at = event.ts;
        for (let checks = 0; checks < MAX_TIMED_CHECKS; checks++) {
          const evaluation = evaluateRule(rule, { state: replay.state, now: at, timezone });
          if (evaluation.matches) {
            matched = true;
            decide(at);
            break;
          }
          const due = evaluation.nextCheckAt;
          if (due === undefined || due >= horizon || due <= at) break;
          at = due;
        }
      }
      if (matched) matchedSessions++;
      for (const c of sessionCandidates) {
        c.purchased = sessionEvents.some((e) => e.type === 'purchase' && e.ts >= c.at);
      }
      candidates.push(...sessionCandidates);
      carried = replay.carried();
    }
  };

  const summary = await readBacktestEvents(
    options.ch,
    { siteId: options.siteId, from, to, maxVisitors, maxEvents },
    replayVisitor,
  );

  // The frequency cap counts this trigger's sends across all visitors in a rolling window.
  candidates.sort((a, b) => a.at - b.at || a.visitorId.localeCompare(b.visitorId));
  let suppressedCap = 0;
  const cap = rule.controls.frequencyCap;
  if (cap) {
    const sends: number[] = [];
    let oldest = 0;
    for (const c of candidates) {
      if (c.holdout) continue;
      while (oldest < sends.length && (sends[oldest] as number) <= c.at - cap.windowSeconds * 1000) oldest++;
      if (sends.length - oldest >= cap.max) {
        c.capped = true;
        suppressedCap++;
      } else sends.push(c.at);
    }
  }

  const team = rule.availability.type === 'team' ? rule.availability.teamId : undefined;
  const staffed = await presenceHistory(options.ch).staffedHours(options.siteId, from, to, team);
  const staffedByHour = new Map(staffed.map((s) => [s.hour, s]));
  const hours: BacktestHour[] = [];
  const byHour = new Map<number, BacktestHour>();
  for (let h = Math.floor(from / HOUR_MS) * HOUR_MS; h < to; h += HOUR_MS) {
    const s = staffedByHour.get(h);
    const row: BacktestHour = {
      hour: h,
      invited: 0,
      holdout: 0,
      purchased: 0,
      staffedSlots: s?.slots ?? 0,
      peakAgents: s?.peakAgents ?? 0,
    };
    hours.push(row);
    byHour.set(h, row);
  }
  let invited = 0;
  let holdoutCount = 0;
  let purchased = 0;
  let holdoutPurchased = 0;
  for (const c of candidates) {
    if (c.capped) continue;
    const row = byHour.get(Math.floor(c.at / HOUR_MS) * HOUR_MS);
    if (c.holdout) {
      holdoutCount++;
      if (c.purchased) holdoutPurchased++;
      if (row) row.holdout++;
      continue;
    }
    invited++;
    if (c.purchased) purchased++;
    if (row) {
      row.invited++;
      if (c.purchased) row.purchased++;
    }
  }

  const notes: string[] = [];
  if (summary.truncated) {
    notes.push(
      `The window holds ${summary.visitorsInWindow} visitors; a uniform sample of ${summary.visitorsRead} was replayed (limits: ${maxVisitors} visitors, ${maxEvents} events). Counts describe the sample.`,
    );
  }
  if (uses(rule.conditions, 'exit_intent')) {
    notes.push(
      'Exit intent is signalled live over the visitor socket and not recorded: exit-intent conditions never hold in a backtest.',
    );
  }
  if (uses(rule.conditions, 'idle')) {
    notes.push(
      'Idle time counts heartbeats as presence only (whether a tab was focused is not recorded), so idle may read longer than live.',
    );
  }
  if (staffed.length === 0) {
    notes.push('No agent presence was recorded in this window: staffed slots show as zero.');
  }

  return {
    from,
    to,
    days: options.days,
    timezone,
    hours,
    totals: {
      visitors: summary.visitorsRead,
      sessions,
      matchedSessions,
      invited,
      holdout: holdoutCount,
      purchased,
      holdoutPurchased,
      suppressedBudget,
      suppressedCap,
      staffedSlotHours: Math.round(hours.reduce((sum, h) => sum + h.staffedSlots, 0) * 100) / 100,
      peakInvitedPerHour: hours.reduce((max, h) => Math.max(max, h.invited), 0),
    },
    sample: {
      visitorsInWindow: summary.visitorsInWindow,
      visitorsReplayed: summary.visitorsRead,
      eventsReplayed: summary.eventsRead,
      duplicatesRemoved: summary.duplicatesRemoved,
      limited: summary.truncated,
      maxVisitors,
      maxEvents,
    },
    invitations: candidates
      .filter((c) => !c.capped)
      .slice(0, 100)
      .map(({ capped: _capped, ...rest }) => rest),
    notes,
    durationMs: Math.round(performance.now() - started),
  };
}
