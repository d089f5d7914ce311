import { useState } from 'react';
import { useSession } from '../session/session-context.tsx';
import { useAgentConnection } from './agent-socket-context.tsx';
import './live.css';
import type { AgentAvailabilityStatus } from './live-types.ts';

const labels: Record<AgentAvailabilityStatus, string> = {
  online: 'Available',
  away: 'Away',
  offline: 'Not taking chats',
};

/**
 * The staff member's chat availability in the top bar: `Available` counts their free chat slots
 * for invitations (capacity-aware pacing), `Away` keeps them connected without new chats.
 */
export function AvailabilityToggle() {
  const { me } = useSession();
  const { connected, availability, setAvailability } = useAgentConnection();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const status = availability?.status;
  // Marketers build triggers; they never take chats.
  if (me.user.role === 'marketer') return null;

  const choose = async (next: AgentAvailabilityStatus) => {
    setBusy(true);
    setError(await setAvailability(next));
    setBusy(false);
  };

  return (
    <div className="availability" title={error ?? (connected ? undefined : 'Reconnecting to the server…')}>
      <span
        className={`availability-dot availability-${connected ? (status ?? 'offline') : 'disconnected'}`}
        aria-hidden="true"
      />
      <label className="visually-hidden" htmlFor="availability-select">
        Chat availability
      </label>
      <select
        id="availability-select"
        className="availability-select"
        value={status ?? 'offline'}
        disabled={!connected || !availability || busy}
        onChange={(e) => void choose(e.target.value as AgentAvailabilityStatus)}
      >
        {(Object.keys(labels) as AgentAvailabilityStatus[]).map((s) => (
          <option key={s} value={s}>
            {labels[s]}
          </option>
        ))}
      </select>
      {error && (
        <span className="availability-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
