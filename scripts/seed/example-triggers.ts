import type { TriggerDraft } from '@floorwalker/protocol';
import { type ClickHouse, sql, triggerChanges, triggersRepository } from '@floorwalker/store';
import type { SeedContext, SeedHook } from './hooks.ts';

/**
 * Example triggers for the demo shop: the three situations shops most often invite in, with
 * thresholds a marketer would start from. They are ordinary triggers (edit, pause, delete them
 * in the dashboard); the contact budget keeps a shopper to one invitation per session, and the
 * default 10% holdout measures whether inviting changes conversion.
 */
export const EXAMPLE_TRIGGERS: readonly TriggerDraft[] = [
  {
    name: 'Exit intent with items in cart',
    description:
      'The shopper has something in the cart and moves to leave the page (pointer towards the tab bar). Not on checkout (its own trigger) or after the purchase.',
    conditions: {
      type: 'all',
      conditions: [
        { type: 'exit_intent', withinSeconds: 10 },
        { type: 'cart_items', compare: { op: 'gte', value: 1 } },
        {
          type: 'not',
          condition: {
            type: 'any',
            conditions: [
              { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
              { type: 'page', field: 'path', match: { op: 'prefix', value: '/thank-you' } },
            ],
          },
        },
      ],
    },
    availability: { type: 'any_agent' },
    action: {
      type: 'invite',
      message: {
        default: 'Before you go: can we help you with anything in your cart?',
        byLanguage: { de: 'Bevor Sie gehen: Können wir Ihnen bei Ihrem Warenkorb helfen?' },
      },
      sender: { type: 'team', name: 'Customer care' },
      autoOpen: false,
    },
    controls: { priority: 20, holdoutPercent: 10 },
  },
  {
    name: 'Checkout hesitation',
    description: 'A shopper with a filled cart has been on checkout for a minute without finishing.',
    conditions: {
      type: 'all',
      conditions: [
        { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
        { type: 'time_on_page', compare: { op: 'gte', value: 60 } },
        { type: 'cart_value', compare: { op: 'gt', value: 0 } },
      ],
    },
    availability: { type: 'any_agent' },
    action: {
      type: 'invite',
      message: {
        default: 'Need a hand with your order? Ask us about shipping, payment or anything else.',
        byLanguage: {
          de: 'Brauchen Sie Hilfe bei Ihrer Bestellung? Fragen Sie uns zu Versand, Zahlung oder allem anderen.',
        },
      },
      sender: { type: 'team', name: 'Customer care' },
      autoOpen: false,
    },
    controls: { priority: 10, holdoutPercent: 10 },
  },
  {
    name: 'Returning visitor studying a product',
    description: 'Someone who has visited before reads one product page for 45 seconds.',
    conditions: {
      type: 'all',
      conditions: [
        { type: 'visitor_type', value: 'returning' },
        { type: 'page', field: 'path', match: { op: 'prefix', value: '/product/' } },
        { type: 'time_on_page', compare: { op: 'gte', value: 45 } },
      ],
    },
    availability: { type: 'any_agent' },
    action: {
      type: 'invite',
      message: {
        default: 'Welcome back! Any questions about this product? We are happy to help.',
        byLanguage: { de: 'Willkommen zurück! Fragen zu diesem Produkt? Wir helfen gern.' },
      },
      sender: { type: 'team', name: 'Customer care' },
      autoOpen: false,
    },
    controls: { priority: 0, holdoutPercent: 10 },
  },
];

/** What {@link seedExampleTriggers} did, by trigger name. */
export interface SeedExampleTriggersResult {
  created: string[];
  /** Seeded before (possibly renamed, changed or deleted by staff since): left alone. */
  skipped: string[];
}

/** Names of the examples already seeded on a site: first versions written by the seed author. */
async function seededNames(ch: ClickHouse, siteId: string, by: string): Promise<Set<string>> {
  const rows = await ch.query<{ name: string }>(sql`
    SELECT DISTINCT name FROM ${ch.table('triggers')}
    WHERE site_id = ${siteId} AND version = 1 AND author = ${by}`);
  return new Set(rows.map((r) => r.name));
}

/**
 * Seed hook: saves the {@link EXAMPLE_TRIGGERS} on the demo site, each once. An example counts
 * as seeded when its first version (by the seed author, under its original name) exists, so a
 * trigger staff renamed, changed or deleted is never recreated, and a seed that stopped half-way
 * completes on the next run. Running engines are told to reload the site's triggers.
 */
export async function seedExampleTriggers(context: SeedContext): Promise<SeedExampleTriggersResult> {
  const { ch, redis, keys, site, by } = context;
  const done = await seededNames(ch, site.siteId, by);
  const result: SeedExampleTriggersResult = { created: [], skipped: [] };
  const triggers = triggersRepository(ch);
  for (const rule of EXAMPLE_TRIGGERS) {
    if (done.has(rule.name)) {
      result.skipped.push(rule.name);
      continue;
    }
    await triggers.save({ siteId: site.siteId, rule, author: by });
    result.created.push(rule.name);
  }
  if (result.created.length > 0) await triggerChanges(redis, keys).publish(site.siteId);
  return result;
}

/** {@link seedExampleTriggers} as a seed hook (registered in `seedHooks`). */
export const exampleTriggersHook: SeedHook = async (context) => {
  await seedExampleTriggers(context);
};
