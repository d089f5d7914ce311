import { type BusinessHoursCondition, WEEKDAYS, type Weekday } from '@floorwalker/protocol';
import { instantsOfLocalTime, localTime } from './zoned-time.ts';

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function previousDay(day: Weekday): Weekday {
  const i = WEEKDAYS.indexOf(day);
  return WEEKDAYS[(i + 6) % 7] ?? 'sun';
}

/** Whether the wall clock of `timeZone` at `t` is within the opening hours. */
export function isWithinBusinessHours(
  hours: Pick<BusinessHoursCondition, 'days' | 'from' | 'to'>,
  t: number,
  timeZone: string,
): boolean {
  const l = localTime(t, timeZone);
  const now = l.hour * 60 + l.minute;
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (from < to) return hours.days.includes(l.weekday) && now >= from && now < to;
  // Spans midnight: open from `from` on an opening day until `to` the next morning.
  return (
    (hours.days.includes(l.weekday) && now >= from) ||
    (hours.days.includes(previousDay(l.weekday)) && now < to)
  );
}

/** How far ahead {@link nextBusinessHoursChange} looks: a full week plus slack for overnight spans. */
const LOOKAHEAD_DAYS = 9;

/**
 * The first instant after `now` at which {@link isWithinBusinessHours} changes, or undefined when
 * it never does (within nine days, i.e. never: the schedule repeats weekly).
 *
 * Changes happen only when the wall clock passes `from` or `to`, or jumps over one at a DST
 * transition. Every instant at which the wall clock reads `from` or `to` on the coming days is a
 * probe (both instants of a repeated local time; for a skipped local time two probes straddling
 * the jump). Between two consecutive probes there is at most one change, so the first probe whose
 * state differs from now's brackets the change, and a binary search over milliseconds finds its
 * exact instant (e.g. the DST jump itself when opening time falls into the skipped hour).
 */
export function nextBusinessHoursChange(
  hours: Pick<BusinessHoursCondition, 'days' | 'from' | 'to'>,
  now: number,
  timeZone: string,
): number | undefined {
  const current = isWithinBusinessHours(hours, now, timeZone);
  const today = localTime(now, timeZone);
  const probes: number[] = [];
  for (let offset = -1; offset <= LOOKAHEAD_DAYS; offset += 1) {
    for (const boundary of [hours.from, hours.to]) {
      const minutes = minutesOf(boundary);
      for (const t of instantsOfLocalTime(
        timeZone,
        today.year,
        today.month,
        today.day + offset,
        Math.floor(minutes / 60),
        minutes % 60,
      )) {
        if (t > now) probes.push(t);
      }
    }
  }
  probes.sort((a, b) => a - b);
  let low = now;
  for (const probe of probes) {
    if (isWithinBusinessHours(hours, probe, timeZone) === current) {
      low = probe;
      continue;
    }
    let high = probe;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (isWithinBusinessHours(hours, mid, timeZone) === current) low = mid;
      else high = mid;
    }
    return high;
  }
  return undefined;
}
