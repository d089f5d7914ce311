import { LIMITS, type TrackedEvent } from '@floorwalker/protocol';

/*
 * The hot path of `POST /v1/events` validates thousands of events per second. The zod schema
 * (`trackedEvent` in protocol) stays the definition and the only source of error messages; this
 * file is a hand-written check that answers "certainly valid" for the everyday event, several
 * times faster than zod. It may say no to a valid event (zod then decides), but it must never
 * say yes to an event zod rejects: `test/ingest/fast-event-check.test.ts` holds it to that on a
 * corpus of valid events and of every kind of broken field. It also says no to anything zod
 * would have to change (unknown keys, which zod strips), so an event it accepts can be stored
 * as it is: it is exactly what zod would output.
 */

// The patterns of the schema (zod 4's `z.uuid()` and the id and currency patterns in protocol).
const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
const ID = /^[A-Za-z0-9_-]+$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_CLIENT_TIME = 8_640_000_000_000;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' && v.length >= 8 && v.length <= 64 && ID.test(v);
const isInt = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
const optText = (v: unknown, max: number) => v === undefined || isText(v, max);
const optMoney = (v: unknown) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12);
const optCurrency = (v: unknown) => v === undefined || (typeof v === 'string' && CURRENCY.test(v));

/** Own keys of a JSON object; -1 when one of them is `__proto__` (zod treats it specially). */
function keyCount(o: Obj): number {
  let n = 0;
  for (const k in o) {
    if (k === '__proto__') return -1;
    n++;
  }
  return n;
}

/** `propsSchema`: flat scalar values, bounded keys and strings, at most `maxProps` entries. */
function isProps(v: unknown): boolean {
  if (!isObject(v)) return false;
  let n = 0;
  for (const k in v) {
    if (k === '__proto__' || k.length > 64 || ++n > LIMITS.maxProps) return false;
    const value = v[k];
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number' ? !Number.isFinite(value) : !isText(value, LIMITS.maxStringLength))
      return false;
  }
  return true;
}
const optProps = (v: unknown) => v === undefined || isProps(v);

/** Counts the optional keys present (JSON never holds `undefined`). */
function present(e: Obj, keys: readonly string[]): number {
  let n = 0;
  for (const k of keys) if (e[k] !== undefined) n++;
  return n;
}

const BASE_KEYS = 7; // id, ts, visitorId, sessionId, pageViewId, url, type
const CART_OPTIONAL = ['value', 'currency', 'sku', 'quantity', 'props'] as const;
const PAGE_VIEW_OPTIONAL = ['referrer', 'navigation', 'language', 'screen'] as const;
const CUSTOM_OPTIONAL = ['value', 'currency', 'props'] as const;

/** The cart fields shared by the shop events (`value` required for a purchase). */
function cartFields(e: Obj): number {
  if (!optMoney(e.value) || !optCurrency(e.currency) || !optText(e.sku, LIMITS.maxStringLength)) return -1;
  if (e.quantity !== undefined && !isInt(e.quantity, 0, 100_000)) return -1;
  if (!optProps(e.props)) return -1;
  return present(e, CART_OPTIONAL);
}

/**
 * True only when `candidate` is a valid tracked event without unknown keys (then it is exactly
 * what `trackedEvent.parse` returns). False means "ask zod", not "invalid".
 */
export function isCertainlyValidEvent(candidate: unknown): candidate is TrackedEvent {
  if (!isObject(candidate)) return false;
  const e = candidate;
  if (
    typeof e.id !== 'string' ||
    !UUID.test(e.id) ||
    !isInt(e.ts, 0, MAX_CLIENT_TIME) ||
    !isId(e.visitorId) ||
    !isId(e.sessionId) ||
    !isId(e.pageViewId) ||
    !isText(e.url, LIMITS.maxUrlLength) ||
    !optText(e.title, LIMITS.maxStringLength)
  )
    return false;
  // Keys this event may have beyond the base ones; -1 when a field is invalid.
  let extra: number;
  switch (e.type) {
    case 'page_view':
      extra =
        optText(e.referrer, LIMITS.maxUrlLength) &&
        (e.navigation === undefined || e.navigation === 'load' || e.navigation === 'spa') &&
        optText(e.language, 35) &&
        optText(e.screen, 20)
          ? present(e, PAGE_VIEW_OPTIONAL)
          : -1;
      break;
    case 'engagement':
      extra = isInt(e.engagedMs, 0, 86_400_000) && isInt(e.scrollDepth, 0, 100) ? 2 : -1;
      break;
    case 'heartbeat':
      extra = e.active === undefined ? 0 : typeof e.active === 'boolean' ? 1 : -1;
      break;
    case 'page_leave':
      extra = 0;
      break;
    case 'add_to_cart':
    case 'remove_from_cart':
    case 'checkout_started':
      extra = cartFields(e);
      break;
    case 'purchase': {
      const cart = e.value !== undefined && optText(e.orderId, LIMITS.maxStringLength) ? cartFields(e) : -1;
      extra = cart < 0 ? -1 : cart + (e.orderId === undefined ? 0 : 1);
      break;
    }
    case 'identify':
      extra = isProps(e.traits) ? 1 : -1;
      break;
    case 'custom':
      extra =
        typeof e.name === 'string' &&
        e.name.length >= 1 &&
        e.name.length <= 100 &&
        optMoney(e.value) &&
        optCurrency(e.currency) &&
        optProps(e.props)
          ? 1 + present(e, CUSTOM_OPTIONAL)
          : -1;
      break;
    default:
      return false;
  }
  if (extra < 0) return false;
  // Any key beyond the known ones is unknown: zod would strip it, so let zod produce the event.
  return keyCount(e) === BASE_KEYS + (e.title === undefined ? 0 : 1) + extra;
}
