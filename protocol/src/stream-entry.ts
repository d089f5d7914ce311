import { z } from 'zod';
import { trackedEvent } from './events.ts';

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

/**
 * One entry of the event streams (`<prefix>:events:<n>`), field `e`, JSON.
 * The internal wire format between collector and engine.
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
