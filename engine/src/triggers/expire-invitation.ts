import { type InvitationDelivery, invitationDecision } from './invitation-delivery.ts';
import type { InvitationStore } from './invitation-store.ts';

/**
 * Expires an invitation nobody answered: recorded `expired`, closed for pacing, withdrawn from
 * the visitor's tabs. A no-op once answered; safe to repeat after a crash half-way.
 */
export async function expireInvitation(
  deps: { store: InvitationStore; delivery: InvitationDelivery },
  invitationId: string,
  at: number,
  reason = 'not answered in time',
): Promise<boolean> {
  const stored = await deps.store.load(invitationId);
  if (stored?.record.outcome !== 'sent') return false; // unknown, or a holdout (never shown)
  const { moved, previous } = await deps.store.transition(invitationId, ['sent', 'shown'], 'expired');
  if (!moved && previous !== 'expired') return false;
  await deps.store.recordDecisions([invitationDecision(stored.record, 'expired', at, reason)]);
  await deps.delivery.withdraw(stored.record);
  return true;
}
