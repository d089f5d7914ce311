import {
  type InvitationMessage,
  type ManualInvitationJob,
  type ManualInvitationResult,
  manualInvitationJob,
} from '@floorwalker/protocol';
import { type LiveVisitors, MANUAL_TRIGGER_ID } from '@floorwalker/store';
import { newInvitationId } from './evaluate-visitor.ts';
import { type InvitationDelivery, invitationDecision } from './invitation-delivery.ts';
import type { InvitationRecord, InvitationStore } from './invitation-store.ts';
import type { TriggerKeys } from './trigger-keys.ts';
import type { VisitorLock } from './visitor-lock.ts';

/** What sending a manual invitation needs. */
export interface ManualInvitationDeps {
  live: LiveVisitors;
  store: InvitationStore;
  keys: TriggerKeys;
  lock: VisitorLock;
  delivery: InvitationDelivery;
  invitationTtlMs: number;
  now: () => number;
}

/**
 * Sends an agent's invitation to a live visitor: no rules, budget or pacing (a person decided),
 * but charged to the visitor's contact budget so automatic triggers do not pile on, recorded as
 * `sent` with trigger id `manual` and the agent. Idempotent per job: a retried job (same id)
 * resumes the first attempt's invitation.
 */
export async function sendManualInvitation(
  deps: ManualInvitationDeps,
  jobId: string,
  data: unknown,
): Promise<ManualInvitationResult> {
  const parsed = manualInvitationJob.safeParse(data);
  if (!parsed.success) return { delivered: false, reason: 'invalid_job' };
  const job: ManualInvitationJob = parsed.data;
  const claimKey = deps.keys.manualClaim(jobId);
  return deps.lock.withLock(deps.keys.lock(job.siteId, job.visitorId), async () => {
    const earlier = await deps.store.claimed(claimKey);
    if (earlier) {
      await deps.delivery.deliver(earlier);
      return { delivered: true, invitationId: earlier.record.invitationId };
    }
    const state = await deps.live.get(job.siteId, job.visitorId);
    if (!state || state.presence === 'left') return { delivered: false, reason: 'visitor_not_online' };
    const now = deps.now();
    const invitationId = newInvitationId();
    const message: InvitationMessage = {
      invitationId,
      triggerId: MANUAL_TRIGGER_ID,
      pageViewId: state.currentPage.pageViewId,
      message: job.message,
      persona: job.persona,
      autoOpen: job.autoOpen ?? false,
      expiresAt: now + deps.invitationTtlMs,
    };
    const record: InvitationRecord = {
      invitationId,
      siteId: job.siteId,
      visitorId: job.visitorId,
      sessionId: state.sessionId,
      pageViewId: state.currentPage.pageViewId,
      triggerId: MANUAL_TRIGGER_ID,
      triggerVersion: 0,
      manual: true,
      agentId: job.agentId,
      outcome: 'sent',
      decidedAt: now,
      message,
    };
    const { invitation } = await deps.store.claim({
      claimKey,
      record,
      decision: invitationDecision(record, 'sent', now, 'manual invitation'),
      chargeBudget: true,
      chargeCap: false,
    });
    await deps.delivery.deliver(invitation);
    return { delivered: true, invitationId: invitation.record.invitationId };
  });
}
