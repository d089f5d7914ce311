import { createHash, randomBytes } from 'node:crypto';
import type { InvitationMessage, Trigger, VisitorState } from '@floorwalker/protocol';
import {
  type Availability,
  type Capacity,
  hasRoomForInvitation,
  type LiveVisitors,
  type TriggerDecision,
} from '@floorwalker/store';
import {
  assignHoldout,
  decideControls,
  type EvaluationContext,
  evaluateRule,
  pickInvitationMessage,
  visitorHold,
} from '../rules/index.ts';
import type { CheckQueue } from './check-queue.ts';
import { type InvitationDelivery, invitationDecision } from './invitation-delivery.ts';
import type { InvitationRecord, InvitationStore } from './invitation-store.ts';
import type { CompiledTrigger, TriggerCache } from './trigger-cache.ts';
import type { TriggerKeys } from './trigger-keys.ts';
import type { VisitorLock } from './visitor-lock.ts';

/** Outcomes of automatic decisions. */
type Decided =
  | 'sent'
  | 'holdout'
  | 'suppressed_no_agent'
  | 'suppressed_budget'
  | 'suppressed_schedule'
  | 'suppressed_cap';

/** Why the evaluation of a visitor ran. */
export interface EvaluationCause {
  /** A timer of this page view: a no-op if the visitor is on another page view by now. */
  pageViewId?: string;
  /** The timer's due time: evaluation waits for it if the timer fired early (clock skew). */
  dueAt?: number;
}

/** What one evaluation of a visitor did (for tests, stats and logs). */
export interface VisitorEvaluation {
  skipped?: 'gone' | 'left' | 'navigated' | 'page_left' | 'busy_with_invitation' | 'chatting';
  /** Per trigger that matched (or would have but for opening hours): the decision. */
  decisions: { triggerId: string; outcome: Decided; fresh: boolean }[];
  evaluated: number;
}

/** Options of {@link visitorEvaluator}. */
export interface EvaluatorOptions {
  live: LiveVisitors;
  cache: TriggerCache;
  store: InvitationStore;
  keys: TriggerKeys;
  lock: VisitorLock;
  availability: Availability;
  delivery: InvitationDelivery;
  checks: CheckQueue;
  /** Salt of holdout assignment (change it to re-draw every holdout group). */
  holdoutSalt: string;
  /** How long an unanswered invitation stays up, ms. */
  invitationTtlMs: number;
  /** After `suppressed_no_agent`, look again this much later while the visitor stays on the page, ms. */
  pacingRetryMs: number;
  /** Time checks further ahead than this are not scheduled (the next change schedules them), ms. */
  horizonMs: number;
  now: () => number;
}

const EMPTY_CAPACITY: Capacity = { onlineAgents: 0, freeSlots: 0, openInvitations: 0, waitingChats: 0 };

export function newInvitationId(): string {
  return `inv_${randomBytes(12).toString('base64url')}`;
}

/** Id of a suppression: one per visitor, trigger, page view and reason. */
function suppressionId(state: VisitorState, triggerId: string, outcome: string): string {
  const text = `${state.siteId}\u0000${state.visitorId}\u0000${triggerId}\u0000${state.currentPage.pageViewId}\u0000${outcome}`;
  return `sup_${createHash('sha1').update(text).digest('base64url')}`;
}

/**
 * Evaluates one visitor against their site's enabled triggers, highest priority first, and acts:
 * schedules time checks, records suppressions, claims and delivers invitations. Runs under the
 * visitor's lock against the CURRENT live state (never the state that caused it), so a timer
 * of a page view the visitor left, or a second trigger after the first one invited, is a no-op.
 *
 * Order of checks for a matching trigger: opening hours (`suppressed_schedule`), then the
 * visitor's contact budget (`suppressed_budget`), the trigger's frequency cap (`suppressed_cap`),
 * holdout assignment (`holdout`, charged to the budget like a sent invitation, nothing shown),
 * capacity-aware pacing (`suppressed_no_agent`), else `sent`.
 */
export function visitorEvaluator(o: EvaluatorOptions) {
  const stats = { evaluations: 0, ruleEvaluations: 0, sent: 0, holdout: 0, suppressed: 0, resumed: 0 };

  const suppressionDecision = (
    state: VisitorState,
    trigger: Trigger,
    outcome: Exclude<Decided, 'sent' | 'holdout'>,
    reason: string,
    at: number,
  ): TriggerDecision => ({
    siteId: state.siteId,
    decisionId: suppressionId(state, trigger.id, outcome),
    invitationId: '',
    triggerId: trigger.id,
    triggerVersion: trigger.version,
    visitorId: state.visitorId,
    sessionId: state.sessionId,
    pageViewId: state.currentPage.pageViewId,
    outcome,
    reason,
    manual: false,
    agentId: '',
    at,
  });

  const schedule = async (state: VisitorState, triggerId: string, dueAt: number | undefined, now: number) => {
    if (dueAt === undefined || dueAt - now > o.horizonMs) return;
    await o.checks.scheduleCheck({
      siteId: state.siteId,
      visitorId: state.visitorId,
      pageViewId: state.currentPage.pageViewId,
      triggerId,
      dueAt: Math.max(dueAt, now + 1),
    });
  };

  const suppress = async (
    state: VisitorState,
    trigger: Trigger,
    outcome: Exclude<Decided, 'sent' | 'holdout'>,
    reason: string,
    now: number,
  ): Promise<boolean> => {
    stats.suppressed++;
    return o.store.recordOnce(suppressionDecision(state, trigger, outcome, reason, now), 2 * 86_400_000);
  };

  /** Decides one matching trigger; undefined when an earlier attempt already decided it. */
  async function decide(
    state: VisitorState,
    compiled: CompiledTrigger,
    now: number,
  ): Promise<{ outcome: Decided; fresh: boolean }> {
    const { trigger } = compiled;
    const claimKey = o.keys.claim(state.siteId, state.visitorId, trigger.id, state.currentPage.pageViewId);
    const team = trigger.availability.type === 'team' ? trigger.availability.teamId : undefined;
    const holdout = assignHoldout(
      state.visitorId,
      trigger.id,
      o.holdoutSalt,
      trigger.controls.holdoutPercent,
    );
    // An earlier claim, the budget and cap, and capacity in one round trip: every round trip
    // here is latency between the threshold and the invitation. The budget and capacity reads
    // are wasted only when an earlier attempt already decided (a retry, rare).
    const [earlier, history, capacity] = await Promise.all([
      o.store.claimed(claimKey),
      o.store.contactHistory(
        state.siteId,
        state.visitorId,
        state.sessionId,
        trigger.id,
        trigger.controls,
        now,
      ),
      holdout ? undefined : o.availability.capacity(state.siteId, team, now),
    ]);
    if (earlier) {
      if (earlier.stage === 'claimed') {
        stats.resumed++;
        await o.delivery.deliver(earlier);
      }
      return { outcome: earlier.record.outcome, fresh: false };
    }

    const control = decideControls(trigger.controls, history, now);
    if (!control.ok) {
      const fresh = await suppress(state, trigger, control.reason, control.detail, now);
      if (control.until !== undefined) await schedule(state, trigger.id, control.until, now);
      return { outcome: control.reason, fresh };
    }

    const noRoom = async (seen: Capacity, takenMeanwhile: boolean) => {
      const who = team ? `team ${team}` : 'any agent';
      const reason =
        seen.onlineAgents === 0
          ? `no agent online (${who})`
          : `no free chat slot (${who}): ${seen.freeSlots} free, ${seen.openInvitations} invitations open, ${seen.waitingChats} chats waiting${takenMeanwhile ? ', the last slot taken by another invitation meanwhile' : ''}`;
      const fresh = await suppress(state, trigger, 'suppressed_no_agent', reason, now);
      await schedule(state, trigger.id, now + o.pacingRetryMs, now);
      return { outcome: 'suppressed_no_agent' as const, fresh };
    };
    if (capacity && (capacity.onlineAgents === 0 || !hasRoomForInvitation(capacity))) {
      return noRoom(capacity, false);
    }
    const outcome: 'sent' | 'holdout' = capacity ? 'sent' : 'holdout';

    const invitationId = newInvitationId();
    const sender = trigger.action.sender;
    const message: InvitationMessage = {
      invitationId,
      triggerId: trigger.id,
      pageViewId: state.currentPage.pageViewId,
      message: pickInvitationMessage(trigger.action.message, state.language),
      persona:
        sender.type === 'agent' && sender.avatarUrl
          ? { name: sender.name, avatarUrl: sender.avatarUrl }
          : { name: sender.name },
      autoOpen: trigger.action.autoOpen,
      expiresAt: now + o.invitationTtlMs,
    };
    const record: InvitationRecord = {
      invitationId,
      siteId: state.siteId,
      visitorId: state.visitorId,
      sessionId: state.sessionId,
      pageViewId: state.currentPage.pageViewId,
      triggerId: trigger.id,
      triggerVersion: trigger.version,
      manual: false,
      agentId: '',
      outcome,
      decidedAt: now,
      message,
    };
    const claim = {
      claimKey,
      record,
      decision: invitationDecision(
        record,
        outcome,
        now,
        outcome === 'holdout' ? `holdout ${trigger.controls.holdoutPercent}%` : '',
      ),
      chargeBudget: true,
      chargeCap: outcome === 'sent',
    };
    // A sent invitation takes its open-invitation slot atomically with the claim, so decisions
    // racing for the last free slot (other visitors, other engines) cannot overshoot it.
    const claimedNow = capacity
      ? await o.store.claimPaced(claim, {
          freeSlots: capacity.freeSlots,
          keys: o.availability.pacingKeys(state.siteId),
        })
      : await o.store.claim(claim);
    if (claimedNow === 'no_room') return noRoom(capacity ?? EMPTY_CAPACITY, true);
    const { claimed, invitation } = claimedNow;
    if (!claimed) stats.resumed++;
    await o.delivery.deliver(invitation);
    if (claimed) stats[invitation.record.outcome]++;
    return { outcome: invitation.record.outcome, fresh: claimed };
  }

  /** Why a visitor is not evaluated at all in this state, if so. */
  function skipReason(state: VisitorState | undefined, cause: EvaluationCause): VisitorEvaluation['skipped'] {
    if (!state) return 'gone';
    if (cause.pageViewId !== undefined && state.currentPage.pageViewId !== cause.pageViewId)
      return 'navigated';
    const hold = visitorHold(state);
    // `page_left`: between pages (a navigation in flight, or the tab closed): a time on page
    // that was left must not invite; the next page view is a change of its own.
    // `invited`: nothing else is offered until the invitation is answered or expires.
    if (hold) return hold.reason === 'invited' ? 'busy_with_invitation' : hold.reason;
    return undefined;
  }

  /**
   * Without the lock: when no trigger matches now, and none would but for opening hours, all
   * that an evaluation does is schedule time checks, which are idempotent by job id; the lock
   * (two Redis commands) is only needed to decide. Most state changes (a new page view, a
   * heartbeat) end here. Undefined when something matches: evaluate under the lock.
   */
  async function evaluateUnlocked(
    siteId: string,
    visitorId: string,
    cause: EvaluationCause,
  ): Promise<VisitorEvaluation | undefined> {
    const state = await o.live.get(siteId, visitorId);
    const skipped = skipReason(state, cause);
    if (skipped || !state) return { decisions: [], evaluated: 0, skipped };
    const rules = await o.cache.get(siteId);
    const now = o.now();
    const ctx: EvaluationContext = { state, now, timezone: rules.timezone };
    const checks: { triggerId: string; at: number | undefined }[] = [];
    for (const compiled of rules.triggers) {
      stats.ruleEvaluations++;
      const evaluation = evaluateRule(compiled.trigger, ctx);
      if (evaluation.matches) return undefined;
      if (
        compiled.withoutBusinessHours &&
        evaluateRule({ conditions: compiled.withoutBusinessHours, controls: compiled.trigger.controls }, ctx)
          .matches
      ) {
        return undefined;
      }
      checks.push({ triggerId: compiled.trigger.id, at: evaluation.nextCheckAt });
    }
    await Promise.all(checks.map((c) => schedule(state, c.triggerId, c.at, now)));
    return { decisions: [], evaluated: checks.length };
  }

  async function evaluateLocked(
    state: VisitorState | undefined,
    cause: EvaluationCause,
  ): Promise<VisitorEvaluation> {
    const result: VisitorEvaluation = { decisions: [], evaluated: 0 };
    const skipped = skipReason(state, cause);
    if (skipped || !state) return { ...result, skipped };

    const rules = await o.cache.get(state.siteId);
    const now = o.now();
    const ctx: EvaluationContext = { state, now, timezone: rules.timezone };
    for (const compiled of rules.triggers) {
      const { trigger } = compiled;
      result.evaluated++;
      stats.ruleEvaluations++;
      const evaluation = evaluateRule(trigger, ctx);
      if (!evaluation.matches) {
        if (
          compiled.withoutBusinessHours &&
          evaluateRule({ conditions: compiled.withoutBusinessHours, controls: trigger.controls }, ctx).matches
        ) {
          const fresh = await suppress(state, trigger, 'suppressed_schedule', 'outside business hours', now);
          result.decisions.push({ triggerId: trigger.id, outcome: 'suppressed_schedule', fresh });
        }
        await schedule(state, trigger.id, evaluation.nextCheckAt, now);
        continue;
      }
      const decided = await decide(state, compiled, now);
      result.decisions.push({ triggerId: trigger.id, ...decided });
      // Sent: the visitor is invited now, lower priorities wait (and meet the budget).
      if (decided.outcome === 'sent') break;
      // Still matching and may stop matching (or a suppression may lift): look again then.
      if (decided.outcome !== 'holdout') await schedule(state, trigger.id, evaluation.nextCheckAt, now);
    }
    return result;
  }

  return {
    /**
     * Evaluates a visitor now. Decisions are taken under the visitor's lock against the state
     * read under it; a state change that matches nothing is settled without the lock.
     */
    async evaluate(
      siteId: string,
      visitorId: string,
      cause: EvaluationCause = {},
    ): Promise<VisitorEvaluation> {
      if (cause.dueAt !== undefined) {
        const early = cause.dueAt - o.now();
        if (early > 0 && early < 5000) await new Promise((resolve) => setTimeout(resolve, early));
      }
      stats.evaluations++;
      // A timer fires because something is expected to match: straight to the lock.
      if (cause.dueAt === undefined) {
        const settled = await evaluateUnlocked(siteId, visitorId, cause);
        if (settled) return settled;
      }
      return o.lock.withLock(
        o.keys.lock(siteId, visitorId),
        (state) => evaluateLocked(state, cause),
        () => o.live.get(siteId, visitorId),
      );
    },
    stats: () => ({ ...stats }),
  };
}
export type VisitorEvaluator = ReturnType<typeof visitorEvaluator>;
