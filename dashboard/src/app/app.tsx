import { lazy, Suspense, useEffect } from 'react';
import { AppLayout } from './layout/app-layout.tsx';
import { navFor, sectionOf } from './layout/navigation.ts';
import { AgentSocketProvider } from './live/agent-socket-context.tsx';
import { LiveVisitorsPage } from './live/live-visitors-page.tsx';
import { ComingSoonPage } from './pages/coming-soon-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { navigate, usePathname } from './routing/use-location.ts';
import { SessionProvider, useSession } from './session/session-context.tsx';
import { SettingsPage } from './settings/settings-page.tsx';

// The trigger editor carries the regex safety checker (recheck) and recharts: loaded on first visit only.
const TriggersPage = lazy(() =>
  import('./pages/triggers/triggers-page.tsx').then((m) => ({ default: m.TriggersPage })),
);

const descriptions: Record<string, string> = {
  '/live':
    'Every visitor on your site right now: page, time on page, cart value, and one click to invite them to chat.',
  '/triggers':
    'Rules that invite stuck visitors to a chat at the right moment, with holdout groups to measure uplift.',
  '/chats':
    'The agent console: take chats, answer with canned replies, co-browse with consent, transfer and close.',
  '/analytics':
    'Chats, missed chats, response times, ratings, and the causal uplift of invitations on conversion.',
};

function Routes() {
  const path = usePathname();
  const { me } = useSession();
  const section = sectionOf(path, me.user.role);
  const home = navFor(me.user.role)[0]?.path ?? '/';

  useEffect(() => {
    // A path this role may not see (or `/`) goes to the role's first section.
    if (!section) navigate(home, { replace: true });
  }, [section, home]);

  if (!section) return null;
  return (
    <AppLayout path={path}>
      {section.path === '/settings' ? (
        <SettingsPage path={path} />
      ) : section.path === '/live' ? (
        <LiveVisitorsPage />
      ) : section.path === '/triggers' ? (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <TriggersPage path={path} />
        </Suspense>
      ) : (
        <ComingSoonPage title={section.label} description={descriptions[section.path] ?? ''} />
      )}
    </AppLayout>
  );
}

export function App() {
  return (
    <SessionProvider anonymous={(onLogin) => <LoginPage onLogin={onLogin} />}>
      <AgentSocketProvider>
        <Routes />
      </AgentSocketProvider>
    </SessionProvider>
  );
}
