import type { Condition, VisitorState } from '@floorwalker/protocol';

/** What a rule is evaluated against. */
export interface EvaluationContext {
  /** The visitor's live state. */
  state: VisitorState;
  /** Evaluation time, epoch ms (server clock). */
  now: number;
  /** The site's IANA time zone; business-hours conditions without their own zone use it. */
  timezone: string;
}

/** The trigger's start/end dates, shown in explanations like a condition. */
export interface ScheduleWindow {
  type: 'schedule';
  startAt?: number;
  endAt?: number;
}

/** A JSON-friendly value shown as "actual" in explanations. */
export type ExplainValue = string | number | boolean | null | ExplainValue[];

/** One node of an evaluation explanation; groups carry their children's results. */
export interface ConditionResult {
  condition: Condition | ScheduleWindow;
  passed: boolean;
  /** The visitor's value the condition looked at (seconds for durations). */
  actual: ExplainValue;
  /** One human sentence: what was compared and why it passed or failed. */
  reason: string;
  /** Earliest future epoch ms at which this node may change with no new event. */
  nextCheckAt?: number;
  children?: ConditionResult[];
}
