import type { ContactBudget, FrequencyCap, TriggerControls } from '@floorwalker/protocol';

const DAY_MS = 86_400_000;

/** Why an otherwise matching trigger does not invite. */
export type SuppressionReason = 'suppressed_budget' | 'suppressed_cap' | 'suppressed_schedule';

/** Outcome of the control checks. */
export type ControlDecision =
  | { ok: true }
  | {
      ok: false;
      reason: SuppressionReason;
      /** Human explanation for logs and the trigger's activity view. */
      detail: string;
      /** Epoch ms from which this suppression no longer applies, when known. */
      until?: number;
    };

/** What the engine knows about past contacts; every count is the caller's, nothing is read here. */
export interface ContactHistory {
  /** Invitations shown to this visitor in the current session, from any trigger. */
  sessionInvitations: number;
  /** Epoch ms of invitations to this visitor (any trigger) covering at least the longest budget period. */
  recentInvitationTimes: readonly number[];
  /** Epoch ms the visitor last dismissed an invitation, if ever. */
  lastDismissedAt?: number;
  /** Sends of this trigger to all visitors within its frequency-cap window. */
  triggerSendsInWindow: number;
}

const OK: ControlDecision = { ok: true };

/** Paused triggers and triggers outside their start/end dates do not invite. */
export function checkSchedule(
  controls: Pick<TriggerControls, 'status' | 'startAt' | 'endAt'>,
  now: number,
): ControlDecision {
  if (controls.status === 'paused')
    return { ok: false, reason: 'suppressed_schedule', detail: 'trigger is paused' };
  if (controls.startAt !== undefined && now < controls.startAt) {
    return {
      ok: false,
      reason: 'suppressed_schedule',
      detail: 'trigger has not started',
      until: controls.startAt,
    };
  }
  if (controls.endAt !== undefined && now >= controls.endAt) {
    return { ok: false, reason: 'suppressed_schedule', detail: 'trigger has ended' };
  }
  return OK;
}

/** The visitor's contact budget: per session, per period of days, and the cooldown after a dismissal. */
export function checkContactBudget(
  budget: ContactBudget,
  history: ContactHistory,
  now: number,
): ControlDecision {
  if (history.sessionInvitations >= budget.maxPerSession) {
    return {
      ok: false,
      reason: 'suppressed_budget',
      detail: `already invited ${history.sessionInvitations} time(s) this session (max ${budget.maxPerSession})`,
    };
  }
  if (budget.dismissCooldownSeconds > 0 && history.lastDismissedAt !== undefined) {
    const until = history.lastDismissedAt + budget.dismissCooldownSeconds * 1000;
    if (now < until) {
      return {
        ok: false,
        reason: 'suppressed_budget',
        detail: `dismissed an invitation ${Math.floor((now - history.lastDismissedAt) / 1000)} s ago (cooldown ${budget.dismissCooldownSeconds} s)`,
        until,
      };
    }
  }
  if (budget.maxPerPeriod) {
    const since = now - budget.maxPerPeriod.days * DAY_MS;
    const inPeriod = history.recentInvitationTimes.filter((t) => t > since && t <= now).sort((a, b) => a - b);
    if (inPeriod.length >= budget.maxPerPeriod.count) {
      // Room again once enough of the oldest invitations have left the period.
      const freeing = inPeriod[inPeriod.length - budget.maxPerPeriod.count];
      const decision: ControlDecision = {
        ok: false,
        reason: 'suppressed_budget',
        detail: `invited ${inPeriod.length} time(s) in the last ${budget.maxPerPeriod.days} day(s) (max ${budget.maxPerPeriod.count})`,
      };
      if (freeing !== undefined) decision.until = freeing + budget.maxPerPeriod.days * DAY_MS;
      return decision;
    }
  }
  return OK;
}

/** The trigger's own frequency cap over all visitors. */
export function checkFrequencyCap(
  cap: FrequencyCap | undefined,
  history: Pick<ContactHistory, 'triggerSendsInWindow'>,
): ControlDecision {
  if (cap && history.triggerSendsInWindow >= cap.max) {
    return {
      ok: false,
      reason: 'suppressed_cap',
      detail: `trigger sent ${history.triggerSendsInWindow} invitation(s) in the last ${cap.windowSeconds} s (cap ${cap.max})`,
    };
  }
  return OK;
}

/** All control checks in order: schedule, then the visitor's budget, then the trigger's cap. */
export function decideControls(
  controls: TriggerControls,
  history: ContactHistory,
  now: number,
): ControlDecision {
  const schedule = checkSchedule(controls, now);
  if (!schedule.ok) return schedule;
  const budget = checkContactBudget(controls.budget, history, now);
  if (!budget.ok) return budget;
  return checkFrequencyCap(controls.frequencyCap, history);
}
