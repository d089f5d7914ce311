import type { InvitationMessage, TriggerControls } from '@floorwalker/protocol';
import type { Redis, TriggerDecision } from '@floorwalker/store';
import type { ContactHistory } from '../rules/index.ts';
import type { TriggerKeys } from './trigger-keys.ts';

/** Lifecycle state of an invitation in Redis. */
export type InvitationState = 'holdout' | 'sent' | 'shown' | 'accepted' | 'dismissed' | 'expired';

/** Everything known about one decided invitation (sent or held out). */
export interface InvitationRecord {
  invitationId: string;
  siteId: string;
  visitorId: string;
  sessionId: string;
  pageViewId: string;
  /** Trigger id, or `manual`. */
  triggerId: string;
  /** Trigger version that decided; 0 for manual invitations. */
  triggerVersion: number;
  manual: boolean;
  agentId: string;
  /** What was decided. */
  outcome: 'sent' | 'holdout';
  decidedAt: number;
  /** What is pushed to the visitor (or would have been, for the holdout group). */
  message: InvitationMessage;
}

/** A stored record with its delivery stage and lifecycle state. */
export interface StoredInvitation {
  record: InvitationRecord;
  /** `claimed`: decided, side effects not all done yet; `delivered`: done. */
  stage: 'claimed' | 'delivered';
  state: InvitationState;
}

/** Options of {@link invitationStore}. */
export interface InvitationStoreOptions {
  /** How long claims and invitation records are kept, ms. Default 2 days. */
  recordTtlMs?: number;
  /** How long per-visitor contact times are kept (the longest budget period), ms. Default 366 days. */
  contactsTtlMs?: number;
  /** Longest frequency-cap window, ms. Default 31 days. */
  capHorizonMs?: number;
}

/*
 * The claim is the heart of "idempotent per (visitor, trigger, page view)". One Lua script, so
 * all of it or nothing happens: the claim key is set only if absent (a second attempt, in this
 * or another engine, gets the first attempt's invitation id back and resumes it), the record is
 * stored at stage `claimed`, the contact budget and frequency cap are charged (keyed by
 * invitation id, so nothing counts twice), the decision goes to the outbox stream (recorded in
 * ClickHouse by the recorder, deduplicated by decision id) and the invitation joins the pending
 * set that the recovery sweep resumes if this process dies before delivering.
 *
 * A paced claim (ARGV[12] = the free chat slots seen, '' for none) also takes an open-invitation
 * slot in the same step: it claims nothing and returns '' when the site's open invitations plus
 * waiting chats already fill the free slots. Pacing is therefore exact across visitors and
 * engines: two decisions at once never both take the last slot.
 */
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
if ARGV[12] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[8], 0, ARGV[5])
  if redis.call('ZCARD', KEYS[8]) + redis.call('ZCARD', KEYS[9]) >= tonumber(ARGV[12]) then return '' end
  redis.call('ZADD', KEYS[8], ARGV[13], ARGV[1])
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('HSET', KEYS[2], 'record', ARGV[2], 'state', ARGV[3], 'stage', 'claimed')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
if ARGV[7] == '1' then
  redis.call('SADD', KEYS[4], ARGV[1])
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
  redis.call('PEXPIRE', KEYS[5], ARGV[9])
end
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[6], ARGV[5], ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', ARGV[10])
  redis.call('PEXPIRE', KEYS[6], ARGV[11])
end
redis.call('XADD', KEYS[7], '*', 'e', ARGV[6])
return ARGV[1]
`;

/** Moves `state` from one of the allowed states to a new one; returns [moved, previous]. */
const TRANSITION = `
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return {0, ''} end
for from in string.gmatch(ARGV[1], '[^,]+') do
  if from == s then
    redis.call('HSET', KEYS[1], 'state', ARGV[2])
    return {1, s}
  end
end
return {0, s}
`;

type ScriptedRedis = Redis & {
  fwTriggerClaim(...args: (string | number)[]): Promise<string>;
  fwInvitationTransition(...args: (string | number)[]): Promise<[number, string]>;
};

function withScripts(redis: Redis): ScriptedRedis {
  const r = redis as ScriptedRedis;
  if (typeof r.fwTriggerClaim !== 'function') {
    redis.defineCommand('fwTriggerClaim', { numberOfKeys: 9, lua: CLAIM });
    redis.defineCommand('fwInvitationTransition', { numberOfKeys: 1, lua: TRANSITION });
  }
  return r;
}

/** Options of {@link InvitationStore.claim}. */
export interface ClaimOptions {
  /** The claim key (per visitor, trigger and page view; or per manual job). */
  claimKey: string;
  record: InvitationRecord;
  /** The decision row for ClickHouse. */
  decision: TriggerDecision;
  /** Charge the visitor's contact budget (sent and holdout invitations do). */
  chargeBudget: boolean;
  /** Charge the trigger's frequency cap (only invitations actually sent do). */
  chargeCap: boolean;
}

/** Capacity-aware pacing of a claim: the slot is taken atomically with the claim. */
export interface ClaimPacing {
  /** Free chat slots of the online agents (of the trigger's team) at decision time. */
  freeSlots: number;
  /** The site's open-invitation and waiting-chat sets (`Availability.pacingKeys`). */
  keys: { open: string; waiting: string };
}

/** A claim: the new invitation (`claimed`), or the earlier attempt's with the same ids. */
export interface Claim {
  claimed: boolean;
  invitation: StoredInvitation;
}

/** Invitation claims, records, contact budgets and the decision outbox in Redis. */
export function invitationStore(redis: Redis, k: TriggerKeys, options: InvitationStoreOptions = {}) {
  const r = withScripts(redis);
  const recordTtl = options.recordTtlMs ?? 2 * 86_400_000;
  const contactsTtl = options.contactsTtlMs ?? 366 * 86_400_000;
  const capHorizon = options.capHorizonMs ?? 31 * 86_400_000;

  async function load(invitationId: string): Promise<StoredInvitation | undefined> {
    const [record, stage, state] = await r.hmget(k.invitation(invitationId), 'record', 'stage', 'state');
    if (!record) return undefined;
    return {
      record: JSON.parse(record) as InvitationRecord,
      stage: stage === 'delivered' ? 'delivered' : 'claimed',
      state: (state ?? 'sent') as InvitationState,
    };
  }

  async function runClaim(o: ClaimOptions, pacing: ClaimPacing | undefined): Promise<Claim | 'no_room'> {
    const { record } = o;
    const winner = await r.fwTriggerClaim(
      o.claimKey,
      k.invitation(record.invitationId),
      k.pending,
      k.session(record.siteId, record.sessionId),
      k.contacts(record.siteId, record.visitorId),
      k.sends(record.siteId, record.triggerId),
      k.outbox,
      pacing?.keys.open ?? k.outbox,
      pacing?.keys.waiting ?? k.outbox,
      record.invitationId,
      JSON.stringify(record),
      record.outcome,
      recordTtl,
      record.decidedAt,
      JSON.stringify(o.decision),
      o.chargeBudget ? '1' : '0',
      o.chargeCap ? '1' : '0',
      contactsTtl,
      record.decidedAt - capHorizon,
      capHorizon,
      pacing ? pacing.freeSlots : '',
      record.message.expiresAt,
    );
    if (winner === '') return 'no_room';
    if (winner === record.invitationId) {
      return { claimed: true, invitation: { record, stage: 'claimed', state: record.outcome } };
    }
    const earlier = await load(winner);
    if (!earlier) throw new Error(`claim ${o.claimKey} points at missing invitation ${winner}`);
    return { claimed: false, invitation: earlier };
  }

  return {
    /**
     * Claims a decision. Returns the stored invitation: the new one when this call claimed, or
     * the earlier attempt's (same ids, maybe not delivered yet) when one exists.
     */
    async claim(o: ClaimOptions): Promise<Claim> {
      const result = await runClaim(o, undefined);
      if (result === 'no_room') throw new Error(`claim ${o.claimKey}: unpaced claim refused for pacing`);
      return result;
    },

    /**
     * Claims a decision only if an open-invitation slot is free, taking it in the same atomic
     * step (see {@link ClaimPacing}); `'no_room'` when none is. An earlier attempt's claim is
     * returned whatever the pacing.
     */
    claimPaced(o: ClaimOptions, pacing: ClaimPacing): Promise<Claim | 'no_room'> {
      return runClaim(o, pacing);
    },

    /** The invitation a claim key holds, if decided. */
    async claimed(claimKey: string): Promise<StoredInvitation | undefined> {
      const id = await r.get(claimKey);
      return id ? load(id) : undefined;
    },

    load,

    /** Marks an invitation's side effects done and drops it from the pending set. */
    async markDelivered(invitationId: string): Promise<void> {
      await r
        .multi()
        .hset(k.invitation(invitationId), 'stage', 'delivered')
        .zrem(k.pending, invitationId)
        .exec();
    },

    /** Invitation ids claimed before `before` and still not delivered (their process died). */
    async pendingBefore(before: number, limit = 100): Promise<string[]> {
      return r.zrangebyscore(k.pending, '-inf', before, 'LIMIT', 0, limit);
    },

    /** Drops an id from the pending set (its record expired). */
    async forgetPending(invitationId: string): Promise<void> {
      await r.zrem(k.pending, invitationId);
    },

    /** Moves the lifecycle state when it is one of `from`. */
    async transition(
      invitationId: string,
      from: readonly InvitationState[],
      to: InvitationState,
    ): Promise<{ moved: boolean; previous: InvitationState | undefined }> {
      const [moved, previous] = await r.fwInvitationTransition(
        k.invitation(invitationId),
        from.join(','),
        to,
      );
      return { moved: Number(moved) === 1, previous: previous ? (previous as InvitationState) : undefined };
    },

    /** Appends decisions to the outbox (recorded in ClickHouse by the recorder). */
    async recordDecisions(decisions: readonly TriggerDecision[]): Promise<void> {
      if (decisions.length === 0) return;
      const pipeline = r.pipeline();
      for (const d of decisions) pipeline.xadd(k.outbox, '*', 'e', JSON.stringify(d));
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    },

    /**
     * Records a decision once per id within `ttlMs` (suppressions are re-evaluated on every
     * change of the visitor, but one row per page view and reason is what a reader wants).
     * True when recorded now.
     */
    async recordOnce(decision: TriggerDecision, ttlMs: number): Promise<boolean> {
      const fresh = await r.set(
        k.noted(decision.decisionId),
        '1',
        'PX',
        Math.max(1000, Math.floor(ttlMs)),
        'NX',
      );
      if (fresh !== 'OK') return false;
      try {
        await this.recordDecisions([decision]);
      } catch (error) {
        await r.del(k.noted(decision.decisionId)).catch(() => undefined);
        throw error;
      }
      return true;
    },

    /** What the budget and cap checks need to know about past contacts. */
    async contactHistory(
      siteId: string,
      visitorId: string,
      sessionId: string,
      triggerId: string,
      controls: Pick<TriggerControls, 'budget' | 'frequencyCap'>,
      now: number,
    ): Promise<ContactHistory> {
      const periodMs = (controls.budget.maxPerPeriod?.days ?? 0) * 86_400_000;
      const capMs = (controls.frequencyCap?.windowSeconds ?? 0) * 1000;
      const pipeline = r
        .pipeline()
        .scard(k.session(siteId, sessionId))
        .get(k.dismissed(siteId, visitorId))
        .zrangebyscore(
          k.contacts(siteId, visitorId),
          periodMs > 0 ? now - periodMs : '+inf',
          '+inf',
          'WITHSCORES',
        )
        .zcount(k.sends(siteId, triggerId), capMs > 0 ? now - capMs : '+inf', '+inf');
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const [session, dismissed, contacts, sends] = results.map(([, v]) => v) as [
        number,
        string | null,
        string[],
        number,
      ];
      const times: number[] = [];
      for (let i = 1; i < contacts.length; i += 2) times.push(Number(contacts[i]));
      const history: ContactHistory = {
        sessionInvitations: Number(session),
        recentInvitationTimes: times,
        triggerSendsInWindow: capMs > 0 ? Number(sends) : 0,
      };
      if (dismissed) history.lastDismissedAt = Number(dismissed);
      return history;
    },

    /** Remembers a dismissal for the budget's cooldown. */
    async noteDismissal(
      siteId: string,
      visitorId: string,
      at: number,
      keepMs = 31 * 86_400_000,
    ): Promise<void> {
      await r.set(k.dismissed(siteId, visitorId), String(at), 'PX', keepMs);
    },
  };
}
export type InvitationStore = ReturnType<typeof invitationStore>;
