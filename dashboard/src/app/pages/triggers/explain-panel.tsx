import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api-client.ts';
import { FormError } from '../../components/form-error.tsx';
import { CONDITION_LABELS } from './schema-options.ts';
import type { ConditionResult, ExplainResponse, ExplainVisitorsResponse } from './trigger-types.ts';

function nodeTitle(node: ConditionResult): string {
  const type = node.condition.type;
  if (type === 'schedule') return 'Start / end dates';
  return CONDITION_LABELS[type] ?? type;
}

function ExplainNode(props: { node: ConditionResult }) {
  const { node } = props;
  return (
    <li className={node.passed ? 'explain-pass' : 'explain-fail'}>
      <span className="explain-mark" aria-hidden="true">
        {node.passed ? '✓' : '✗'}
      </span>
      <span className="visually-hidden">{node.passed ? 'passes: ' : 'fails: '}</span>
      <strong>{nodeTitle(node)}</strong> <span className="explain-reason">{node.reason}</span>
      {node.children && node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: explanation nodes are positional
            <ExplainNode key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** "Explain a live visitor": pick an online visitor and see, per trigger, which condition passes or fails now. */
export function ExplainPanel(props: { siteId: string }) {
  const base = `/api/sites/${encodeURIComponent(props.siteId)}`;
  const [visitors, setVisitors] = useState<ExplainVisitorsResponse | undefined>();
  const [visitorId, setVisitorId] = useState('');
  const [result, setResult] = useState<ExplainResponse | undefined>();
  const [error, setError] = useState<unknown>();

  const loadVisitors = useCallback(async () => {
    try {
      setVisitors(await api.get<ExplainVisitorsResponse>(`${base}/explain/visitors`));
    } catch (e) {
      setError(e);
    }
  }, [base]);
  useEffect(() => {
    void loadVisitors();
  }, [loadVisitors]);

  const explain = useCallback(
    async (id: string) => {
      setError(undefined);
      try {
        setResult(await api.get<ExplainResponse>(`${base}/visitors/${encodeURIComponent(id)}/explain`));
      } catch (e) {
        setResult(undefined);
        setError(e);
      }
    },
    [base],
  );

  return (
    <section className="card explain" aria-labelledby="explain-title">
      <div className="card-header">
        <h2 id="explain-title">Explain a live visitor</h2>
        <div className="actions">
          <select
            aria-label="Live visitor"
            value={visitorId}
            onChange={(e) => {
              setVisitorId(e.target.value);
              if (e.target.value) void explain(e.target.value);
            }}
          >
            <option value="">
              {visitors ? `Pick one of ${visitors.visitors.length} online visitors` : 'Loading visitors…'}
            </option>
            {visitors?.visitors.map((v) => (
              <option key={v.visitorId} value={v.visitorId}>
                {v.path} · {ago(visitors.serverTime - v.pageEnteredAt)} on page · {v.country || '??'}{' '}
                {v.device}
                {v.cartValue > 0 ? ` · cart ${v.cartValue} ${v.cartCurrency}` : ''} ·{' '}
                {v.visitorId.slice(0, 10)}
              </option>
            ))}
          </select>
          <button type="button" className="button button-quiet" onClick={() => void loadVisitors()}>
            Refresh
          </button>
          {visitorId && (
            <button type="button" className="button button-quiet" onClick={() => void explain(visitorId)}>
              Re-evaluate
            </button>
          )}
        </div>
      </div>
      <FormError error={error} />
      {result && (
        <div data-testid="explain-result">
          <p className="muted small">
            {result.visitor.currentPage.path} · page{' '}
            {ago(result.evaluatedAt - result.visitor.currentPage.enteredAt)} · session{' '}
            {ago(result.evaluatedAt - result.visitor.sessionStartedAt)} · {result.visitor.pagesThisSession}{' '}
            pages · evaluated {new Date(result.evaluatedAt).toLocaleTimeString()}
          </p>
          {result.held && (
            <p className="explain-held" data-testid="explain-held">
              Not evaluated now: {result.held.message}
            </p>
          )}
          {result.triggers.length === 0 && <p className="muted">This site has no triggers yet.</p>}
          {result.triggers.map((t) => (
            <div key={t.triggerId} className="explain-trigger" data-testid={`explain-${t.triggerId}`}>
              <div className="explain-head">
                <span className={t.matches ? 'badge badge-ok' : 'badge badge-fail'}>
                  {t.matches ? 'matches now' : 'does not match'}
                </span>
                <strong>{t.name}</strong>
                <span className="muted small">
                  v{t.version} · priority {t.priority}
                  {t.status === 'paused' ? ' · paused (would not fire)' : ''}
                  {t.nextCheckAt ? ` · may change at ${new Date(t.nextCheckAt).toLocaleTimeString()}` : ''}
                </span>
              </div>
              {t.failing.length > 0 && (
                <p className="explain-failing">
                  Fails on: <span>{t.failing.join(' · ')}</span>
                </p>
              )}
              <ul className="explain-tree">
                {t.explain.map((node, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: explanation nodes are positional
                  <ExplainNode key={i} node={node} />
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
