import type { Condition, TriggerControls } from '@floorwalker/protocol';
import type { ConditionResult, EvaluationContext, ScheduleWindow } from './condition-result.ts';
import { evaluateLeaf } from './evaluate-leaf.ts';

/** The parts of a trigger rule that decide whether it matches. */
export interface EvaluableRule {
  conditions: Condition;
  controls?: Pick<TriggerControls, 'startAt' | 'endAt'>;
}

/** Outcome of {@link evaluateRule}. */
export interface RuleEvaluation {
  /** The conditions hold and now is within the trigger's start/end dates. */
  matches: boolean;
  /** One result per top-level check: the start/end window (when the trigger has dates), then the condition tree. */
  explain: ConditionResult[];
  /**
   * Earliest future epoch ms at which `matches` may change although no new event arrives
   * (time on page / site, idle, business hours, start or end date, an event or exit intent
   * leaving its window). Undefined when only a new event can change it. Re-evaluate then.
   */
  nextCheckAt?: number;
}

/*
 * How nextCheckAt is derived.
 *
 * Every node reports `passed` and `nextCheckAt` = the earliest future instant at which its value
 * may change with the visitor state frozen (undefined = never). Leaves know exactly: a duration
 * crosses a threshold, opening hours start or end, an event leaves its window. Groups combine
 * their children without ever reporting later than the real change (reporting earlier only costs
 * one extra evaluation, reporting later would miss an invitation):
 *
 *   all, passing  → fails as soon as any child fails:        min of the children's times.
 *   all, failing  → passes only when every failing child passes, so not before the last of them
 *                   has changed: max of the failing children's times, undefined if any failing
 *                   child never changes (passing children cannot make it pass sooner).
 *   any, passing  → fails only when every passing child fails: max of the passing children's
 *                   times, undefined if any passing child never changes.
 *   any, failing  → passes as soon as any child passes:       min of the children's times.
 *   not           → changes exactly when its child does:      the child's time.
 *
 * `max` is safe because each child's time is its FIRST possible change: the group cannot change
 * before all the required children have changed at least once. It may be early (a child may flip
 * back before the others flip); the re-evaluation at that time then computes the next instant.
 * The rule itself is `all(schedule window, conditions)`.
 */
function combine(
  kind: 'all' | 'any',
  passed: boolean,
  children: readonly ConditionResult[],
): number | undefined {
  const anyMustChange = (kind === 'all') === passed;
  if (anyMustChange) {
    let min: number | undefined;
    for (const c of children) {
      if (c.nextCheckAt !== undefined && (min === undefined || c.nextCheckAt < min)) min = c.nextCheckAt;
    }
    return min;
  }
  // Every child on the deciding side (failing ones of a failing `all`, passing ones of a passing `any`) must change.
  let max: number | undefined;
  for (const c of children) {
    if (c.passed !== passed) continue;
    if (c.nextCheckAt === undefined) return undefined;
    if (max === undefined || c.nextCheckAt > max) max = c.nextCheckAt;
  }
  return max;
}

/** Evaluates a condition tree, with explanation and next check time. */
export function evaluateCondition(condition: Condition, ctx: EvaluationContext): ConditionResult {
  switch (condition.type) {
    case 'all':
    case 'any': {
      const children = condition.conditions.map((c) => evaluateCondition(c, ctx));
      const passedCount = children.filter((c) => c.passed).length;
      const passed = condition.type === 'all' ? passedCount === children.length : passedCount > 0;
      const result: ConditionResult = {
        condition,
        passed,
        actual: passedCount,
        reason: `${passedCount} of ${children.length} conditions hold, needs ${condition.type === 'all' ? 'all' : 'at least one'}`,
        children,
      };
      const next = combine(condition.type, passed, children);
      if (next !== undefined) result.nextCheckAt = next;
      return result;
    }
    case 'not': {
      const child = evaluateCondition(condition.condition, ctx);
      const result: ConditionResult = {
        condition,
        passed: !child.passed,
        actual: child.passed,
        reason: `negated condition ${child.passed ? 'holds' : 'does not hold'}`,
        children: [child],
      };
      if (child.nextCheckAt !== undefined) result.nextCheckAt = child.nextCheckAt;
      return result;
    }
    default:
      return evaluateLeaf(condition, ctx);
  }
}

function evaluateWindow(window: ScheduleWindow, now: number): ConditionResult {
  const started = window.startAt === undefined || now >= window.startAt;
  const ended = window.endAt !== undefined && now >= window.endAt;
  const passed = started && !ended;
  const result: ConditionResult = {
    condition: window,
    passed,
    actual: now,
    reason: !started
      ? `trigger starts at ${new Date(window.startAt ?? 0).toISOString()}`
      : ended
        ? `trigger ended at ${new Date(window.endAt ?? 0).toISOString()}`
        : 'within the trigger dates',
  };
  if (!started && window.startAt !== undefined) result.nextCheckAt = window.startAt;
  else if (!ended && window.endAt !== undefined) result.nextCheckAt = window.endAt;
  return result;
}

/**
 * Evaluates a trigger's conditions (and start/end dates) for one visitor. Pure: no I/O, no clock;
 * `ctx.now` is the time. Paused status, budgets and caps are decided by `decideControls`.
 */
export function evaluateRule(rule: EvaluableRule, ctx: EvaluationContext): RuleEvaluation {
  const explain: ConditionResult[] = [];
  const { startAt, endAt } = rule.controls ?? {};
  if (startAt !== undefined || endAt !== undefined) {
    const window: ScheduleWindow = { type: 'schedule' };
    if (startAt !== undefined) window.startAt = startAt;
    if (endAt !== undefined) window.endAt = endAt;
    explain.push(evaluateWindow(window, ctx.now));
  }
  explain.push(evaluateCondition(rule.conditions, ctx));
  const matches = explain.every((r) => r.passed);
  const evaluation: RuleEvaluation = { matches, explain };
  const next = combine('all', matches, explain);
  if (next !== undefined) evaluation.nextCheckAt = next;
  return evaluation;
}
