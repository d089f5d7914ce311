// Wire types of the trigger API, taken from the server code (type-only imports are erased in the bundle).
export type { ConditionResult } from '@floorwalker/store';
export type { BacktestHour, BacktestResult } from '../../../server/triggers/backtest/run-backtest.ts';
export type {
  ExplainableVisitor,
  ExplainVisitorsResponse,
} from '../../../server/triggers/explain/explain-routes.ts';
export type {
  ExplainResponse,
  TriggerExplanation,
} from '../../../server/triggers/explain/explain-visitor.ts';
export type { DiffEntry, Json } from '../../../server/triggers/trigger-diff.ts';
export type { TriggerDiffResponse } from '../../../server/triggers/trigger-routes.ts';
export type {
  TodayCounts,
  TriggerListResponse,
  TriggerVersionsResponse,
  TriggerView,
} from '../../../server/triggers/trigger-view.ts';
