import { type AgentServerToClientEvents, siteRoom, type VisitorState } from '@floorwalker/protocol';
import type { LiveChange, LiveVisitors } from '@floorwalker/store';
import type { Emitter } from '@socket.io/redis-emitter';
import { derivePresence, type PresenceRules } from './derive-presence.ts';
import { decodeMeta, type VisitorModel } from './visitor-model.ts';

/** What {@link updateVisitor} needs. */
export interface UpdateDeps {
  live: LiveVisitors;
  /** Emitter on `/agent`. */
  agents: Emitter<AgentServerToClientEvents>;
  rules: PresenceRules;
  /** Clock, epoch ms. */
  now: () => number;
}

/** Result of one update. */
export type UpdateOutcome = 'changed' | 'unchanged' | 'removed' | 'none';

/** Fields that change on every heartbeat: not worth a push on their own. */
function material(state: VisitorState): string {
  return JSON.stringify({ ...state, lastSeenAt: 0, lastActivityAt: 0 });
}

const MAX_ATTEMPTS = 20;

/**
 * Read–modify–write of one visitor's live record with compare-and-set: `mutate` gets a private
 * copy of the stored model (undefined when none) and returns the new model, `'remove'`, or
 * undefined to leave it. Presence and status are derived at `now`. If another engine wrote in
 * between, the record is read again and `mutate` runs again (so it must not have outside
 * effects that cannot be repeated). Material changes are appended to the changes stream in the
 * same atomic write and emitted to the site's staff room afterwards.
 */
export async function updateVisitor(
  deps: UpdateDeps,
  siteId: string,
  visitorId: string,
  mutate: (
    model: VisitorModel | undefined,
  ) => Promise<VisitorModel | 'remove' | undefined> | VisitorModel | 'remove' | undefined,
): Promise<UpdateOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const record = await deps.live.getRecord(siteId, visitorId);
    // What is compared after the change is taken now: the parsed record is ours to mutate (it
    // was parsed for this attempt alone), no copy needed.
    const beforePresence = record?.state.presence;
    const beforeText = record ? material(record.state) : undefined;
    const model: VisitorModel | undefined = record
      ? { state: record.state, meta: decodeMeta(record.meta) }
      : undefined;
    const next = await mutate(model);
    if (next === undefined) return 'none';
    if (next === 'remove') {
      const change: LiveChange | undefined =
        beforePresence !== undefined && beforePresence !== 'left'
          ? { type: 'left', siteId, visitorId, at: deps.now() }
          : undefined;
      if (await deps.live.remove(siteId, visitorId, record?.rev ?? 0, change)) {
        if (change) deps.agents.to(siteRoom(siteId)).emit('visitor:left', { siteId, visitorId });
        return 'removed';
      }
      continue;
    }
    const now = deps.now();
    const dueAt = derivePresence(next, now, deps.rules);
    const state = next.state;
    let change: LiveChange | undefined;
    if (state.presence === 'left') {
      // Left now (or replayed from an old backlog): tell the board once, when it changes.
      if (beforePresence !== undefined && beforePresence !== 'left') {
        change = { type: 'left', siteId, visitorId, at: now };
      }
    } else if (material(state) !== beforeText) {
      change = { type: 'update', state };
    }
    const rev = await deps.live.commit({
      state,
      meta: JSON.stringify(next.meta),
      expectedRev: record?.rev ?? 0,
      dueAt,
      // The sweep removes left visitors after the TTL; this is the safety net if no engine runs.
      ttlMs: deps.rules.stateTtlMs + deps.rules.leftMs + 60_000,
      change,
    });
    if (rev === undefined) continue;
    if (change?.type === 'left') deps.agents.to(siteRoom(siteId)).emit('visitor:left', { siteId, visitorId });
    else if (change?.type === 'update') deps.agents.to(siteRoom(siteId)).emit('visitor:update', state);
    return change ? 'changed' : 'unchanged';
  }
  throw new Error(`live state of ${siteId}/${visitorId}: too many concurrent writers`);
}
