import { type VisitorServerToClientEvents, visitorRoom } from '@floorwalker/protocol';
import type { Availability, TriggerDecision } from '@floorwalker/store';
import type { Emitter } from '@socket.io/redis-emitter';
import { type UpdateDeps, updateVisitor } from '../live/update-visitor.ts';
import type { CheckQueue } from './check-queue.ts';
import type { InvitationRecord, InvitationStore, StoredInvitation } from './invitation-store.ts';

/** What delivering and withdrawing invitations needs. */
export interface DeliveryDeps {
  /** Emitter on namespace `/visitor`. */
  visitors: Emitter<VisitorServerToClientEvents>;
  availability: Availability;
  store: InvitationStore;
  checks: CheckQueue;
  /** Live state writes (status `invited`). */
  liveDeps: UpdateDeps;
}

/** A decision row about an invitation (its outcome or a later step). */
export function invitationDecision(
  record: InvitationRecord,
  outcome: TriggerDecision['outcome'],
  at: number,
  reason = '',
): TriggerDecision {
  return {
    siteId: record.siteId,
    decisionId: `${record.invitationId}:${outcome}`,
    invitationId: record.invitationId,
    triggerId: record.triggerId,
    triggerVersion: record.triggerVersion,
    visitorId: record.visitorId,
    sessionId: record.sessionId,
    pageViewId: record.pageViewId,
    outcome,
    reason,
    manual: record.manual,
    agentId: record.agentId,
    at,
  };
}

/**
 * Delivery of decided invitations, and their withdrawal. Every step is idempotent, so a claimed
 * invitation whose process died is completed by whoever resumes it with the same ids; the only
 * repeat a crash can cause is the same invitation (same id) pushed twice, which the snippet shows
 * once.
 */
export function invitationDelivery(deps: DeliveryDeps) {
  const setInvitedMark = (record: InvitationRecord, invited: boolean) =>
    updateVisitor(deps.liveDeps, record.siteId, record.visitorId, (model) => {
      if (!model) return undefined;
      const marks = model.meta.marks;
      if (invited) {
        if (marks.invitedAt >= record.decidedAt) return undefined;
        marks.invitedAt = record.decidedAt;
      } else {
        // Only this invitation's mark: a newer invitation keeps the visitor `invited`.
        if (marks.invitedAt === 0 || marks.invitedAt > record.decidedAt) return undefined;
        marks.invitedAt = 0;
      }
      return model;
    });

  return {
    /** Completes a claimed invitation: open for pacing, pushed to every tab, visitor `invited`. */
    async deliver(invitation: StoredInvitation): Promise<void> {
      if (invitation.stage === 'delivered') return;
      const { record } = invitation;
      if (record.outcome === 'sent') {
        const expiresAt = record.message.expiresAt;
        // Push first (latency), then the bookkeeping; all of it is repeatable if we die half-way.
        deps.visitors.to(visitorRoom(record.siteId, record.visitorId)).emit('invitation', record.message);
        await Promise.all([
          deps.availability.openInvitation(record.siteId, record.invitationId, expiresAt),
          deps.checks.scheduleExpiry(record.invitationId, expiresAt),
          setInvitedMark(record, true),
        ]);
      }
      await deps.store.markDelivered(record.invitationId);
    },

    /**
     * Ends an open invitation (answered, expired, or the visitor left): no longer counted by
     * pacing, hidden in every tab, visitor no longer `invited`.
     */
    async withdraw(record: InvitationRecord): Promise<void> {
      await deps.availability.closeInvitation(record.siteId, record.invitationId);
      deps.visitors
        .to(visitorRoom(record.siteId, record.visitorId))
        .emit('invitation:withdrawn', { invitationId: record.invitationId });
      await setInvitedMark(record, false);
    },
  };
}
export type InvitationDelivery = ReturnType<typeof invitationDelivery>;
