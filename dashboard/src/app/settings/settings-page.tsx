import { navigate } from '../routing/use-location.ts';
import { SitesPanel } from './sites-panel.tsx';
import { UsersPanel } from './users-panel.tsx';

/** Admin settings: sites (with install snippets) and users. */
export function SettingsPage(props: { path: string }) {
  const tab = props.path.startsWith('/settings/users') ? 'users' : 'sites';
  return (
    <section className="page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <div className="tabs" role="tablist">
        {(['sites', 'users'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'tab active' : 'tab'}
            onClick={() => navigate(`/settings/${t}`)}
          >
            {t === 'sites' ? 'Sites' : 'Users'}
          </button>
        ))}
      </div>
      {tab === 'sites' ? <SitesPanel /> : <UsersPanel />}
    </section>
  );
}
