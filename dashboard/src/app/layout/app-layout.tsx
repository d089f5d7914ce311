import type { ReactNode } from 'react';
import { AvailabilityToggle } from '../live/availability-toggle.tsx';
import { navigate } from '../routing/use-location.ts';
import { useSession } from '../session/session-context.tsx';
import { navFor } from './navigation.ts';

const roleLabels = { admin: 'Admin', manager: 'Manager', marketer: 'Marketer', agent: 'Agent' } as const;

/** Sidebar with the role's sections, a top bar with the site switcher and the user. */
export function AppLayout(props: { path: string; children: ReactNode }) {
  const { me, site, selectSite, logout } = useSession();
  const items = navFor(me.user.role);
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Floorwalker
        </div>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => {
              const active = props.path === item.path || props.path.startsWith(`${item.path}/`);
              return (
                <li key={item.path}>
                  <a
                    href={item.path}
                    className={active ? 'nav-link active' : 'nav-link'}
                    aria-current={active ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(item.path);
                    }}
                  >
                    {item.label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="site-switcher">
            <span id="site-switcher-label">Site</span>
            {me.sites.length > 0 ? (
              <select
                aria-labelledby="site-switcher-label"
                value={site?.siteId ?? ''}
                onChange={(e) => selectSite(e.target.value)}
              >
                {me.sites.map((s) => (
                  <option key={s.siteId} value={s.siteId}>
                    {s.name}
                  </option>
                ))}
              </select>
            ) : (
              <em className="muted">
                {me.user.role === 'admin' ? 'No sites yet: add one in Settings' : 'No sites assigned'}
              </em>
            )}
          </div>
          <div className="user-menu">
            <AvailabilityToggle />
            <span className="user-name">{me.user.name}</span>
            <span className="badge">{roleLabels[me.user.role]}</span>
            <button type="button" className="button button-quiet" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
        </header>
        <main className="content">{props.children}</main>
      </div>
    </div>
  );
}
