import type {
  BusinessHoursCondition,
  DeviceType,
  EventCondition,
  ExitIntentCondition,
  LeafCondition,
  NumberCompare,
  NumericCondition,
  VisitorState,
} from '@floorwalker/protocol';
import { DEVICE_TYPES } from '@floorwalker/protocol';
import { isWithinBusinessHours, nextBusinessHoursChange } from './business-hours.ts';
import type { ConditionResult, EvaluationContext } from './condition-result.ts';
import {
  describeNumber,
  describeText,
  describeValue,
  matchNumber,
  matchText,
  matchValue,
} from './match-value.ts';
import { localTime } from './zoned-time.ts';

/** Whole seconds elapsed since `since` at `t` (never negative). */
function elapsedSeconds(since: number, t: number): number {
  return Math.max(0, Math.floor((t - since) / 1000));
}

/**
 * When a comparison on "whole seconds since `since`" next changes after `now`. The measure
 * steps up by one at `since + k·1000`, so only steps next to a boundary of the comparison can
 * change the result; the earliest one that does is the answer.
 */
export function nextElapsedChange(compare: NumberCompare, since: number, now: number): number | undefined {
  const current = matchNumber(compare, elapsedSeconds(since, now));
  const bounds = compare.op === 'between' ? [compare.min, compare.max] : [compare.value];
  const steps = new Set<number>();
  for (const b of bounds) {
    for (const k of [Math.floor(b), Math.ceil(b), Math.floor(b) + 1, Math.ceil(b) + 1]) {
      if (k >= 0) steps.add(since + k * 1000);
    }
  }
  let best: number | undefined;
  for (const t of steps) {
    if (t <= now) continue;
    if (matchNumber(compare, elapsedSeconds(since, t)) !== current && (best === undefined || t < best))
      best = t;
  }
  return best;
}

const NUMERIC_LABEL: Record<NumericCondition['type'], string> = {
  time_on_page: 'time on page (s)',
  time_on_site: 'time on site (s)',
  idle: 'idle time (s)',
  page_views: 'page views this session',
  visit_count: 'visit count',
  cart_value: 'cart value',
  cart_items: 'cart items',
  scroll_depth: 'scroll depth (%)',
};

function numericLeaf(condition: NumericCondition, ctx: EvaluationContext): ConditionResult {
  const { state, now } = ctx;
  let since: number | undefined;
  let actual: number;
  switch (condition.type) {
    case 'time_on_page':
      since = state.currentPage.enteredAt;
      break;
    case 'time_on_site':
      since = state.sessionStartedAt;
      break;
    case 'idle':
      since = state.lastActivityAt;
      break;
  }
  switch (condition.type) {
    case 'time_on_page':
    case 'time_on_site':
    case 'idle':
      actual = elapsedSeconds(since ?? now, now);
      break;
    case 'page_views':
      actual = state.pagesThisSession;
      break;
    case 'visit_count':
      actual = state.visitCount;
      break;
    case 'cart_value':
      actual = state.cart.value;
      break;
    case 'cart_items':
      actual = state.cart.items;
      break;
    case 'scroll_depth':
      actual = state.scrollDepth;
      break;
  }
  const passed = matchNumber(condition.compare, actual);
  const result: ConditionResult = {
    condition,
    passed,
    actual,
    reason: `${NUMERIC_LABEL[condition.type]} is ${actual}, needs ${describeNumber(condition.compare)}`,
  };
  if (since !== undefined) {
    const next = nextElapsedChange(condition.compare, since, now);
    if (next !== undefined) result.nextCheckAt = next;
  }
  return result;
}

function eventMatchesName(event: VisitorState['recentEvents'][number], name: string): boolean {
  return event.name === name || (event.type !== 'custom' && event.type === name);
}

function eventLeaf(condition: EventCondition, ctx: EvaluationContext): ConditionResult {
  const { state, now } = ctx;
  const minCount = condition.minCount ?? 1;
  const windowMs = condition.withinSeconds === undefined ? undefined : condition.withinSeconds * 1000;
  const times = state.recentEvents
    .filter(
      (e) =>
        eventMatchesName(e, condition.name) &&
        (condition.props ?? []).every((p) => matchValue(p.match, e.props[p.key])) &&
        (windowMs === undefined || now < e.ts + windowMs),
    )
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const count = times.length;
  const passed = count >= minCount;
  const props = (condition.props ?? []).map((p) => `${p.key} ${describeValue(p.match)}`).join(' and ');
  const result: ConditionResult = {
    condition,
    passed,
    actual: count,
    reason:
      `${count} "${condition.name}" event(s)` +
      (props ? ` with ${props}` : '') +
      (windowMs === undefined ? ' this session' : ` in the last ${condition.withinSeconds} s`) +
      `, needs at least ${minCount}`,
  };
  // Only expiry can change the result without a new event: the count drops below `minCount`
  // once the (count - minCount + 1)-th oldest counted event leaves the window.
  const dropping = times[count - minCount];
  if (passed && windowMs !== undefined && dropping !== undefined) result.nextCheckAt = dropping + windowMs;
  return result;
}

function exitIntentLeaf(condition: ExitIntentCondition, ctx: EvaluationContext): ConditionResult {
  const { state, now } = ctx;
  const at = state.exitIntentAt;
  const onThisPage = at !== undefined && at >= state.currentPage.enteredAt;
  const expiresAt =
    onThisPage && condition.withinSeconds !== undefined ? at + condition.withinSeconds * 1000 : undefined;
  const passed = onThisPage && (expiresAt === undefined || now < expiresAt);
  const result: ConditionResult = {
    condition,
    passed,
    actual: onThisPage ? elapsedSeconds(at, now) : null,
    reason: !onThisPage
      ? 'no exit intent on this page'
      : `exit intent ${elapsedSeconds(at, now)} s ago` +
        (condition.withinSeconds === undefined ? '' : `, needs within ${condition.withinSeconds} s`),
  };
  if (passed && expiresAt !== undefined) result.nextCheckAt = expiresAt;
  return result;
}

function businessHoursLeaf(condition: BusinessHoursCondition, ctx: EvaluationContext): ConditionResult {
  const zone = condition.timezone ?? ctx.timezone;
  const passed = isWithinBusinessHours(condition, ctx.now, zone);
  const l = localTime(ctx.now, zone);
  const clock = `${l.weekday} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
  const result: ConditionResult = {
    condition,
    passed,
    actual: clock,
    reason: `local time ${clock} (${zone}) is ${passed ? 'within' : 'outside'} ${condition.days.join(',')} ${condition.from}–${condition.to}`,
  };
  const next = nextBusinessHoursChange(condition, ctx.now, zone);
  if (next !== undefined) result.nextCheckAt = next;
  return result;
}

function inList(
  actual: string,
  list: readonly string[],
  label: string,
  condition: LeafCondition,
): ConditionResult {
  const passed = list.some((v) => v.toLowerCase() === actual.toLowerCase());
  return {
    condition,
    passed,
    actual,
    reason: `${label} ${JSON.stringify(actual)} ${passed ? 'is' : 'is not'} one of ${list.join(', ')}`,
  };
}

function deviceOf(state: VisitorState): DeviceType {
  const d = state.device.toLowerCase();
  return (DEVICE_TYPES as readonly string[]).includes(d) ? (d as DeviceType) : 'other';
}

/** Evaluates one non-group condition. Never throws on odd state values. */
export function evaluateLeaf(condition: LeafCondition, ctx: EvaluationContext): ConditionResult {
  const { state } = ctx;
  switch (condition.type) {
    case 'page': {
      const actual =
        condition.field === 'url'
          ? state.currentPage.url
          : condition.field === 'path'
            ? state.currentPage.path
            : state.currentPage.title;
      const passed = matchText(condition.match, actual);
      return {
        condition,
        passed,
        actual,
        reason: `page ${condition.field} ${JSON.stringify(actual)} ${passed ? 'satisfies' : 'does not satisfy'}: ${describeText(condition.match)}`,
      };
    }
    case 'referrer': {
      const passed = matchText(condition.match, state.referrer);
      return {
        condition,
        passed,
        actual: state.referrer,
        reason: `referrer ${JSON.stringify(state.referrer)} ${passed ? 'satisfies' : 'does not satisfy'}: ${describeText(condition.match)}`,
      };
    }
    case 'utm': {
      const actual = state.utm[condition.field];
      const passed = matchText(condition.match, actual);
      return {
        condition,
        passed,
        actual,
        reason: `utm_${condition.field} ${JSON.stringify(actual)} ${passed ? 'satisfies' : 'does not satisfy'}: ${describeText(condition.match)}`,
      };
    }
    case 'time_on_page':
    case 'time_on_site':
    case 'idle':
    case 'page_views':
    case 'visit_count':
    case 'cart_value':
    case 'cart_items':
    case 'scroll_depth':
      return numericLeaf(condition, ctx);
    case 'visitor_type': {
      const actual = state.returning ? 'returning' : 'new';
      return {
        condition,
        passed: actual === condition.value,
        actual,
        reason: `visitor is ${actual}, needs ${condition.value}`,
      };
    }
    case 'device':
      return inList(deviceOf(state), condition.in, 'device', condition);
    case 'country':
      return inList(state.country, condition.in, 'country', condition);
    case 'language': {
      const actual = state.language.toLowerCase();
      const passed = condition.in.some((tag) => {
        const t = tag.toLowerCase();
        return actual === t || actual.startsWith(`${t}-`);
      });
      return {
        condition,
        passed,
        actual: state.language,
        reason: `language ${JSON.stringify(state.language)} ${passed ? 'is' : 'is not'} one of ${condition.in.join(', ')}`,
      };
    }
    case 'event':
      return eventLeaf(condition, ctx);
    case 'exit_intent':
      return exitIntentLeaf(condition, ctx);
    case 'attribute': {
      const has = Object.hasOwn(state.identified, condition.key);
      const actual = has ? (state.identified[condition.key] ?? null) : null;
      const passed = matchValue(condition.match, has ? actual : undefined);
      return {
        condition,
        passed,
        actual,
        reason: `attribute ${condition.key} = ${has ? JSON.stringify(actual) : '(not set)'} ${passed ? 'satisfies' : 'does not satisfy'}: ${describeValue(condition.match)}`,
      };
    }
    case 'business_hours':
      return businessHoursLeaf(condition, ctx);
  }
}
