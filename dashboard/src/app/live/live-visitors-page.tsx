import { useCallback, useMemo, useState } from 'react';
import { useSession } from '../session/session-context.tsx';
import { useAgentConnection } from './agent-socket-context.tsx';
import type { VisitorStatus } from './live-types.ts';
import { OverviewChart } from './overview-chart.tsx';
import { type BoardVisitor, useLiveVisitors, useNow } from './use-live-visitors.ts';
import { VisitorDrawer } from './visitor-drawer.tsx';
import { STATUS_LABELS, STATUS_ORDER } from './visitor-status.ts';
import { VisitorTable, visitorLabel } from './visitor-table.tsx';
import './live.css';

type Filter = 'all' | VisitorStatus;
type Sort = 'newest' | 'time-on-page' | 'cart';

const SORTS: Record<Sort, { label: string; compare: (a: BoardVisitor, b: BoardVisitor) => number }> = {
  newest: {
    label: 'Newest visits first',
    compare: (a, b) => b.state.sessionStartedAt - a.state.sessionStartedAt,
  },
  'time-on-page': {
    label: 'Longest on page',
    compare: (a, b) => a.state.currentPage.enteredAt - b.state.currentPage.enteredAt,
  },
  cart: { label: 'Largest cart', compare: (a, b) => b.state.cart.value - a.state.cart.value },
};

function matches(v: BoardVisitor, text: string): boolean {
  if (!text) return true;
  const s = v.state;
  return [
    visitorLabel(v),
    s.visitorId,
    s.currentPage.path,
    s.currentPage.title,
    s.country,
    s.referrer,
    s.utm.source,
  ]
    .join(' ')
    .toLowerCase()
    .includes(text);
}

/** The live visitors board: who is on the site now, updated over the `/agent` socket. */
export function LiveVisitorsPage() {
  const { site } = useSession();
  const { connected } = useAgentConnection();
  const board = useLiveVisitors(site?.siteId);
  const now = useNow(1000) + board.clockOffset;
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>('newest');
  const [search, setSearch] = useState('');
  const [selectedId, setSelectedId] = useState<string>();
  const close = useCallback(() => setSelectedId(undefined), []);

  const all = useMemo(() => [...board.visitors.values()], [board.visitors]);
  const online = useMemo(() => all.filter((v) => !v.leftAt), [all]);
  const counts = useMemo(() => {
    const byStatus = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<VisitorStatus, number>;
    for (const v of all) byStatus[v.leftAt ? 'left' : v.state.status]++;
    return byStatus;
  }, [all]);
  const shown = useMemo(() => {
    const text = search.trim().toLowerCase();
    const base =
      filter === 'all' ? online : all.filter((v) => (v.leftAt ? 'left' : v.state.status) === filter);
    return base.filter((v) => matches(v, text)).sort(SORTS[sort].compare);
  }, [all, online, filter, search, sort]);
  const selected = selectedId ? board.visitors.get(selectedId) : undefined;

  if (!site) {
    return (
      <section className="page">
        <header className="page-header">
          <h1>Live visitors</h1>
        </header>
        <div className="card empty-state">
          <h2>No site selected</h2>
          <p>Choose a site in the top bar to see who is on it now.</p>
        </div>
      </section>
    );
  }

  const counters = [
    { key: 'online', label: 'Online now', value: online.length },
    {
      key: 'checkout',
      label: 'On checkout',
      value: online.filter((v) => v.state.status === 'checkout').length,
    },
    { key: 'carts', label: 'Carts open', value: online.filter((v) => v.state.cart.items > 0).length },
  ];

  return (
    <section className={`page live-page${selected ? ' with-drawer' : ''}`}>
      <header className="page-header live-header">
        <div>
          <h1>Live visitors</h1>
          <p className="muted">{site.name}</p>
        </div>
        <span className={`live-indicator${connected && board.ready ? ' on' : ''}`} role="status">
          {connected ? (board.ready ? 'Live' : 'Connecting…') : 'Reconnecting…'}
        </span>
      </header>

      <div className="counters">
        {counters.map((c) => (
          <div key={c.key} className="card counter" data-counter={c.key}>
            <span className="counter-label">{c.label}</span>
            <span className="counter-value tabular">{c.value}</span>
          </div>
        ))}
      </div>

      <OverviewChart siteId={site.siteId} />

      <div className="card board">
        <div className="board-toolbar">
          <div className="tabs" role="tablist" aria-label="Visitor state">
            <button
              type="button"
              role="tab"
              aria-selected={filter === 'all'}
              className={filter === 'all' ? 'tab active' : 'tab'}
              onClick={() => setFilter('all')}
            >
              All online <span className="tab-count">{online.length}</span>
            </button>
            {STATUS_ORDER.map((s) => (
              <button
                key={s}
                type="button"
                role="tab"
                aria-selected={filter === s}
                className={filter === s ? 'tab active' : 'tab'}
                onClick={() => setFilter(s)}
              >
                {STATUS_LABELS[s]} <span className="tab-count">{counts[s]}</span>
              </button>
            ))}
          </div>
          <div className="board-controls">
            <input
              type="search"
              placeholder="Search page, country, visitor…"
              aria-label="Search visitors"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <select aria-label="Sort visitors" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              {(Object.keys(SORTS) as Sort[]).map((s) => (
                <option key={s} value={s}>
                  {SORTS[s].label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {board.error && <p className="alert alert-error">{board.error}</p>}
        {shown.length === 0 ? (
          <div className="empty-state board-empty">
            <p className="muted">
              {!board.ready
                ? 'Loading visitors…'
                : search
                  ? 'No visitor matches your search.'
                  : filter === 'all'
                    ? 'Nobody is on the site right now. Visitors appear here the moment they open a page.'
                    : `No visitors ${STATUS_LABELS[filter].toLowerCase()} right now.`}
            </p>
          </div>
        ) : (
          <VisitorTable
            visitors={shown}
            grouped={filter === 'all'}
            now={now}
            selectedId={selectedId}
            onSelect={setSelectedId}
          />
        )}
      </div>

      {selected && <VisitorDrawer siteId={site.siteId} visitor={selected} now={now} onClose={close} />}
    </section>
  );
}
