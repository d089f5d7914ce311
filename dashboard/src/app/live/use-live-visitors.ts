import { useEffect, useRef, useState } from 'react';
import { useAgentConnection } from './agent-socket-context.tsx';
import type { SiteWatchResult, VisitorState } from './live-types.ts';

/** A visitor on the board: their live state, and when they left (kept a while under "Left"). */
export interface BoardVisitor {
  state: VisitorState;
  /** Browser time the visitor left, when they did. */
  leftAt?: number;
}

export interface LiveBoard {
  visitors: ReadonlyMap<string, BoardVisitor>;
  /** Server time minus browser time, ms: add it to `Date.now()` to compare with server times. */
  clockOffset: number;
  /** True once the first snapshot arrived. */
  ready: boolean;
  error: string | undefined;
}

/** Visitors who left stay visible under "Left" this long. */
const KEEP_LEFT_MS = 10 * 60_000;
/** Updates arriving close together are applied in one render. */
const BATCH_MS = 25;

type Change = { type: 'update'; state: VisitorState } | { type: 'left'; visitorId: string };

/**
 * The live visitors of one site, pushed over the `/agent` socket (no polling): a snapshot from
 * `site:watch` on every (re)connect, then `visitor:update` / `visitor:left` as they happen.
 */
export function useLiveVisitors(siteId: string | undefined): LiveBoard {
  const { socket, connected } = useAgentConnection();
  const [visitors, setVisitors] = useState<ReadonlyMap<string, BoardVisitor>>(new Map());
  const [clockOffset, setClockOffset] = useState(0);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string>();
  const pending = useRef<Change[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Another site: start empty. (A reconnect keeps the board and refreshes it from the snapshot.)
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on a site change only.
  useEffect(() => {
    setVisitors(new Map());
    setReady(false);
    setError(undefined);
  }, [siteId]);

  useEffect(() => {
    setError(undefined);
    if (!socket || !connected || !siteId) return;
    let active = true;

    const flush = () => {
      timer.current = undefined;
      const changes = pending.current.splice(0);
      if (!active || changes.length === 0) return;
      setVisitors((current) => {
        const next = new Map(current);
        for (const change of changes) {
          if (change.type === 'update') {
            const left = change.state.presence === 'left' || change.state.status === 'left';
            const before = next.get(change.state.visitorId);
            next.set(change.state.visitorId, {
              state: change.state,
              ...(left ? { leftAt: before?.leftAt ?? Date.now() } : {}),
            });
          } else {
            const before = next.get(change.visitorId);
            if (before)
              next.set(change.visitorId, {
                state: { ...before.state, status: 'left', presence: 'left' },
                leftAt: before.leftAt ?? Date.now(),
              });
          }
        }
        return next;
      });
    };
    const queue = (change: Change) => {
      pending.current.push(change);
      timer.current ??= setTimeout(flush, BATCH_MS);
    };
    const onUpdate = (state: VisitorState) => {
      if (state.siteId === siteId) queue({ type: 'update', state });
    };
    const onLeft = (p: { siteId: string; visitorId: string }) => {
      if (p.siteId === siteId) queue({ type: 'left', visitorId: p.visitorId });
    };
    socket.on('visitor:update', onUpdate);
    socket.on('visitor:left', onLeft);

    const sentAt = Date.now();
    socket
      .timeout(10_000)
      .emitWithAck('site:watch', { siteId })
      .then(
        (result: SiteWatchResult) => {
          if (!active) return;
          if (!result.ok) {
            setError(
              result.error === 'FW_SOCKET_SITE_FORBIDDEN'
                ? 'You do not have access to this site.'
                : 'Live updates are unavailable right now; retrying when the connection returns.',
            );
            return;
          }
          if (result.serverTime) setClockOffset(result.serverTime - Math.round((sentAt + Date.now()) / 2));
          setVisitors((current) => {
            const next = new Map<string, BoardVisitor>();
            // Keep recently left visitors across a reconnect; the snapshot has the online ones.
            for (const [id, v] of current) if (v.leftAt) next.set(id, v);
            for (const state of result.visitors ?? []) next.set(state.visitorId, { state });
            return next;
          });
          setReady(true);
        },
        () => active && setError('The server did not answer; retrying when the connection returns.'),
      );

    const prune = setInterval(() => {
      const cutoff = Date.now() - KEEP_LEFT_MS;
      setVisitors((current) => {
        if (![...current.values()].some((v) => v.leftAt && v.leftAt < cutoff)) return current;
        return new Map([...current].filter(([, v]) => !(v.leftAt && v.leftAt < cutoff)));
      });
    }, 30_000);

    return () => {
      active = false;
      clearInterval(prune);
      clearTimeout(timer.current);
      timer.current = undefined;
      pending.current = [];
      socket.off('visitor:update', onUpdate);
      socket.off('visitor:left', onLeft);
      if (socket.connected) socket.emit('site:unwatch', { siteId });
    };
  }, [socket, connected, siteId]);

  return { visitors, clockOffset, ready, error };
}

/** Re-renders every `intervalMs` and returns the current time (for ticking durations). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
