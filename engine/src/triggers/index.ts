export { applySignal, type SignalResult } from './apply-signal.ts';
export { type CheckJobData, checkJobId, type ExpireJobData, type TriggerJobData } from './check-queue.ts';
export { type EvaluationCause, newInvitationId, type VisitorEvaluation } from './evaluate-visitor.ts';
export { invitationDecision } from './invitation-delivery.ts';
export {
  type InvitationRecord,
  type InvitationState,
  type InvitationStore,
  invitationStore,
  type StoredInvitation,
} from './invitation-store.ts';
export { sendManualInvitation } from './manual-invitation.ts';
export { hasBusinessHours, relaxBusinessHours } from './relax-business-hours.ts';
export { type TriggerKeys, triggerKeys } from './trigger-keys.ts';
export { type TriggersWorker, type TriggersWorkerOptions, triggersWorker } from './triggers-worker.ts';
