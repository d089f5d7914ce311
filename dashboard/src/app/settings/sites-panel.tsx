import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { SiteView } from '../api/api-types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { FormError } from '../components/form-error.tsx';
import { useSession } from '../session/session-context.tsx';
import { SiteForm, type SiteFormValues } from './site-form.tsx';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; siteId: string };

export function SitesPanel() {
  const session = useSession();
  const [sites, setSites] = useState<SiteView[] | undefined>();
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      setSites((await api.get<{ sites: SiteView[] }>('/api/sites')).sites);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function afterChange(selectId?: string) {
    await Promise.all([load(), session.refresh()]);
    if (selectId) session.selectSite(selectId);
  }

  async function create(values: SiteFormValues) {
    const { site } = await api.post<{ site: SiteView }>('/api/sites', values);
    setEditing({ kind: 'edit', siteId: site.siteId });
    await afterChange(site.siteId);
  }

  async function update(siteId: string, values: SiteFormValues) {
    await api.patch<{ site: SiteView }>(`/api/sites/${encodeURIComponent(siteId)}`, values);
    await afterChange();
  }

  async function remove(site: SiteView) {
    if (!window.confirm(`Delete the site “${site.name}”? Its snippet stops sending data at once.`)) return;
    try {
      await api.delete(`/api/sites/${encodeURIComponent(site.siteId)}`);
      setEditing({ kind: 'none' });
      await afterChange();
    } catch (e) {
      setError(e);
    }
  }

  const selected = editing.kind === 'edit' ? sites?.find((s) => s.siteId === editing.siteId) : undefined;

  return (
    <div className="split">
      <div className="card list-card">
        <div className="card-header">
          <h2>Sites</h2>
          <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            Add site
          </button>
        </div>
        <FormError error={error} />
        {sites === undefined ? (
          <p className="muted">Loading…</p>
        ) : sites.length === 0 ? (
          <p className="muted">No sites yet. Add your shop to get its install snippet.</p>
        ) : (
          <ul className="item-list">
            {sites.map((s) => (
              <li key={s.siteId}>
                <button
                  type="button"
                  className={selected?.siteId === s.siteId ? 'item active' : 'item'}
                  onClick={() => setEditing({ kind: 'edit', siteId: s.siteId })}
                >
                  <span className="item-title">{s.name}</span>
                  <span className="item-sub">
                    {s.allowedOrigins.length ? s.allowedOrigins.join(', ') : 'Any origin'} · {s.timezone}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="detail">
        {editing.kind === 'new' && (
          <div className="card">
            <h2>New site</h2>
            <SiteForm
              submitLabel="Create site"
              onSubmit={create}
              onCancel={() => setEditing({ kind: 'none' })}
            />
          </div>
        )}
        {selected && (
          <>
            <div className="card">
              <h2>Install snippet</h2>
              <p className="muted">
                Paste this into the <code>&lt;head&gt;</code> of every page of{' '}
                <strong>{selected.name}</strong>.
              </p>
              <pre className="snippet" data-testid="install-snippet">
                {selected.snippet}
              </pre>
              <div className="actions">
                <CopyButton text={selected.snippet} label="Copy snippet" />
                <span className="muted small">Site ID: {selected.siteId}</span>
              </div>
            </div>
            <div className="card">
              <h2>Site settings</h2>
              <SiteForm
                key={selected.siteId}
                initial={selected}
                submitLabel="Save changes"
                onSubmit={(values) => update(selected.siteId, values)}
              />
              <div className="danger-zone">
                <button type="button" className="button button-danger" onClick={() => void remove(selected)}>
                  Delete site
                </button>
              </div>
            </div>
          </>
        )}
        {editing.kind === 'none' && sites && sites.length > 0 && (
          <div className="card empty-state">
            <p>Select a site to see its install snippet and settings.</p>
          </div>
        )}
      </div>
    </div>
  );
}
