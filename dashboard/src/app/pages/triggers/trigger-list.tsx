import type { TodayCounts, TriggerView } from './trigger-types.ts';

function suppressed(today: TodayCounts): { total: number; detail: string } {
  const s = today.suppressed;
  const total = s.noAgent + s.budget + s.schedule + s.cap;
  const parts = [
    s.noAgent && `${s.noAgent} no free agent`,
    s.budget && `${s.budget} contact budget`,
    s.cap && `${s.cap} frequency cap`,
    s.schedule && `${s.schedule} schedule`,
  ].filter(Boolean);
  return { total, detail: parts.length ? parts.join(', ') : 'none' };
}

/** The site's triggers with status, priority and today's decisions. */
export function TriggerList(props: {
  triggers: TriggerView[] | undefined;
  onOpen: (trigger: TriggerView) => void;
  onStatus: (trigger: TriggerView, status: 'enabled' | 'paused') => void;
}) {
  if (!props.triggers) return <p className="muted">Loading triggers…</p>;
  if (props.triggers.length === 0) {
    return (
      <div className="card empty-state">
        <h2>No triggers yet</h2>
        <p>
          Create one to invite shoppers who hesitate, e.g. two minutes on checkout while an agent is free.
        </p>
      </div>
    );
  }
  return (
    <div className="card table-card">
      <table className="table" aria-label="Triggers">
        <thead>
          <tr>
            <th>Trigger</th>
            <th>Status</th>
            <th className="num">Priority</th>
            <th className="num" title="Invitations sent today">
              Sent
            </th>
            <th className="num" title="Matching visitors held out today">
              Holdout
            </th>
            <th className="num" title="Matching visitors not invited today">
              Suppressed
            </th>
            <th className="num">Shown</th>
            <th className="num">Accepted</th>
            <th className="num">Dismissed</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {props.triggers.map((t) => {
            const s = suppressed(t.today);
            const enabled = t.controls.status === 'enabled';
            return (
              <tr key={t.id} data-testid={`trigger-row-${t.id}`}>
                <td>
                  <button type="button" className="link" onClick={() => props.onOpen(t)}>
                    {t.name}
                  </button>
                  <div className="muted small">
                    v{t.version} · holdout {t.controls.holdoutPercent}% · updated{' '}
                    {new Date(t.updatedAt).toLocaleString()}
                  </div>
                </td>
                <td>
                  <span className={enabled ? 'badge badge-ok' : 'badge badge-muted'}>
                    {enabled ? 'Enabled' : 'Paused'}
                  </span>
                </td>
                <td className="num">{t.controls.priority}</td>
                <td className="num">{t.today.sent}</td>
                <td className="num">{t.today.holdout}</td>
                <td className="num" title={s.detail}>
                  {s.total}
                  {s.total > 0 && <div className="muted small">{s.detail}</div>}
                </td>
                <td className="num">{t.today.shown}</td>
                <td className="num">{t.today.accepted}</td>
                <td className="num">{t.today.dismissed}</td>
                <td className="num">
                  <button
                    type="button"
                    className="button button-quiet small"
                    onClick={() => props.onStatus(t, enabled ? 'paused' : 'enabled')}
                  >
                    {enabled ? 'Pause' : 'Enable'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
