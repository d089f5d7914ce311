import type { AgentClientToServerEvents, AgentServerToClientEvents } from '@floorwalker/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { useSession } from '../session/session-context.tsx';
import type { AgentAvailabilityStatus, AgentStatusUpdate } from './live-types.ts';

export type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

export interface AgentConnection {
  socket: AgentSocket | undefined;
  /** True while the socket is connected (live updates flow). */
  connected: boolean;
  /** The staff member's chat availability, once the server told it. */
  availability: AgentStatusUpdate | undefined;
  /** Changes the availability for every tab of this user; resolves with an error message on failure. */
  setAvailability(status: AgentAvailabilityStatus): Promise<string | undefined>;
}

const AgentSocketContext = createContext<AgentConnection | null>(null);

export function useAgentConnection(): AgentConnection {
  const value = useContext(AgentSocketContext);
  if (!value) throw new Error('useAgentConnection outside AgentSocketProvider');
  return value;
}

/**
 * One `/agent` socket for the whole app while someone is logged in: it carries the live board's
 * updates and keeps the staff member counted as an available agent on every page (not only on
 * the board). Authenticates with the session cookie; an ended session shows the login page.
 */
export function AgentSocketProvider(props: { children: ReactNode }) {
  const { me, refresh } = useSession();
  const [socket, setSocket] = useState<AgentSocket>();
  const [connected, setConnected] = useState(false);
  const [availability, setAvailabilityState] = useState<AgentStatusUpdate>();
  const userId = me.user.userId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a different user (logout, another login) gets a new socket.
  useEffect(() => {
    const s: AgentSocket = io('/agent', { withCredentials: true });
    const onConnect = () => setConnected(true);
    const onDisconnect = () => setConnected(false);
    const onRefused = (error: Error & { data?: { code?: string } }) => {
      setConnected(false);
      // The session ended: reloading the user shows the login page (401), else we retry.
      if (error.data?.code === 'FW_SOCKET_AUTH_REQUIRED') void refresh();
    };
    s.on('connect', onConnect);
    s.on('disconnect', onDisconnect);
    s.on('connect_error', onRefused);
    s.on('agent:status', setAvailabilityState);
    s.on('error', (e) => {
      if (e.code === 'FW_SOCKET_AUTH_REQUIRED') void refresh();
    });
    setSocket(s);
    return () => {
      s.removeAllListeners();
      s.disconnect();
      setSocket(undefined);
      setConnected(false);
    };
  }, [userId, refresh]);

  const setAvailability = useCallback(
    async (status: AgentAvailabilityStatus) => {
      if (!socket?.connected) return 'Not connected to the server.';
      try {
        const result = await socket.timeout(5000).emitWithAck('agent:status', { status });
        return result.ok ? undefined : `Could not change your status (${result.error ?? 'error'}).`;
      } catch {
        return 'The server did not answer in time.';
      }
    },
    [socket],
  );

  const value = useMemo<AgentConnection>(
    () => ({ socket, connected, availability, setAvailability }),
    [socket, connected, availability, setAvailability],
  );
  return <AgentSocketContext.Provider value={value}>{props.children}</AgentSocketContext.Provider>;
}
