import { Fragment } from 'react';
import { countryFlag, formatClock, formatMoney, formatReferrer } from './format-values.ts';
import type { VisitorStatus } from './live-types.ts';
import type { BoardVisitor } from './use-live-visitors.ts';
import { STATUS_LABELS, STATUS_ORDER } from './visitor-status.ts';

/** Display name of a visitor: identified name or e-mail, else a short id. */
export function visitorLabel(v: BoardVisitor): string {
  const { identified, visitorId } = v.state;
  const name = identified.name ?? identified.email;
  return typeof name === 'string' && name ? name : `Visitor ${visitorId.slice(0, 6)}`;
}

const COLUMNS = 9;

/**
 * The visitors of the board, grouped by state when `grouped`, one row each. Rows open the visitor
 * drawer (click or Enter). Times on page tick with `now` (server clock).
 */
export function VisitorTable(props: {
  visitors: readonly BoardVisitor[];
  grouped: boolean;
  now: number;
  selectedId: string | undefined;
  onSelect(visitorId: string): void;
}) {
  const groups: [VisitorStatus | 'all', BoardVisitor[]][] = props.grouped
    ? STATUS_ORDER.map(
        (s) => [s, props.visitors.filter((v) => v.state.status === s)] as [VisitorStatus, BoardVisitor[]],
      ).filter(([, list]) => list.length > 0)
    : [['all', [...props.visitors]]];

  return (
    <div className="table-wrap">
      <table className="visitor-table">
        <thead>
          <tr>
            <th scope="col">Visitor</th>
            <th scope="col">State</th>
            <th scope="col">Current page</th>
            <th scope="col" className="num">
              Time on page
            </th>
            <th scope="col" className="num">
              Pages
            </th>
            <th scope="col" className="num">
              Cart
            </th>
            <th scope="col">Country</th>
            <th scope="col">Device</th>
            <th scope="col">Referrer</th>
          </tr>
        </thead>
        <tbody>
          {groups.map(([status, list]) => (
            <Fragment key={status}>
              {status !== 'all' && (
                <tr className="group-row">
                  <th colSpan={COLUMNS} scope="colgroup">
                    {STATUS_LABELS[status]} <span className="muted">({list.length})</span>
                  </th>
                </tr>
              )}
              {list.map((v) => (
                <VisitorRow
                  key={v.state.visitorId}
                  visitor={v}
                  now={props.now}
                  selected={v.state.visitorId === props.selectedId}
                  onSelect={props.onSelect}
                />
              ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VisitorRow(props: {
  visitor: BoardVisitor;
  now: number;
  selected: boolean;
  onSelect(id: string): void;
}) {
  const { state, leftAt } = props.visitor;
  const page = state.currentPage;
  const left = leftAt !== undefined;
  // After leaving, the time on page stops at the last sign of life.
  const onPage = (left ? state.lastSeenAt : props.now) - page.enteredAt;
  return (
    <tr
      className={`visitor-row${props.selected ? ' selected' : ''}${left ? ' is-left' : ''}`}
      data-visitor-id={state.visitorId}
      data-status={state.status}
      tabIndex={0}
      aria-selected={props.selected}
      onClick={() => props.onSelect(state.visitorId)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          props.onSelect(state.visitorId);
        }
      }}
    >
      <td>
        <div className="visitor-name">{visitorLabel(props.visitor)}</div>
        <div className="muted small">
          {state.returning ? `Returning · visit ${state.visitCount}` : 'New visitor'}
          {state.tabs > 1 ? ` · ${state.tabs} tabs` : ''}
        </div>
      </td>
      <td>
        <span className={`status status-${state.status}`}>{STATUS_LABELS[state.status]}</span>
      </td>
      <td className="page-cell" data-page-path={page.path} data-page-url={page.url}>
        <div className="page-title" title={page.url}>
          {page.title || page.path}
        </div>
        <div className="muted small page-path">{page.path}</div>
      </td>
      <td className="num tabular">{formatClock(onPage)}</td>
      <td className="num tabular">{state.pagesThisSession}</td>
      <td className="num tabular">
        {state.cart.items > 0 ? (
          <>
            {formatMoney(state.cart.value, state.cart.currency)}
            <div className="muted small">
              {state.cart.items} item{state.cart.items === 1 ? '' : 's'}
            </div>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {state.country ? (
          <>
            <span aria-hidden="true">{countryFlag(state.country)}</span> {state.country}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <div className="capitalize">{state.device || '—'}</div>
        <div className="muted small">{[state.browser, state.os].filter(Boolean).join(' · ')}</div>
      </td>
      <td>
        <div>{formatReferrer(state.referrer)}</div>
        {state.utm.source && <div className="muted small">utm: {state.utm.source}</div>}
      </td>
    </tr>
  );
}
