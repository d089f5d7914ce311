import { z } from 'zod';
import { type TrackedEvent, trackedEvent } from './events.ts';

/** What the collector adds to every event before appending it to a Redis stream. */
export const enrichment = z.object({
  /** `desktop`, `mobile`, `tablet`, `bot` or `other`. */
  device: z.string(),
  browser: z.string(),
  os: z.string(),
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: z.string(),
  isBot: z.boolean(),
});
export type Enrichment = z.infer<typeof enrichment>;

/** Field of a stream entry that holds its JSON body. */
export const STREAM_ENTRY_FIELD = 'e';

/**
 * One event as the engine consumes it: the event with what the collector added. This is the
 * body of a version 1 stream entry (one event per entry, no `v` field), and the unit every
 * version is decoded into ({@link decodeStreamEntry}).
 */
export const streamEntry = z.object({
  siteId: z.string(),
  event: trackedEvent,
  /** Event time corrected for client clock skew (server clock), epoch ms. */
  serverTs: z.number(),
  /** When the collector received the batch, epoch ms. */
  receivedAt: z.number(),
  enrichment,
});
export type StreamEntry = z.infer<typeof streamEntry>;

/**
 * Version 2 of the stream entry (`v: 2`), what the collector writes: the events of one batch
 * that fall into one stream partition (usually the whole batch: a batch is one visitor), in
 * batch order, with the site, receive time and enrichment once. `serverTs[i]` is the
 * skew-corrected time of `events[i]`. One entry instead of one per event keeps the collector's
 * append, the stream and the engine's reads about ten times smaller.
 */
export const streamBatchEntry = z
  .object({
    v: z.literal(2),
    siteId: z.string(),
    /** When the collector received the batch, epoch ms. */
    receivedAt: z.number(),
    enrichment,
    events: z.array(trackedEvent).min(1),
    /** Server-clock time of each event, epoch ms, parallel to `events`. */
    serverTs: z.array(z.number()),
  })
  .refine((entry) => entry.serverTs.length === entry.events.length, {
    message: 'expected one serverTs per event',
    path: ['serverTs'],
  });
export type StreamBatchEntry = z.infer<typeof streamBatchEntry>;

/** Newest stream entry version; readers accept it and every older one. */
export const STREAM_ENTRY_VERSION = 2;

/** How {@link decodeStreamEntry} validates. */
export interface DecodeStreamEntryOptions {
  /**
   * `full` runs the zod schemas. `shape` (the default) checks only the types of the fields the
   * engine reads and runs the full schema when that check fails: the collector validated every
   * event with the full schema before appending it, and the stream is internal, so the engine
   * needs to know that an entry is well-formed, not to validate the visitor's input again.
   */
  check?: 'full' | 'shape';
}

/**
 * Decodes the JSON body of one event stream entry, version 1 or 2, into one {@link StreamEntry}
 * per event (in stream order). Returns undefined when the body is not a valid entry of either
 * version; never throws.
 */
export function decodeStreamEntry(
  body: string | undefined,
  options: DecodeStreamEntryOptions = {},
): StreamEntry[] | undefined {
  if (body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (options.check !== 'full') {
    const fast = shapeOfEntry(value);
    if (fast) return fast;
  }
  if (isRecord(value) && value.v !== undefined) {
    const parsed = streamBatchEntry.safeParse(value);
    return parsed.success ? expandBatchEntry(parsed.data) : undefined;
  }
  const parsed = streamEntry.safeParse(value);
  return parsed.success ? [parsed.data] : undefined;
}

/** The per-event view of a version 2 entry (the enrichment object is shared, not copied). */
export function expandBatchEntry(entry: StreamBatchEntry): StreamEntry[] {
  const out: StreamEntry[] = new Array(entry.events.length);
  for (let i = 0; i < entry.events.length; i++) {
    out[i] = {
      siteId: entry.siteId,
      event: entry.events[i]!,
      serverTs: entry.serverTs[i]!,
      receivedAt: entry.receivedAt,
      enrichment: entry.enrichment,
    };
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` is undefined or of type `type`. */
const optional = (value: unknown, type: 'string' | 'number' | 'boolean') =>
  value === undefined || typeof value === type;
const isProps = (value: unknown) => value === undefined || isRecord(value);

function shapeOfEnrichment(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.device === 'string' &&
    typeof value.browser === 'string' &&
    typeof value.os === 'string' &&
    typeof value.country === 'string' &&
    typeof value.isBot === 'boolean'
  );
}

/**
 * True when `value` has the types of a tracked event in every field the engine reads. Bounds,
 * formats and unknown keys are not checked (the collector's full validation did that).
 */
function shapeOfEvent(value: unknown): value is TrackedEvent {
  if (!isRecord(value)) return false;
  if (
    typeof value.id !== 'string' ||
    typeof value.ts !== 'number' ||
    typeof value.visitorId !== 'string' ||
    typeof value.sessionId !== 'string' ||
    typeof value.pageViewId !== 'string' ||
    typeof value.url !== 'string' ||
    !optional(value.title, 'string')
  )
    return false;
  switch (value.type) {
    case 'page_view':
      return (
        optional(value.referrer, 'string') &&
        (value.navigation === undefined || value.navigation === 'load' || value.navigation === 'spa') &&
        optional(value.language, 'string') &&
        optional(value.screen, 'string')
      );
    case 'engagement':
      return typeof value.engagedMs === 'number' && typeof value.scrollDepth === 'number';
    case 'heartbeat':
      return optional(value.active, 'boolean');
    case 'page_leave':
      return true;
    case 'add_to_cart':
    case 'remove_from_cart':
    case 'checkout_started':
    case 'purchase':
      return (
        (value.type === 'purchase' ? typeof value.value === 'number' : optional(value.value, 'number')) &&
        optional(value.currency, 'string') &&
        optional(value.sku, 'string') &&
        optional(value.quantity, 'number') &&
        optional(value.orderId, 'string') &&
        isProps(value.props)
      );
    case 'identify':
      return isRecord(value.traits);
    case 'custom':
      return (
        typeof value.name === 'string' &&
        optional(value.value, 'number') &&
        optional(value.currency, 'string') &&
        isProps(value.props)
      );
    default:
      return false;
  }
}

/** The entry's events when it has the shape of a version 1 or 2 entry; undefined otherwise. */
function shapeOfEntry(value: unknown): StreamEntry[] | undefined {
  if (!isRecord(value) || typeof value.siteId !== 'string' || !shapeOfEnrichment(value.enrichment))
    return undefined;
  if (typeof value.receivedAt !== 'number') return undefined;
  if (value.v === undefined) {
    if (typeof value.serverTs !== 'number' || !shapeOfEvent(value.event)) return undefined;
    return [value as StreamEntry];
  }
  if (value.v !== 2) return undefined;
  const { events, serverTs } = value;
  if (!Array.isArray(events) || !Array.isArray(serverTs)) return undefined;
  if (events.length === 0 || serverTs.length !== events.length) return undefined;
  for (let i = 0; i < events.length; i++) {
    if (typeof serverTs[i] !== 'number' || !shapeOfEvent(events[i])) return undefined;
  }
  return expandBatchEntry(value as StreamBatchEntry);
}
