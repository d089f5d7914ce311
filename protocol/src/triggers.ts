import { z } from 'zod';
import { checkRegexSafety, checkWildcardSafety, PATTERN_LIMITS } from './regex-safety.ts';

export {
  checkRegexSafety,
  checkWildcardSafety,
  PATTERN_LIMITS,
  type PatternVerdict,
} from './regex-safety.ts';

/**
 * Trigger rules: when to invite a visitor to chat, who must be free, what to say, and how
 * often. This module is the single source of truth for the trigger editor (dashboard), the
 * trigger API and the engine's evaluator; it is isomorphic (no Node imports).
 */

/** Size limits of a trigger rule, part of the public contract of the trigger API. */
export const TRIGGER_LIMITS = {
  /** Most condition nodes (groups and leaves) in one rule. */
  maxConditions: 60,
  /** Deepest nesting of `all` / `any` / `not` groups (the root group is depth 1). */
  maxDepth: 6,
  /** Longest comparison value, name or key. */
  maxTextLength: 512,
  /** Longest invitation message. */
  maxMessageLength: 1000,
  /** Most per-language message variants. */
  maxMessageVariants: 50,
  /** Most entries in a country / language / device list. */
  maxListItems: 300,
  /** Most property conditions on one custom event condition. */
  maxEventProps: 10,
  /** Longest look-back window of an event or exit-intent condition, seconds (one day). */
  maxWindowSeconds: 86_400,
  /** Largest count an event condition may require. */
  maxEventCount: 1000,
  /** Longest budget period, days. */
  maxBudgetDays: 365,
  /** Longest frequency-cap window, seconds (30 days). */
  maxCapWindowSeconds: 30 * 86_400,
  /** Longest dismissal cooldown, seconds (30 days). */
  maxCooldownSeconds: 30 * 86_400,
  ...PATTERN_LIMITS,
} as const;

const text = z.string().max(TRIGGER_LIMITS.maxTextLength);
const key = z.string().min(1).max(128);
/** Epoch milliseconds. */
const epochMs = z.number().int().min(0).max(8_640_000_000_000);

// ---------------------------------------------------------------------------------------------
// Operators

/** String operators. Comparisons ignore case unless `caseSensitive` is true. */
export type TextMatch =
  | { op: 'equals' | 'contains' | 'prefix'; value: string; caseSensitive?: boolean }
  /** `*` matches any run of characters (also none, also `/`); everything else is literal. */
  | { op: 'wildcard'; pattern: string; caseSensitive?: boolean }
  /** A JavaScript regular expression (unanchored, like `RegExp#test`); flags from `i`, `s`, `u`. */
  | { op: 'regex'; pattern: string; flags?: string };

const literalText = z.object({
  op: z.enum(['equals', 'contains', 'prefix']),
  value: text,
  caseSensitive: z.boolean().optional(),
});
const wildcardText = z.object({
  op: z.literal('wildcard'),
  pattern: z.string().superRefine((pattern, ctx) => {
    const verdict = checkWildcardSafety(pattern);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.message });
  }),
  caseSensitive: z.boolean().optional(),
});
const regexText = z
  .object({
    op: z.literal('regex'),
    pattern: z.string(),
    flags: z.string().max(3).optional(),
  })
  .superRefine((match, ctx) => {
    const verdict = checkRegexSafety(match.pattern, match.flags ?? '');
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.message, path: ['pattern'] });
  });

export const textMatch: z.ZodType<TextMatch> = z.discriminatedUnion('op', [
  literalText,
  wildcardText,
  regexText,
]);

/** Numeric comparisons; `between` includes both ends. */
export type NumberCompare =
  | { op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; value: number }
  | { op: 'between'; min: number; max: number };

const finite = z.number().finite().min(-1e12).max(1e12);
const singleCompare = z.object({ op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq']), value: finite });
const betweenCompare = z
  .object({ op: z.literal('between'), min: finite, max: finite })
  .refine((c) => c.min <= c.max, { message: 'min must not exceed max', path: ['max'] });

export const numberCompare: z.ZodType<NumberCompare> = z.discriminatedUnion('op', [
  singleCompare,
  betweenCompare,
]);

/** Match on a scalar property (identified attributes, event properties). */
export type ValueMatch =
  | TextMatch
  | NumberCompare
  /** The key is present and not null. */
  | { op: 'exists' }
  /** The value is this boolean. */
  | { op: 'is'; value: boolean };

export const valueMatch: z.ZodType<ValueMatch> = z.discriminatedUnion('op', [
  literalText,
  wildcardText,
  regexText,
  singleCompare,
  betweenCompare,
  z.object({ op: z.literal('exists') }),
  z.object({ op: z.literal('is'), value: z.boolean() }),
]);

export interface PropertyMatch {
  key: string;
  match: ValueMatch;
}
export const propertyMatch: z.ZodType<PropertyMatch> = z.object({ key, match: valueMatch });

// ---------------------------------------------------------------------------------------------
// Conditions

/** Numeric visitor measures a condition can compare. */
export const NUMERIC_CONDITION_TYPES = [
  /** Seconds since the current page view started. */
  'time_on_page',
  /** Seconds since the session's first event. */
  'time_on_site',
  /** Seconds since the visitor's last activity (not counting background heartbeats). */
  'idle',
  /** Page views this session. */
  'page_views',
  /** Visits (sessions) of this visitor, this one included. */
  'visit_count',
  /** Cart value in the cart's currency. */
  'cart_value',
  /** Items in the cart. */
  'cart_items',
  /** Deepest scroll on the current page, percent. */
  'scroll_depth',
] as const;
export type NumericConditionType = (typeof NUMERIC_CONDITION_TYPES)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export type UtmField = (typeof UTM_FIELDS)[number];

export type PageCondition = { type: 'page'; field: 'url' | 'path' | 'title'; match: TextMatch };
export type ReferrerCondition = { type: 'referrer'; match: TextMatch };
export type UtmCondition = { type: 'utm'; field: UtmField; match: TextMatch };
export type NumericCondition = { type: NumericConditionType; compare: NumberCompare };
export type VisitorTypeCondition = { type: 'visitor_type'; value: 'new' | 'returning' };
export type DeviceCondition = { type: 'device'; in: DeviceType[] };
/** ISO 3166-1 alpha-2 codes. */
export type CountryCondition = { type: 'country'; in: string[] };
/** BCP 47 tags; `de` also matches `de-AT`. */
export type LanguageCondition = { type: 'language'; in: string[] };
/**
 * A custom or shop event (`add_to_cart`, `checkout_started`, …) seen this session at least
 * `minCount` times (default 1), optionally only counting events within the last `withinSeconds`
 * and only those whose properties all match.
 */
export type EventCondition = {
  type: 'event';
  name: string;
  props?: PropertyMatch[];
  minCount?: number;
  withinSeconds?: number;
};
/** The snippet reported exit intent on the current page (within the last `withinSeconds` if set). */
export type ExitIntentCondition = { type: 'exit_intent'; withinSeconds?: number };
/** An attribute set by `identify` (e.g. `plan`, `customer_since`). */
export type AttributeCondition = { type: 'attribute'; key: string; match: ValueMatch };
/**
 * The current local time is within opening hours: on one of `days`, from `from` (inclusive) to
 * `to` (exclusive), both `HH:MM`. `to` before `from` spans midnight (the day is the opening day).
 * `timezone` (IANA) defaults to the site's time zone.
 */
export type BusinessHoursCondition = {
  type: 'business_hours';
  days: Weekday[];
  from: string;
  to: string;
  timezone?: string;
};
export type GroupCondition = { type: 'all' | 'any'; conditions: Condition[] };
export type NotCondition = { type: 'not'; condition: Condition };

export type LeafCondition =
  | PageCondition
  | ReferrerCondition
  | UtmCondition
  | NumericCondition
  | VisitorTypeCondition
  | DeviceCondition
  | CountryCondition
  | LanguageCondition
  | EventCondition
  | ExitIntentCondition
  | AttributeCondition
  | BusinessHoursCondition;
export type Condition = LeafCondition | GroupCondition | NotCondition;

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .refine(isValidTimeZone, { message: 'expected an IANA time zone such as Europe/Berlin' });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM (00:00–23:59)');
const windowSeconds = z.number().int().min(1).max(TRIGGER_LIMITS.maxWindowSeconds);
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(TRIGGER_LIMITS.maxListItems);

const leafOptions = [
  z.object({ type: z.literal('page'), field: z.enum(['url', 'path', 'title']), match: textMatch }),
  z.object({ type: z.literal('referrer'), match: textMatch }),
  z.object({ type: z.literal('utm'), field: z.enum(UTM_FIELDS), match: textMatch }),
  z.object({ type: z.enum(NUMERIC_CONDITION_TYPES), compare: numberCompare }),
  z.object({ type: z.literal('visitor_type'), value: z.enum(['new', 'returning']) }),
  z.object({ type: z.literal('device'), in: list(z.enum(DEVICE_TYPES)) }),
  z.object({
    type: z.literal('country'),
    in: list(z.string().regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')),
  }),
  z.object({
    type: z.literal('language'),
    in: list(
      z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as de or pt-BR'),
    ),
  }),
  z.object({
    type: z.literal('event'),
    name: z.string().min(1).max(100),
    props: z.array(propertyMatch).max(TRIGGER_LIMITS.maxEventProps).optional(),
    minCount: z.number().int().min(1).max(TRIGGER_LIMITS.maxEventCount).optional(),
    withinSeconds: windowSeconds.optional(),
  }),
  z.object({ type: z.literal('exit_intent'), withinSeconds: windowSeconds.optional() }),
  z.object({ type: z.literal('attribute'), key, match: valueMatch }),
  z
    .object({
      type: z.literal('business_hours'),
      days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
      from: clock,
      to: clock,
      timezone: timeZone.optional(),
    })
    .refine((c) => c.from !== c.to, { message: 'opening and closing time must differ', path: ['to'] }),
] as const;

export const condition: z.ZodType<Condition> = z.discriminatedUnion('type', [
  ...leafOptions,
  z.object({
    type: z.enum(['all', 'any']),
    get conditions() {
      return z.array(condition).min(1).max(TRIGGER_LIMITS.maxConditions);
    },
  }),
  z.object({
    type: z.literal('not'),
    get condition() {
      return condition;
    },
  }),
]) as z.ZodType<Condition>;

/** Condition nodes and nesting depth of a tree (groups count; the root group is depth 1). */
export function measureCondition(node: Condition): { nodes: number; depth: number } {
  if (node.type === 'all' || node.type === 'any') {
    let nodes = 1;
    let depth = 0;
    for (const child of node.conditions) {
      const m = measureCondition(child);
      nodes += m.nodes;
      depth = Math.max(depth, m.depth);
    }
    return { nodes, depth: depth + 1 };
  }
  if (node.type === 'not') {
    const m = measureCondition(node.condition);
    return { nodes: m.nodes + 1, depth: m.depth + 1 };
  }
  return { nodes: 1, depth: 0 };
}

// ---------------------------------------------------------------------------------------------
// Availability, action, controls

/** Who must be free (have a free chat slot) for the invitation to go out. */
export const availability = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any_agent') }),
  z.object({ type: z.literal('team'), teamId: key }),
]);
export type Availability = z.infer<typeof availability>;

const languageTag = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as de or pt-BR');
const message = z.string().trim().min(1).max(TRIGGER_LIMITS.maxMessageLength);

/** How the invitation presents its sender. */
export const senderPersona = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('agent'),
    name: z.string().trim().min(1).max(100),
    avatarUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  }),
  z.object({ type: z.literal('team'), name: z.string().trim().min(1).max(100) }),
]);
export type SenderPersona = z.infer<typeof senderPersona>;

/** What a matching trigger does. */
export const inviteAction = z.object({
  type: z.literal('invite'),
  message: z.object({
    /** Shown when no variant fits the visitor's language. */
    default: message,
    /** Variants by language tag (`de`, `pt-BR`); the most specific match wins. */
    byLanguage: z
      .record(languageTag, message)
      .refine((v) => Object.keys(v).length <= TRIGGER_LIMITS.maxMessageVariants, {
        message: `at most ${TRIGGER_LIMITS.maxMessageVariants} message variants`,
      })
      .optional(),
  }),
  sender: senderPersona,
  /** Open the chat widget with the message instead of showing a teaser. Default false. */
  autoOpen: z.boolean().default(false),
});
export type InviteAction = z.infer<typeof inviteAction>;

/** How often one visitor may be contacted. Counts invitations from every trigger of the site. */
export const contactBudget = z.object({
  /** Most invitations per session. Default 1. */
  maxPerSession: z.number().int().min(0).max(100).default(1),
  /** Most invitations within `days` days. Default: no limit. */
  maxPerPeriod: z
    .object({
      count: z.number().int().min(1).max(1000),
      days: z.number().int().min(1).max(TRIGGER_LIMITS.maxBudgetDays),
    })
    .optional(),
  /** No invitation for this many seconds after the visitor dismissed one. Default 0 (none). */
  dismissCooldownSeconds: z.number().int().min(0).max(TRIGGER_LIMITS.maxCooldownSeconds).default(0),
});
export type ContactBudget = z.infer<typeof contactBudget>;

/** Most sends of this trigger (all visitors) within a rolling window, to protect agents. */
export const frequencyCap = z.object({
  max: z.number().int().min(1).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(TRIGGER_LIMITS.maxCapWindowSeconds),
});
export type FrequencyCap = z.infer<typeof frequencyCap>;

export const triggerControls = z
  .object({
    /** Paused triggers are kept but never fire. Default `enabled`. */
    status: z.enum(['enabled', 'paused']).default('enabled'),
    /** Higher fires first when several triggers match at once. Default 0. */
    priority: z.number().int().min(-1000).max(1000).default(0),
    /** Per-visitor contact budget. Default: one invitation per session. */
    budget: contactBudget.default({ maxPerSession: 1, dismissCooldownSeconds: 0 }),
    /** Per-trigger frequency cap. Default: none. */
    frequencyCap: frequencyCap.optional(),
    /** Share of matching visitors held out (never invited) to measure uplift, percent. Default 10. */
    holdoutPercent: z.number().min(0).max(100).default(10),
    /** Fires only from this time on, epoch ms. */
    startAt: epochMs.optional(),
    /** Fires only before this time, epoch ms. */
    endAt: epochMs.optional(),
  })
  .refine((c) => c.startAt === undefined || c.endAt === undefined || c.startAt < c.endAt, {
    message: 'end must be after start',
    path: ['endAt'],
  });
export type TriggerControls = z.infer<typeof triggerControls>;

// ---------------------------------------------------------------------------------------------
// Trigger

const ruleShape = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** When the trigger matches; usually an `all` group. */
  conditions: condition,
  availability: availability.default({ type: 'any_agent' }),
  action: inviteAction,
  controls: triggerControls.default({
    status: 'enabled',
    priority: 0,
    budget: { maxPerSession: 1, dismissCooldownSeconds: 0 },
    holdoutPercent: 10,
  }),
};

function limitTree(rule: { conditions: Condition }, ctx: z.RefinementCtx) {
  const { nodes, depth } = measureCondition(rule.conditions);
  if (nodes > TRIGGER_LIMITS.maxConditions) {
    ctx.addIssue({
      code: 'custom',
      message: `at most ${TRIGGER_LIMITS.maxConditions} conditions`,
      path: ['conditions'],
    });
  }
  if (depth > TRIGGER_LIMITS.maxDepth) {
    ctx.addIssue({
      code: 'custom',
      message: `groups nest at most ${TRIGGER_LIMITS.maxDepth} deep`,
      path: ['conditions'],
    });
  }
}

/** What the trigger editor and `POST/PUT` of the trigger API send. */
export const triggerDraft = z.object(ruleShape).superRefine(limitTree);
export type TriggerDraft = z.input<typeof triggerDraft>;
/** A parsed draft: the rule fields of a trigger, defaults applied. */
export type TriggerRule = z.output<typeof triggerDraft>;

/** A stored trigger version. Storage appends a new version on every change. */
export const trigger = z
  .object({
    id: key,
    siteId: key,
    /** Increases by one on every saved change. */
    version: z.number().int().min(1),
    /** User id of whoever saved this version. */
    author: key,
    /** First version's time, epoch ms. */
    createdAt: epochMs,
    /** This version's time, epoch ms. */
    updatedAt: epochMs,
    ...ruleShape,
  })
  .superRefine(limitTree);
export type Trigger = z.output<typeof trigger>;
