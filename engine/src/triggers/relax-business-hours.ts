import type { Condition } from '@floorwalker/protocol';

/** A group that always holds (`all` of nothing) and one that never does (`any` of nothing). */
const ALWAYS: Condition = { type: 'all', conditions: [] };
const NEVER: Condition = { type: 'any', conditions: [] };

/** True when the tree has a business-hours condition anywhere. */
export function hasBusinessHours(condition: Condition): boolean {
  switch (condition.type) {
    case 'business_hours':
      return true;
    case 'all':
    case 'any':
      return condition.conditions.some(hasBusinessHours);
    case 'not':
      return hasBusinessHours(condition.condition);
    default:
      return false;
  }
}

/**
 * The same tree with every business-hours condition made as permissive as possible: true where
 * it counts positively, false under an odd number of `not`s. If the relaxed tree matches and the
 * real one does not, the visitor would be invited but for the opening hours, which is recorded
 * as `suppressed_schedule` instead of passing silently.
 */
export function relaxBusinessHours(condition: Condition, positive = true): Condition {
  switch (condition.type) {
    case 'business_hours':
      return positive ? ALWAYS : NEVER;
    case 'all':
    case 'any':
      return {
        type: condition.type,
        conditions: condition.conditions.map((c) => relaxBusinessHours(c, positive)),
      };
    case 'not':
      return { type: 'not', condition: relaxBusinessHours(condition.condition, !positive) };
    default:
      return condition;
  }
}
