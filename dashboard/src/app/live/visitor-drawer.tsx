import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/api-client.ts';
import {
  countryFlag,
  formatClock,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatReferrer,
  formatTime,
} from './format-values.ts';
import { InvitePanel } from './invite-panel.tsx';
import type { JourneyEvent, JourneySession, VisitorJourney } from './live-types.ts';
import type { BoardVisitor } from './use-live-visitors.ts';
import { STATUS_LABELS } from './visitor-status.ts';
import { visitorLabel } from './visitor-table.tsx';

const EVENT_LABELS: Record<string, string> = {
  page_view: 'Viewed',
  add_to_cart: 'Added to cart',
  remove_from_cart: 'Removed from cart',
  checkout_started: 'Started checkout',
  purchase: 'Purchased',
  identify: 'Identified',
  custom: 'Event',
};

/** Merges an older page of the journey into what is shown (a visit may span both pages). */
function mergeOlder(shown: VisitorJourney, older: VisitorJourney): VisitorJourney {
  const sessions = shown.sessions.map((s) => ({ ...s }));
  for (const o of older.sessions) {
    const same = sessions.find((s) => s.sessionId === o.sessionId);
    if (same) {
      same.events = [...o.events, ...same.events];
      same.startedAt = Math.min(same.startedAt, o.startedAt);
      same.pageViews += o.pageViews;
      same.engagedMs += o.engagedMs;
      same.revenue += o.revenue;
      same.truncated = o.truncated;
      if (o.landingUrl) {
        same.landingUrl = o.landingUrl;
        same.referrer = o.referrer;
        same.utm = o.utm;
      }
    } else sessions.push(o);
  }
  return { ...older, sessions, count: shown.count + older.count };
}

/** A side panel with a visitor's live state, their journey over every visit, and "Invite to chat". */
export function VisitorDrawer(props: {
  siteId: string;
  visitor: BoardVisitor;
  now: number;
  onClose(): void;
}) {
  const { state, leftAt } = props.visitor;
  const [journey, setJourney] = useState<VisitorJourney>();
  const [error, setError] = useState<string>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  const base = `/api/sites/${encodeURIComponent(props.siteId)}/visitors/${encodeURIComponent(state.visitorId)}/journey`;

  // Reloaded when the visitor moves on (a new page view or cart change), a moment later so the
  // writer has stored the event.
  const changeKey = `${state.currentPage.pageViewId}|${state.cart.items}|${state.cart.value}|${state.purchased}`;
  const loaded = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when the visitor changes (changeKey), not on our own state.
  useEffect(() => {
    let active = true;
    const timer = setTimeout(
      () =>
        api.get<VisitorJourney>(base).then(
          (j) => {
            if (!active) return;
            loaded.current = true;
            setJourney(j);
            setError(undefined);
          },
          (e: unknown) => active && setError(e instanceof Error ? e.message : String(e)),
        ),
      loaded.current ? 1500 : 0,
    );
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [base, changeKey]);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.onClose]);

  const loadOlder = useCallback(async () => {
    if (!journey?.next) return;
    setLoadingOlder(true);
    try {
      const older = await api.get<VisitorJourney>(
        `${base}?beforeTs=${journey.next.beforeTs}&beforeId=${encodeURIComponent(journey.next.beforeId)}`,
      );
      setJourney(mergeOlder(journey, older));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoadingOlder(false);
    }
  }, [journey, base]);

  const identified = Object.entries(state.identified).filter(([, v]) => v !== null && v !== '');
  return (
    <aside
      className="drawer"
      aria-label={`Visitor ${visitorLabel(props.visitor)}`}
      data-visitor-id={state.visitorId}
    >
      <header className="drawer-header">
        <div>
          <h2>{visitorLabel(props.visitor)}</h2>
          <p className="muted small">
            <span className={`status status-${state.status}`}>{STATUS_LABELS[state.status]}</span>{' '}
            {state.returning ? `Returning visitor · visit ${state.visitCount}` : 'First visit'} ·{' '}
            {countryFlag(state.country)} {state.country || 'Unknown country'} · {state.device}{' '}
            {state.browser && `· ${state.browser}`}
          </p>
        </div>
        <button
          ref={closeRef}
          type="button"
          className="button button-quiet"
          onClick={props.onClose}
          aria-label="Close"
        >
          ✕
        </button>
      </header>

      <div className="drawer-body">
        <dl className="facts">
          <div>
            <dt>Current page</dt>
            <dd className="drawer-current-page" data-page-path={state.currentPage.path}>
              {state.currentPage.title || state.currentPage.path}
              <div className="muted small break">{state.currentPage.url}</div>
            </dd>
          </div>
          <div>
            <dt>Time on page</dt>
            <dd className="tabular">
              {formatClock((leftAt ? state.lastSeenAt : props.now) - state.currentPage.enteredAt)}
            </dd>
          </div>
          <div>
            <dt>On site this visit</dt>
            <dd className="tabular">
              {formatDuration((leftAt ? state.lastSeenAt : props.now) - state.sessionStartedAt)} ·{' '}
              {state.pagesThisSession} pages
            </dd>
          </div>
          <div>
            <dt>Cart</dt>
            <dd>
              {state.cart.items > 0
                ? `${formatMoney(state.cart.value, state.cart.currency)} · ${state.cart.items} items`
                : 'Empty'}
              {state.purchased && <span className="badge badge-ok">Purchased</span>}
            </dd>
          </div>
          <div>
            <dt>Came from</dt>
            <dd>
              {formatReferrer(state.referrer)}
              {state.utm.source && (
                <div className="muted small">
                  {[state.utm.source, state.utm.medium, state.utm.campaign].filter(Boolean).join(' / ')}
                </div>
              )}
            </dd>
          </div>
          {identified.length > 0 && (
            <div>
              <dt>Identified</dt>
              <dd>
                {identified.map(([k, v]) => (
                  <div key={k} className="small">
                    <span className="muted">{k}:</span> {String(v)}
                  </div>
                ))}
              </dd>
            </div>
          )}
        </dl>

        <InvitePanel siteId={props.siteId} visitor={state} left={leftAt !== undefined} />

        <section className="journey" aria-label="Journey">
          <h3>Journey</h3>
          {error && <p className="alert alert-error">{error}</p>}
          {!journey && !error && <p className="muted">Loading the journey…</p>}
          {journey && journey.sessions.length === 0 && (
            <p className="muted">No stored activity yet: events reach the history within a few seconds.</p>
          )}
          {journey?.sessions.map((s, i) => (
            <JourneyVisit
              key={s.sessionId}
              session={s}
              current={s.sessionId === state.sessionId}
              index={journey.sessions.length - i}
            />
          ))}
          {journey?.next && (
            <button type="button" className="button" disabled={loadingOlder} onClick={() => void loadOlder()}>
              {loadingOlder ? 'Loading…' : 'Load earlier activity'}
            </button>
          )}
        </section>
      </div>
    </aside>
  );
}

function JourneyVisit(props: { session: JourneySession; current: boolean; index: number }) {
  const s = props.session;
  const utm = [s.utm.source, s.utm.medium, s.utm.campaign, s.utm.term, s.utm.content].filter(Boolean);
  return (
    <article className="visit" data-session-id={s.sessionId}>
      <header className="visit-header">
        <strong>{props.current ? 'This visit' : 'Earlier visit'}</strong>
        <span className="muted small">
          {formatDateTime(s.startedAt)} · {formatDuration(s.endedAt - s.startedAt)} · {s.pageViews} pages
          {s.engagedMs > 0 && ` · ${formatDuration(s.engagedMs)} engaged`}
          {s.revenue > 0 && ` · ${formatMoney(s.revenue, s.currency)} revenue`}
        </span>
        <span className="muted small">
          From {formatReferrer(s.referrer)}
          {utm.length > 0 && (
            <>
              {' '}
              · UTM{' '}
              {utm.map((u) => (
                <span key={u} className="chip">
                  {u}
                </span>
              ))}
            </>
          )}
          {s.country && ` · ${countryFlag(s.country)} ${s.country}`} · {s.device}
        </span>
      </header>
      {s.truncated && (
        <p className="muted small">Earlier events of this visit are behind “Load earlier activity”.</p>
      )}
      <ol className="timeline">
        {s.events.map((e) => (
          <JourneyStep key={e.eventId} event={e} />
        ))}
      </ol>
    </article>
  );
}

function JourneyStep(props: { event: JourneyEvent }) {
  const e = props.event;
  const label = e.type === 'custom' ? e.name || 'Event' : (EVENT_LABELS[e.type] ?? e.type);
  const product = typeof e.props.name === 'string' ? e.props.name : e.sku;
  return (
    <li className={`step step-${e.type}`} data-event-type={e.type}>
      <time className="step-time tabular" dateTime={new Date(e.at).toISOString()}>
        {formatTime(e.at)}
      </time>
      <div className="step-body">
        <div>
          <strong>{label}</strong>{' '}
          {e.type === 'page_view' ? (
            <span title={e.url}>{e.title || e.path}</span>
          ) : (
            <>
              {product && <span>{product}</span>}
              {e.quantity > 1 && <span className="muted"> × {e.quantity}</span>}
              {e.value > 0 && <span> · {formatMoney(e.value, e.currency)}</span>}
              {e.orderId && <span className="muted"> · order {e.orderId}</span>}
            </>
          )}
        </div>
        <div className="muted small">
          {e.type === 'page_view'
            ? [
                e.path,
                e.engagedMs ? `${formatDuration(e.engagedMs)} engaged` : '',
                e.scrollDepth ? `scrolled ${e.scrollDepth}%` : '',
              ]
                .filter(Boolean)
                .join(' · ')
            : e.cartValue !== undefined
              ? `Cart after: ${formatMoney(e.cartValue, e.currency)}`
              : e.path}
        </div>
      </div>
    </li>
  );
}
