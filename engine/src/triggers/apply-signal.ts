import type { VisitorSignal } from '@floorwalker/protocol';
import { type UpdateDeps, updateVisitor } from '../live/update-visitor.ts';
import { type InvitationDelivery, invitationDecision } from './invitation-delivery.ts';
import type { InvitationStore } from './invitation-store.ts';

/** What applying visitor signals needs. */
export interface SignalDeps {
  store: InvitationStore;
  delivery: InvitationDelivery;
  liveDeps: UpdateDeps;
}

/** What a signal did (for stats and tests). */
export type SignalResult = 'recorded' | 'ignored' | 'live_updated' | 'unchanged';

/**
 * Applies one signal from the visitor socket. Invitation feedback is recorded and moves the
 * invitation along (an answer closes it for pacing, withdraws it from the visitor's other tabs
 * and starts the dismissal cooldown); presence and exit intent update the live state, which in
 * turn re-evaluates the visitor's triggers. Idempotent: a redelivered signal changes nothing
 * more (decision ids are per invitation and outcome; state moves only forward).
 */
export async function applySignal(deps: SignalDeps, signal: VisitorSignal): Promise<SignalResult> {
  switch (signal.type) {
    case 'invitation': {
      const stored = await deps.store.load(signal.invitationId);
      // Unknown, expired from Redis, or someone else's invitation: a visitor cannot answer for another.
      if (!stored) return 'ignored';
      const { record } = stored;
      if (
        record.siteId !== signal.siteId ||
        record.visitorId !== signal.visitorId ||
        record.outcome !== 'sent'
      ) {
        return 'ignored';
      }
      await deps.store.recordDecisions([invitationDecision(record, signal.outcome, signal.at)]);
      if (signal.outcome === 'shown') {
        await deps.store.transition(record.invitationId, ['sent'], 'shown');
        return 'recorded';
      }
      const { moved, previous } = await deps.store.transition(
        record.invitationId,
        ['sent', 'shown'],
        signal.outcome,
      );
      if (signal.outcome === 'dismissed')
        await deps.store.noteDismissal(record.siteId, record.visitorId, signal.at);
      // `previous === outcome`: a redelivery after a crash between the move and the withdrawal.
      if (moved || previous === signal.outcome) await deps.delivery.withdraw(record);
      return 'recorded';
    }
    case 'presence': {
      const outcome = await updateVisitor(deps.liveDeps, signal.siteId, signal.visitorId, (model) => {
        if (!model || model.state.sessionId !== signal.sessionId) return undefined;
        const pv = model.meta.pageViews.find((p) => p.id === signal.pageViewId);
        // The socket may connect before the page view's event is applied; that event creates it.
        if (!pv) return undefined;
        if (signal.connected) {
          pv.lastSeenAt = Math.max(pv.lastSeenAt, signal.at);
          model.state.lastSeenAt = Math.max(model.state.lastSeenAt, signal.at);
          if (signal.active) {
            pv.lastActiveAt = Math.max(pv.lastActiveAt, signal.at);
            model.state.lastActivityAt = Math.max(model.state.lastActivityAt, signal.at);
          }
        } else if (signal.at >= pv.lastSeenAt) {
          // The tab's socket closed: the page view ends (a next page view reopens presence).
          pv.closedAt = Math.max(pv.closedAt, signal.at);
        } else {
          return undefined;
        }
        return model;
      });
      return outcome === 'changed' || outcome === 'removed' ? 'live_updated' : 'unchanged';
    }
    case 'exit_intent': {
      const outcome = await updateVisitor(deps.liveDeps, signal.siteId, signal.visitorId, (model) => {
        if (!model || model.state.currentPage.pageViewId !== signal.pageViewId) return undefined;
        if ((model.state.exitIntentAt ?? 0) >= signal.at) return undefined;
        model.state.exitIntentAt = signal.at;
        return model;
      });
      return outcome === 'changed' ? 'live_updated' : 'unchanged';
    }
  }
}
