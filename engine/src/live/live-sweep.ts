import type { AgentServerToClientEvents } from '@floorwalker/protocol';
import type { LiveVisitors } from '@floorwalker/store';
import type { Emitter } from '@socket.io/redis-emitter';
import type { EngineLogger } from '../logger.ts';
import { inParallel } from '../streams/in-parallel.ts';
import type { EngineWorker } from '../worker.ts';
import type { PresenceRules } from './derive-presence.ts';
import { updateVisitor } from './update-visitor.ts';

/** Options of {@link liveSweepWorker}. */
export interface LiveSweepOptions {
  live: LiveVisitors;
  agents: Emitter<AgentServerToClientEvents>;
  rules: PresenceRules;
  logger: EngineLogger;
  /** How often to look for due visitors, ms. Default 2000. */
  everyMs?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** Visitors updated at once. */
const PARALLEL = 32;
const PAGE = 500;

/** The sweep worker; `sweepNow()` runs one sweep at once (tests, admin tools). */
export interface LiveSweep extends EngineWorker {
  sweepNow(): Promise<void>;
}

/**
 * Moves visitors along in time when no event arrives: online → idle → left (emitting
 * `visitor:left`), tabs that went quiet, and removal `stateTtlMs` after they left. Visitors
 * are found through the `due` schedule every write maintains, so a sweep only touches
 * visitors whose presence can have changed. Several engines may sweep at once: writes are
 * compare-and-set, and the loser sees nothing left to do.
 */
export function liveSweepWorker(options: LiveSweepOptions): LiveSweep {
  const now = options.now ?? Date.now;
  const deps = { live: options.live, agents: options.agents, rules: options.rules, now };
  const stats = { sweeps: 0, changed: 0, removed: 0, failures: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const sweep = async () => {
    const t = now();
    for (let round = 0; round < 20 && !stopped; round++) {
      const due = await options.live.due(t, PAGE);
      // Bounded: many visitors falling due together (a crowd that left at once) must not hold
      // the event loop for the whole page, with invitations due meanwhile.
      await inParallel(due, PARALLEL, async ({ siteId, visitorId }) => {
        const outcome = await updateVisitor(deps, siteId, visitorId, (model) => {
          if (!model) return 'remove'; // expired record: clear its index entries
          const { meta, state } = model;
          if (
            state.presence === 'left' &&
            meta.leftAt > 0 &&
            deps.now() >= meta.leftAt + options.rules.stateTtlMs
          ) {
            return 'remove';
          }
          return model; // presence is derived again at `now`
        });
        if (outcome === 'changed') stats.changed++;
        if (outcome === 'removed') stats.removed++;
      });
      if (due.length < PAGE) break;
    }
    stats.sweeps++;
  };

  const tick = () => {
    running = sweep()
      .catch((error) => {
        stats.failures++;
        options.logger.warn({ err: (error as Error).message }, 'live sweep failed');
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.everyMs ?? 2000);
      });
  };

  return {
    name: 'live-sweep',
    async start() {
      stopped = false;
      timer = setTimeout(tick, options.everyMs ?? 2000);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    stats: () => ({ ...stats }),
    /** Runs one sweep now (tests and admin tools). */
    async sweepNow() {
      await running;
      await sweep();
    },
  };
}
