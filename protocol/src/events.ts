import { z } from 'zod';

/**
 * The event batch the snippet sends to `POST /v1/events`.
 * Limits here are the public contract: the collector rejects anything larger.
 */
export const LIMITS = {
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: 256 * 1024,
  /** Most events in one batch. */
  maxEventsPerBatch: 100,
  /** Longest URL / referrer. */
  maxUrlLength: 2048,
  /** Longest title, name or other short string. */
  maxStringLength: 512,
  /** Most custom properties on one event. */
  maxProps: 50,
} as const;

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected an id of letters, digits, _ and -');
const uuid = z.uuid();
const shortText = z.string().max(LIMITS.maxStringLength);
const url = z.string().max(LIMITS.maxUrlLength);
/** Client clock, epoch milliseconds. The collector corrects skew with the batch's `sentAt`. */
const clientTime = z.number().int().min(0).max(8_640_000_000_000);
const money = z.number().finite().min(0).max(1e12);
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code');

/** Custom properties: flat, scalar, bounded. */
export const propsSchema = z
  .record(
    z.string().max(64),
    z.union([z.string().max(LIMITS.maxStringLength), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((p) => Object.keys(p).length <= LIMITS.maxProps, {
    message: `at most ${LIMITS.maxProps} properties`,
  });

/** Fields every event carries. */
const base = {
  /** Unique per event; retries resend the same id so duplicates can be removed. */
  id: uuid,
  /** Client clock when the event happened, epoch ms. */
  ts: clientTime,
  visitorId: id,
  sessionId: id,
  pageViewId: id,
  url,
  title: shortText.optional(),
};

export const pageViewEvent = z.object({
  ...base,
  type: z.literal('page_view'),
  referrer: url.optional(),
  /** `load` for a full page load, `spa` for a history/hash route change. */
  navigation: z.enum(['load', 'spa']).optional(),
  language: z.string().max(35).optional(),
  screen: z.string().max(20).optional(),
});

export const engagementEvent = z.object({
  ...base,
  type: z.literal('engagement'),
  /** Visible-and-focused milliseconds since the previous engagement event of this page view. */
  engagedMs: z.number().int().min(0).max(86_400_000),
  /** Deepest scroll reached on this page view, percent. */
  scrollDepth: z.number().int().min(0).max(100),
});

export const heartbeatEvent = z.object({
  ...base,
  type: z.literal('heartbeat'),
  /** True while the page is visible and focused. */
  active: z.boolean().optional(),
});

export const pageLeaveEvent = z.object({ ...base, type: z.literal('page_leave') });

const cartFields = {
  value: money.optional(),
  currency: currency.optional(),
  sku: shortText.optional(),
  quantity: z.number().int().min(0).max(100_000).optional(),
  props: propsSchema.optional(),
};

export const addToCartEvent = z.object({ ...base, type: z.literal('add_to_cart'), ...cartFields });
export const removeFromCartEvent = z.object({ ...base, type: z.literal('remove_from_cart'), ...cartFields });
export const checkoutStartedEvent = z.object({ ...base, type: z.literal('checkout_started'), ...cartFields });
export const purchaseEvent = z.object({
  ...base,
  type: z.literal('purchase'),
  ...cartFields,
  value: money,
  currency: currency.optional(),
  orderId: shortText.optional(),
});

export const identifyEvent = z.object({
  ...base,
  type: z.literal('identify'),
  traits: propsSchema,
});

export const customEvent = z.object({
  ...base,
  type: z.literal('custom'),
  name: z.string().min(1).max(100),
  value: money.optional(),
  currency: currency.optional(),
  props: propsSchema.optional(),
});

/** One tracked event, discriminated on `type`. */
export const trackedEvent = z.discriminatedUnion('type', [
  pageViewEvent,
  engagementEvent,
  heartbeatEvent,
  pageLeaveEvent,
  addToCartEvent,
  removeFromCartEvent,
  checkoutStartedEvent,
  purchaseEvent,
  identifyEvent,
  customEvent,
]);
export type TrackedEvent = z.infer<typeof trackedEvent>;
export type TrackedEventType = TrackedEvent['type'];
export const SHOP_EVENT_TYPES = ['add_to_cart', 'remove_from_cart', 'checkout_started', 'purchase'] as const;

/**
 * The envelope. Events are validated one by one (see `parseBatch` in the collector) so one bad
 * event never drops its valid neighbours; the envelope itself must be valid.
 */
export const batchEnvelope = z.object({
  /** Public site key from the script tag's `data-site`. */
  site: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'expected a site key'),
  /** Client clock when the batch was sent, epoch ms; used to correct clock skew. */
  sentAt: clientTime,
  events: z.array(z.unknown()).min(1).max(LIMITS.maxEventsPerBatch),
});
export type BatchEnvelope = z.infer<typeof batchEnvelope>;

/** A full batch, for clients that want to validate before sending. */
export const eventBatch = batchEnvelope.extend({
  events: z.array(trackedEvent).min(1).max(LIMITS.maxEventsPerBatch),
});
export type EventBatch = z.infer<typeof eventBatch>;

/** Response of `POST /v1/events`. */
export const ingestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      code: z.string(),
      issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
    }),
  ),
});
export type IngestResponse = z.infer<typeof ingestResponse>;
