import { useEffect, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/api-client.ts';
import type { SiteOverview } from './live-types.ts';

const RANGES = [1, 3, 6, 12, 24] as const;
/** The rollup gains a point a minute: refresh that often. */
const REFRESH_MS = 60_000;

const clock = (at: number) =>
  new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** Visitors and page views per minute over the last hours, from the per-minute rollup. */
export function OverviewChart(props: { siteId: string }) {
  const [hours, setHours] = useState<number>(3);
  const [overview, setOverview] = useState<SiteOverview>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let active = true;
    const load = () =>
      api.get<SiteOverview>(`/api/sites/${encodeURIComponent(props.siteId)}/overview?hours=${hours}`).then(
        (o) => {
          if (!active) return;
          setOverview(o);
          setError(undefined);
        },
        (e: unknown) => active && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    const id = setInterval(load, REFRESH_MS);
    return () => {
      active = false;
      clearInterval(id);
    };
  }, [props.siteId, hours]);

  return (
    <section className="card overview" aria-label="Site overview">
      <header className="overview-header">
        <div>
          <h2>Traffic per minute</h2>
          {overview && (
            <p className="muted small">
              {overview.totals.visitors.toLocaleString()} visitors ·{' '}
              {overview.totals.pageViews.toLocaleString()} page views in the last {hours} h
            </p>
          )}
        </div>
        <fieldset className="segmented">
          <legend className="visually-hidden">Chart range</legend>
          {RANGES.map((h) => (
            <button
              key={h}
              type="button"
              className={h === hours ? 'segment active' : 'segment'}
              aria-pressed={h === hours}
              onClick={() => setHours(h)}
            >
              {h} h
            </button>
          ))}
        </fieldset>
      </header>
      {error && <p className="alert alert-error">{error}</p>}
      <div className="overview-chart">
        {overview && (
          <ResponsiveContainer width="100%" height={200}>
            <ComposedChart data={overview.points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid stroke="#eef0f4" vertical={false} />
              <XAxis
                dataKey="minute"
                type="number"
                scale="time"
                domain={[overview.from, overview.to]}
                tickFormatter={clock}
                tick={{ fontSize: 12, fill: '#667085' }}
                minTickGap={40}
              />
              <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: '#667085' }} />
              <Tooltip
                labelFormatter={(label) => clock(Number(label))}
                contentStyle={{ borderRadius: 8, borderColor: '#e3e6ec', fontSize: 13 }}
              />
              <Legend wrapperStyle={{ fontSize: 13 }} />
              <Area
                type="monotone"
                dataKey="pageViews"
                name="Page views"
                stroke="#8fa8f5"
                fill="#eaf0ff"
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="visitors"
                name="Visitors"
                stroke="#2f5bea"
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            </ComposedChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}
