import type { SHOP_EVENT_TYPES, TrackedEvent } from '@floorwalker/protocol';

type Scalar = string | number | boolean | null;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What `track()` adds to the fields every event has (ids, time, URL). */
export type EventFields = DistributiveOmit<
  TrackedEvent,
  'id' | 'ts' | 'visitorId' | 'sessionId' | 'pageViewId' | 'url' | 'title'
>;
type ShopType = (typeof SHOP_EVENT_TYPES)[number];

// A copy of the protocol's list: the snippet imports types only, never zod.
const SHOP: readonly string[] = [
  'add_to_cart',
  'remove_from_cart',
  'checkout_started',
  'purchase',
] satisfies ShopType[];

/**
 * Custom properties cut to what the collector accepts (flat scalars, at most 50 keys of at most
 * 64 characters, strings of at most 512): a shop's odd value is trimmed here rather than
 * rejected there. Objects, arrays, functions and non-finite numbers are left out.
 */
export function cleanProps(input: unknown): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  let n = 0;
  for (const [k, v] of Object.entries(input instanceof Object ? input : {})) {
    const t = typeof v;
    if (
      n < 50 &&
      (v === null || t === 'boolean' || t === 'string' || (t === 'number' && Number.isFinite(v)))
    ) {
      out[k.slice(0, 64)] = t === 'string' ? (v as string).slice(0, 512) : (v as Scalar);
      n++;
    }
  }
  return out;
}

/** A non-negative amount; numeric strings (`"49.90"` from a data attribute) count. */
function amount(v: unknown): number | undefined {
  const n = Number.parseFloat(v as string);
  return n >= 0 ? Math.min(n, 1e12) : undefined;
}

/**
 * Turns `track(name, props)` into event fields. The four shop events (`add_to_cart`,
 * `remove_from_cart`, `checkout_started`, `purchase`) lift `value`, `currency`, `sku`,
 * `quantity` and (purchase) `orderId` out of the properties; any other name is a `custom` event
 * with `value` and `currency` lifted. Returns undefined for a call without a name.
 */
export function eventFields(name: unknown, input?: unknown): EventFields | undefined {
  if (typeof name !== 'string' || !name) return undefined;
  const props = cleanProps(input);
  const shop = SHOP.includes(name);
  const fields: Record<string, unknown> = shop
    ? { type: name }
    : { type: 'custom', name: name.slice(0, 100) };
  const lift = (key: string, convert: (v: Scalar) => unknown) => {
    if (props[key] != null) fields[key] = convert(props[key]);
    delete props[key];
  };
  lift('value', amount);
  lift('currency', (v) => String(v).toUpperCase());
  if (!/^[A-Z]{3}$/.test(fields.currency as string)) delete fields.currency;
  if (shop) {
    lift('sku', String);
    lift('quantity', (v) => Math.min(100_000, Math.round(amount(v) ?? 1)));
  }
  if (name === 'purchase') {
    lift('orderId', String);
    fields.value ??= 0;
  }
  if (Object.keys(props).length) fields.props = props;
  return fields as EventFields;
}
