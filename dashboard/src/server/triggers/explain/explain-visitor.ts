import type { Trigger, VisitorState } from '@floorwalker/protocol';
import { type ConditionResult, evaluateRule, type VisitorHold } from '@floorwalker/store';

/** One trigger's verdict for one live visitor. */
export interface TriggerExplanation {
  triggerId: string;
  name: string;
  version: number;
  status: Trigger['controls']['status'];
  priority: number;
  /** The conditions (and start/end dates) hold now. */
  matches: boolean;
  /**
   * Whether it would fire now: it matches, is enabled and the visitor is not on hold (budget,
   * caps and capacity decide after that).
   */
  wouldFire: boolean;
  /** The evaluator's explanation: one tree per top-level check, with the visitor's actual values. */
  explain: ConditionResult[];
  /** The failing leaves' sentences, outermost first: what stands between the visitor and the trigger. */
  failing: string[];
  /** When the verdict may change without a new event, epoch ms. */
  nextCheckAt?: number;
}

/** `GET /api/sites/:siteId/visitors/:visitorId/explain` answer. */
export interface ExplainResponse {
  visitor: VisitorState;
  /** The moment evaluated, epoch ms (server clock). */
  evaluatedAt: number;
  timezone: string;
  /** Why no trigger decides for this visitor now, whatever the conditions say (the engine's rule). */
  held?: VisitorHold;
  /** Every trigger of the site, highest priority first. */
  triggers: TriggerExplanation[];
}

/** The leaves that decide a failure: a failing group's failing children, a failing `not`'s child (which holds). */
function failingLeaves(result: ConditionResult, out: string[]): void {
  if (result.passed) return;
  const children = result.children ?? [];
  if (children.length === 0) {
    out.push(result.reason);
    return;
  }
  if (result.condition.type === 'not') {
    out.push(`not (${children[0]?.reason ?? ''})`);
    return;
  }
  for (const child of children) failingLeaves(child, out);
}

/**
 * Evaluates every trigger of a site against one visitor's live state with the engine's evaluator.
 * Pure: the caller reads the state and the triggers. `held`: the visitor is on hold
 * (`visitorHold`), so nothing would fire whatever matches.
 */
export function explainVisitor(
  state: VisitorState,
  triggers: readonly Trigger[],
  timezone: string,
  now: number,
  held = false,
): TriggerExplanation[] {
  return triggers.map((trigger) => {
    const evaluation = evaluateRule(trigger, { state, now, timezone });
    const failing: string[] = [];
    for (const node of evaluation.explain) failingLeaves(node, failing);
    const out: TriggerExplanation = {
      triggerId: trigger.id,
      name: trigger.name,
      version: trigger.version,
      status: trigger.controls.status,
      priority: trigger.controls.priority,
      matches: evaluation.matches,
      wouldFire: evaluation.matches && trigger.controls.status === 'enabled' && !held,
      explain: evaluation.explain,
      failing,
    };
    if (evaluation.nextCheckAt !== undefined) out.nextCheckAt = evaluation.nextCheckAt;
    return out;
  });
}
