import { useState } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../../api/api-client.ts';
import type { ErrorIssue } from '../../api/api-types.ts';
import { FormError } from '../../components/form-error.tsx';
import type { Draft } from './trigger-draft.ts';
import type { BacktestResult } from './trigger-types.ts';

function hourLabel(ms: number, timeZone: string, withDay: boolean): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    ...(withDay ? { weekday: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

function Stat(props: { label: string; value: string | number; hint?: string; testId?: string }) {
  return (
    <div className="stat" data-testid={props.testId}>
      <span className="stat-value">{props.value}</span>
      <span className="stat-label">{props.label}</span>
      {props.hint && <span className="stat-hint">{props.hint}</span>}
    </div>
  );
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 1000) / 10}%`;
}

/** The backtest of a draft: replay the last N days, chart invited visitors per hour against staffed chat slots. */
export function BacktestPanel(props: {
  siteId: string;
  draft: Draft;
  issues: readonly ErrorIssue[];
  triggerId?: string;
}) {
  const [days, setDays] = useState(7);
  const [result, setResult] = useState<BacktestResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(
        await api.post<BacktestResult>(`/api/sites/${encodeURIComponent(props.siteId)}/triggers/backtest`, {
          trigger: props.draft,
          days,
          ...(props.triggerId ? { triggerId: props.triggerId } : {}),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const data = result?.hours.map((h) => ({
    ...h,
    label: hourLabel(
      h.hour,
      result.timezone,
      new Date(h.hour).getUTCHours() === 0 || result.hours.length <= 48,
    ),
  }));
  const t = result?.totals;

  return (
    <section className="card backtest" aria-labelledby="backtest-title">
      <div className="card-header">
        <h2 id="backtest-title">Backtest</h2>
        <div className="actions">
          <label className="inline-field">
            <span>Replay the last</span>
            <select aria-label="Backtest days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {[1, 3, 7, 14, 30].map((d) => (
                <option key={d} value={d}>
                  {d} day{d === 1 ? '' : 's'}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || props.issues.length > 0}
            title={props.issues.length > 0 ? 'Fix the draft first' : undefined}
            onClick={() => void run()}
          >
            {busy ? 'Running…' : 'Run backtest'}
          </button>
        </div>
      </div>
      <p className="muted small">
        Replays recorded visitors through this draft with the engine’s own evaluator (time conditions
        included, one invitation per visitor per session, holdout) and sets would-be invitations against the
        chat slots agents staffed.
      </p>
      <FormError error={error} />
      {result && t && data && (
        <>
          <div className="stats" data-testid="backtest-totals">
            <Stat label="would be invited" value={t.invited} testId="backtest-invited" />
            <Stat
              label="of them purchased"
              value={t.purchased}
              hint={`${percent(t.purchased, t.invited)} of invited`}
              testId="backtest-purchased"
            />
            <Stat
              label="held out"
              value={t.holdout}
              hint={`${t.holdoutPurchased} purchased (${percent(t.holdoutPurchased, t.holdout)})`}
            />
            <Stat label="peak invitations / hour" value={t.peakInvitedPerHour} />
            <Stat label="staffed slot-hours" value={t.staffedSlotHours} />
            <Stat
              label="sessions matched"
              value={`${t.matchedSessions} / ${t.sessions}`}
              hint={`${t.suppressedBudget} over budget · ${t.suppressedCap} capped`}
            />
          </div>
          <div className="chart" data-testid="backtest-chart">
            <ResponsiveContainer width="100%" height={300}>
              <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#e3e6ec" vertical={false} />
                <XAxis dataKey="label" minTickGap={24} tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={36} />
                <Tooltip />
                <Legend />
                <Bar dataKey="invited" name="Would invite / hour" fill="#2f5bea" isAnimationActive={false} />
                <Bar dataKey="purchased" name="…of them purchased" fill="#13a05a" isAnimationActive={false} />
                <Line
                  type="stepAfter"
                  dataKey="staffedSlots"
                  name="Chat slots staffed"
                  stroke="#e0851b"
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <p className="muted small">
            {result.sample.visitorsReplayed} visitors, {result.sample.eventsReplayed} events replayed in{' '}
            {result.durationMs} ms
            {result.sample.duplicatesRemoved > 0
              ? ` (${result.sample.duplicatesRemoved} duplicate events ignored)`
              : ''}
            . Hours shown in {result.timezone}.
          </p>
          {result.notes.length > 0 && (
            <ul className="notes">
              {result.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
