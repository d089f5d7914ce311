import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onUnauthorized } from '../api/api-client.ts';
import type { MeResponse, SiteView } from '../api/api-types.ts';
import { initialSiteId, rememberSiteId } from './site-selection.ts';

export interface SessionState {
  me: MeResponse;
  /** The site the user works on now (site switcher), if they see any. */
  site: SiteView | undefined;
  selectSite(siteId: string): void;
  /** Reloads the user and their sites (after settings change them). */
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

type Status =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'ready'; me: MeResponse }
  | { kind: 'error'; message: string };

/** Loads the session; renders `anonymous` (the login page) until there is one. */
export function SessionProvider(props: {
  children: ReactNode;
  anonymous: (onLogin: (me: MeResponse) => void) => ReactNode;
}) {
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [siteId, setSiteId] = useState<string | undefined>();

  const accept = useCallback((me: MeResponse) => {
    setStatus({ kind: 'ready', me });
    setSiteId((current) => (me.sites.some((s) => s.siteId === current) ? current : initialSiteId(me.sites)));
  }, []);

  const load = useCallback(async () => {
    try {
      accept(await api.get<MeResponse>('/api/me'));
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 401) setStatus({ kind: 'anonymous' });
      else setStatus({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }, [accept]);

  useEffect(() => {
    void load();
    return onUnauthorized(() => setStatus({ kind: 'anonymous' }));
  }, [load]);

  const value = useMemo<SessionState | null>(() => {
    if (status.kind !== 'ready') return null;
    return {
      me: status.me,
      site: status.me.sites.find((s) => s.siteId === siteId),
      selectSite(id) {
        setSiteId(id);
        rememberSiteId(id);
      },
      refresh: load,
      async logout() {
        await api.post('/api/auth/logout');
        setStatus({ kind: 'anonymous' });
      },
    };
  }, [status, siteId, load]);

  if (status.kind === 'loading') return <div className="splash">Loading…</div>;
  if (status.kind === 'error') {
    return (
      <div className="splash">
        <p>The dashboard could not reach its server: {status.message}</p>
        <button type="button" className="button" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  }
  if (!value) return <>{props.anonymous(accept)}</>;
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}
