import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/api-client.ts';
import { FormError } from '../../components/form-error.tsx';
import { navigate } from '../../routing/use-location.ts';
import { useSession } from '../../session/session-context.tsx';
import { ExplainPanel } from './explain-panel.tsx';
import { type Draft, draftOf, newDraft } from './trigger-draft.ts';
import { TriggerEditor } from './trigger-editor.tsx';
import { TriggerHistory } from './trigger-history.tsx';
import { TriggerList } from './trigger-list.tsx';
import type { TriggerListResponse, TriggerView } from './trigger-types.ts';
import './triggers.css';

type Route = { kind: 'list' } | { kind: 'new' } | { kind: 'edit'; id: string; tab: 'definition' | 'history' };

function routeOf(path: string): Route {
  const parts = path.split('/').filter(Boolean).slice(1);
  if (parts[0] === 'new') return { kind: 'new' };
  if (parts[0])
    return {
      kind: 'edit',
      id: decodeURIComponent(parts[0]),
      tab: parts[1] === 'history' ? 'history' : 'definition',
    };
  return { kind: 'list' };
}

/** The marketers' Triggers page: list with today's counts, editor, history with diff and restore, backtest, explain. */
export function TriggersPage(props: { path: string }) {
  const { site, me } = useSession();
  const route = routeOf(props.path);
  const [list, setList] = useState<TriggerListResponse | undefined>();
  const [error, setError] = useState<unknown>();
  const [reloadKey, setReloadKey] = useState(0);
  const [editorKey, setEditorKey] = useState(0);
  const siteId = site?.siteId;
  const base = siteId ? `/api/sites/${encodeURIComponent(siteId)}/triggers` : undefined;
  const users = useMemo(() => new Map([[me.user.userId, `${me.user.name} (you)`]]), [me.user]);

  const load = useCallback(async () => {
    if (!base) return;
    try {
      setList(await api.get<TriggerListResponse>(base));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [base]);
  useEffect(() => {
    setList(undefined);
    void load();
  }, [load]);

  if (!site || !base) {
    return (
      <section className="page">
        <header className="page-header">
          <h1>Triggers</h1>
        </header>
        <div className="card empty-state">
          <p>
            No site selected.{' '}
            {me.user.role === 'admin' ? 'Add a site in Settings first.' : 'Ask an admin to give you a site.'}
          </p>
        </div>
      </section>
    );
  }

  const current: TriggerView | undefined =
    route.kind === 'edit' ? list?.triggers.find((t) => t.id === route.id) : undefined;

  async function create(draft: Draft) {
    const { trigger } = await api.post<{ trigger: TriggerView }>(base as string, draft);
    await load();
    navigate(`/triggers/${encodeURIComponent(trigger.id)}`);
  }

  async function save(trigger: TriggerView, draft: Draft) {
    await api.put(`${base}/${encodeURIComponent(trigger.id)}?expectedVersion=${trigger.version}`, draft);
    setReloadKey((k) => k + 1);
    await load();
  }

  async function setStatus(trigger: TriggerView, status: 'enabled' | 'paused') {
    try {
      await api.post(`${base}/${encodeURIComponent(trigger.id)}/status`, {
        status,
        expectedVersion: trigger.version,
      });
      setEditorKey((k) => k + 1);
      await load();
    } catch (e) {
      setError(e);
    }
  }

  async function remove(trigger: TriggerView) {
    if (
      !window.confirm(`Delete “${trigger.name}”? It stops at once; its history stays and it can be restored.`)
    )
      return;
    try {
      await api.delete(`${base}/${encodeURIComponent(trigger.id)}`);
      await load();
      navigate('/triggers');
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="page triggers-page">
      <header className="page-header">
        <div>
          <h1>Triggers</h1>
          <p className="muted">
            {site.name} · today counted from local midnight ({list?.timezone ?? site.timezone})
          </p>
        </div>
        {route.kind === 'list' && (
          <button type="button" className="button button-primary" onClick={() => navigate('/triggers/new')}>
            New trigger
          </button>
        )}
        {route.kind !== 'list' && (
          <button type="button" className="button" onClick={() => navigate('/triggers')}>
            ← All triggers
          </button>
        )}
      </header>
      <FormError error={error} />

      {route.kind === 'list' && (
        <>
          <TriggerList
            triggers={list?.triggers}
            onOpen={(t) => navigate(`/triggers/${encodeURIComponent(t.id)}`)}
            onStatus={(t, s) => void setStatus(t, s)}
          />
          <ExplainPanel siteId={site.siteId} />
        </>
      )}

      {route.kind === 'new' && (
        <TriggerEditor
          key={`new:${site.siteId}`}
          siteId={site.siteId}
          initial={newDraft()}
          submitLabel="Create trigger"
          onSave={create}
          onCancel={() => navigate('/triggers')}
        />
      )}

      {route.kind === 'edit' && !list && <p className="muted">Loading…</p>}
      {route.kind === 'edit' && list && !current && (
        <div className="card empty-state">
          <p>This trigger does not exist (or was deleted).</p>
        </div>
      )}
      {route.kind === 'edit' && current && (
        <>
          <div className="trigger-head card">
            <div>
              <h2>{current.name}</h2>
              <p className="muted small">
                Version {current.version} · saved {new Date(current.updatedAt).toLocaleString()} by{' '}
                {users.get(current.author) ?? current.author}
              </p>
            </div>
            <div className="actions">
              <span
                className={current.controls.status === 'enabled' ? 'badge badge-ok' : 'badge badge-muted'}
              >
                {current.controls.status === 'enabled' ? 'Enabled' : 'Paused'}
              </span>
              <button
                type="button"
                className="button"
                onClick={() =>
                  void setStatus(current, current.controls.status === 'enabled' ? 'paused' : 'enabled')
                }
              >
                {current.controls.status === 'enabled' ? 'Pause' : 'Enable'}
              </button>
              <button type="button" className="button button-danger" onClick={() => void remove(current)}>
                Delete
              </button>
            </div>
          </div>
          <div className="tabs" role="tablist">
            {(['definition', 'history'] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                aria-selected={route.tab === tab}
                className={route.tab === tab ? 'tab active' : 'tab'}
                onClick={() =>
                  navigate(
                    `/triggers/${encodeURIComponent(current.id)}${tab === 'history' ? '/history' : ''}`,
                  )
                }
              >
                {tab === 'definition' ? 'Definition' : 'History'}
              </button>
            ))}
          </div>
          {route.tab === 'definition' ? (
            <TriggerEditor
              key={`${current.id}:${editorKey}`}
              siteId={site.siteId}
              triggerId={current.id}
              version={current.version}
              initial={draftOf(current)}
              submitLabel="Save as new version"
              onSave={(draft) => save(current, draft)}
            />
          ) : (
            <div className="card">
              <TriggerHistory
                siteId={site.siteId}
                triggerId={current.id}
                reloadKey={reloadKey}
                users={users}
                onRestored={() => {
                  setEditorKey((k) => k + 1);
                  setReloadKey((k) => k + 1);
                  void load();
                }}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}
