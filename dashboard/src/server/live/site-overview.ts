import { type ClickHouse, sql } from '@floorwalker/store';

/** Visitors and page views of one minute. */
export interface OverviewPoint {
  /** Start of the minute, epoch ms. */
  minute: number;
  visitors: number;
  pageViews: number;
}

/** A site's traffic per minute over the last hours, every minute present. */
export interface SiteOverview {
  from: number;
  to: number;
  points: OverviewPoint[];
  /** Over the whole window: distinct visitors (not the sum of the minutes) and page views. */
  totals: { visitors: number; pageViews: number };
}

interface MinuteRow {
  at: number;
  page_views: number;
  visitors: number;
}

const MINUTE = 60_000;

/**
 * Visitors and page views per minute from the `events_per_minute` rollup (sumMerge/uniqMerge of
 * its aggregate states). Minutes without traffic are filled with zeros here rather than with
 * `WITH FILL`, which ClickHouse 18.16 lacks. The window ends with the current minute.
 */
export async function siteOverview(
  ch: ClickHouse,
  siteId: string,
  hours: number,
  now = Date.now(),
): Promise<SiteOverview> {
  const to = Math.floor(now / MINUTE) * MINUTE;
  const from = to - (hours * 60 - 1) * MINUTE;
  const rollup = ch.table('events_per_minute');
  const window = sql`site_id = ${siteId} AND minute >= toDateTime(${from / 1000}) AND minute <= toDateTime(${to / 1000})`;
  const [rows, totals] = await Promise.all([
    ch.query<MinuteRow>(sql`
      SELECT toUnixTimestamp(minute) AS at, sumMerge(page_views) AS page_views, uniqMerge(visitors) AS visitors
      FROM ${rollup} WHERE ${window}
      GROUP BY minute ORDER BY minute`),
    ch.query<{ page_views: number; visitors: number }>(sql`
      SELECT sumMerge(page_views) AS page_views, uniqMerge(visitors) AS visitors
      FROM ${rollup} WHERE ${window}`),
  ]);
  const byMinute = new Map(rows.map((r) => [r.at * 1000, r]));
  const points: OverviewPoint[] = [];
  for (let minute = from; minute <= to; minute += MINUTE) {
    const row = byMinute.get(minute);
    points.push({ minute, visitors: Number(row?.visitors ?? 0), pageViews: Number(row?.page_views ?? 0) });
  }
  return {
    from,
    to,
    points,
    totals: { visitors: Number(totals[0]?.visitors ?? 0), pageViews: Number(totals[0]?.page_views ?? 0) },
  };
}
