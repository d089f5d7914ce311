import { useState } from 'react';
import { ApiError, api } from '../api/api-client.ts';
import { useSession } from '../session/session-context.tsx';
import type { InviteResponse, VisitorState } from './live-types.ts';

type Result = { kind: 'ok' | 'queued' | 'error'; text: string };

function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * "Invite to chat": a manual invitation from this agent to this visitor, delivered by the engine
 * through the same path as automatic invitations (and recorded as manual).
 */
export function InvitePanel(props: { siteId: string; visitor: VisitorState; left: boolean }) {
  const { me } = useSession();
  const firstName = me.user.name.trim().split(/\s+/)[0] || me.user.name;
  const [message, setMessage] = useState(`Hi, I'm ${firstName}. Can I help you with anything?`);
  const [autoOpen, setAutoOpen] = useState(false);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Result>();
  const { status } = props.visitor;
  const blocked = props.left
    ? 'This visitor has left the site.'
    : status === 'chatting'
      ? 'This visitor is already chatting.'
      : status === 'invited'
        ? 'This visitor has an open invitation.'
        : undefined;

  const send = async () => {
    setSending(true);
    setResult(undefined);
    try {
      const res = await api.post<InviteResponse>(
        `/api/sites/${encodeURIComponent(props.siteId)}/visitors/${encodeURIComponent(props.visitor.visitorId)}/invite`,
        { message, autoOpen, requestId: requestId() },
      );
      setResult(
        res.delivered
          ? { kind: 'ok', text: 'Invitation sent. It shows on the visitor’s page now.' }
          : { kind: 'queued', text: 'Invitation queued; it is delivered as soon as the engine picks it up.' },
      );
    } catch (error) {
      setResult({ kind: 'error', text: error instanceof ApiError ? error.message : String(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="invite-panel" aria-label="Invite to chat" data-slot="invite-to-chat">
      <h3>Invite to chat</h3>
      <label className="field">
        <span>Message</span>
        <textarea
          className="invite-message"
          rows={2}
          maxLength={1000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={autoOpen} onChange={(e) => setAutoOpen(e.target.checked)} />
        Open the chat window right away
      </label>
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          disabled={sending || !message.trim() || blocked !== undefined}
          onClick={() => void send()}
        >
          {sending ? 'Sending…' : 'Invite to chat'}
        </button>
        {blocked && <span className="muted small">{blocked}</span>}
      </div>
      {result && (
        <p className={`alert ${result.kind === 'error' ? 'alert-error' : 'alert-ok'}`} role="status">
          {result.text}
        </p>
      )}
    </section>
  );
}
