import { type VisitorClientToServerEvents, visitorHandshake } from '@floorwalker/protocol';
import { z } from 'zod';

type Payload<E extends keyof VisitorClientToServerEvents> = Parameters<VisitorClientToServerEvents[E]>[0];

const id = z.string().min(8).max(64);

/**
 * `presence` payload. The protocol declares the event's type; its schema lives with its only
 * reader, and `satisfies` keeps the two in step.
 */
export const presencePayload = z.object({ pageViewId: id, active: z.boolean() }) satisfies z.ZodType<
  Payload<'presence'>
>;

/** `exit-intent` payload. */
export const exitIntentPayload = z.object({ pageViewId: id }) satisfies z.ZodType<Payload<'exit-intent'>>;

/**
 * The handshake `auth`: the protocol's ids plus an optional `active` (false when the tab
 * connects while hidden). Unknown keys are ignored everywhere: older and newer snippets must connect.
 */
export const handshakeAuth = visitorHandshake.extend({ active: z.boolean().optional() });
