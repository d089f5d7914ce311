import { condition, numberCompare, textMatch, valueMatch } from '@floorwalker/protocol';
import type { z } from 'zod';

/*
 * The condition builder's pickers come from the protocol's zod schemas themselves (the schema the
 * API validates with), so a condition type or operator added there shows up here without a second list.
 */

type Union = z.ZodDiscriminatedUnion<z.ZodObject[]>;

/** The values a discriminator accepts: a literal's value(s) or an enum's options. */
function valuesOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const s = schema as unknown as { options?: readonly string[]; values?: Set<string> };
  if (Array.isArray(s.options)) return [...s.options];
  if (s.values instanceof Set) return [...s.values].map(String);
  return [];
}

function discriminators(union: z.ZodType, key: string): string[] {
  return (union as unknown as Union).options.flatMap((o) => valuesOf(o.shape[key] as z.ZodType | undefined));
}

/** Every condition type, in schema order (`page`, …, `all`, `any`, `not`). */
export const CONDITION_TYPES: readonly string[] = discriminators(condition, 'type');
/** Leaf condition types (groups excluded). */
export const LEAF_TYPES: readonly string[] = CONDITION_TYPES.filter(
  (t) => t !== 'all' && t !== 'any' && t !== 'not',
);
/** Text operators (`equals`, `contains`, `prefix`, `wildcard`, `regex`). */
export const TEXT_OPS: readonly string[] = discriminators(textMatch, 'op');
/** Number operators (`gt`, …, `between`). */
export const NUMBER_OPS: readonly string[] = discriminators(numberCompare, 'op');
/** Operators on identified attributes and event properties. */
export const VALUE_OPS: readonly string[] = discriminators(valueMatch, 'op');

/** The enum options of one field of one condition type (`utm.field`, `page.field`, `device.in`). */
export function fieldOptions(type: string, field: string): string[] {
  for (const option of (condition as unknown as Union).options) {
    if (!valuesOf(option.shape.type as z.ZodType).includes(type)) continue;
    let schema = option.shape[field] as z.ZodType | undefined;
    // Arrays (`device.in`, `business_hours.days`): their element's options.
    const element = (schema as unknown as { element?: z.ZodType } | undefined)?.element;
    if (element) schema = element;
    return valuesOf(schema);
  }
  return [];
}

export const CONDITION_LABELS: Record<string, string> = {
  page: 'Page',
  referrer: 'Referrer',
  utm: 'Campaign (UTM)',
  time_on_page: 'Time on page (s)',
  time_on_site: 'Time on site (s)',
  idle: 'Idle time (s)',
  page_views: 'Page views this session',
  visit_count: 'Visit count',
  cart_value: 'Cart value',
  cart_items: 'Cart items',
  scroll_depth: 'Scroll depth (%)',
  visitor_type: 'New or returning',
  device: 'Device type',
  country: 'Country',
  language: 'Language',
  event: 'Event seen',
  exit_intent: 'Exit intent',
  attribute: 'Identified attribute',
  business_hours: 'Business hours',
  all: 'All of',
  any: 'Any of',
  not: 'Not',
};

export const OP_LABELS: Record<string, string> = {
  equals: 'equals',
  contains: 'contains',
  prefix: 'starts with',
  wildcard: 'matches wildcard',
  regex: 'matches regex',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  eq: '=',
  between: 'between',
  exists: 'is set',
  is: 'is',
};
