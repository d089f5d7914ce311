export { assignHoldout, holdoutBucket } from './assign-holdout.ts';
export { isWithinBusinessHours, nextBusinessHoursChange } from './business-hours.ts';
export { compileWildcard, escapeRegExp, type WildcardOptions } from './compile-wildcard.ts';
export type { ConditionResult, EvaluationContext, ExplainValue, ScheduleWindow } from './condition-result.ts';
export {
  type ContactHistory,
  type ControlDecision,
  checkContactBudget,
  checkFrequencyCap,
  checkSchedule,
  decideControls,
  type SuppressionReason,
} from './decide-controls.ts';
export { evaluateLeaf, nextElapsedChange } from './evaluate-leaf.ts';
export { type EvaluableRule, evaluateCondition, evaluateRule, type RuleEvaluation } from './evaluate-rule.ts';
export { matchNumber, matchText, matchValue, type Scalar } from './match-value.ts';
export { type AgentSlots, meetsAvailability } from './meets-availability.ts';
export { pickInvitationMessage } from './pick-invitation-message.ts';
export { type VisitorHold, type VisitorHoldReason, visitorHold } from './visitor-hold.ts';
export { instantsOfLocalTime, type LocalTime, localTime, offsetAt } from './zoned-time.ts';
