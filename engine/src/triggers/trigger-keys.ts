import type { RedisKeys } from '@floorwalker/store';

/**
 * Redis keys of trigger evaluation and invitations (all under the deployment prefix).
 *
 * - `trg:claim:<site>:<visitor>:<trigger>:<page view>` string → invitation id: the one decision
 *   (sent or holdout) of a trigger for a page view, claimed with SET NX
 * - `trg:claim:manual:<job id>`          string → invitation id of a manual invitation job
 * - `trg:inv:<invitation id>`            hash `record` (InvitationRecord JSON), `stage`, `state`
 * - `trg:pending`                        zset invitation id → claim time: claimed, not yet delivered
 * - `trg:noted:<decision id>`            string: a suppression already recorded (once per page view)
 * - `trg:lock:<site>:<visitor>`          string: one evaluation of a visitor at a time
 * - `trg:session:<site>:<session>`       set of invitation ids this session (contact budget)
 * - `trg:contacts:<site>:<visitor>`      zset invitation id → time (budget per N days)
 * - `trg:dismissed:<site>:<visitor>`     string: epoch ms of the last dismissal (cooldown)
 * - `trg:sends:<site>:<trigger>`         zset invitation id → time (per-trigger frequency cap)
 * - `trg:outbox`                         stream (field `e`, JSON TriggerDecision) → ClickHouse
 */
export function triggerKeys(keys: RedisKeys) {
  return {
    claim: (siteId: string, visitorId: string, triggerId: string, pageViewId: string) =>
      keys.key('trg', 'claim', siteId, visitorId, triggerId, pageViewId),
    manualClaim: (jobId: string) => keys.key('trg', 'claim', 'manual', jobId),
    invitation: (invitationId: string) => keys.key('trg', 'inv', invitationId),
    pending: keys.key('trg', 'pending'),
    noted: (decisionId: string) => keys.key('trg', 'noted', decisionId),
    lock: (siteId: string, visitorId: string) => keys.key('trg', 'lock', siteId, visitorId),
    session: (siteId: string, sessionId: string) => keys.key('trg', 'session', siteId, sessionId),
    contacts: (siteId: string, visitorId: string) => keys.key('trg', 'contacts', siteId, visitorId),
    dismissed: (siteId: string, visitorId: string) => keys.key('trg', 'dismissed', siteId, visitorId),
    sends: (siteId: string, triggerId: string) => keys.key('trg', 'sends', siteId, triggerId),
    outbox: keys.key('trg', 'outbox'),
  };
}
export type TriggerKeys = ReturnType<typeof triggerKeys>;
