import { z } from 'zod';

/** Every recorded trigger decision and invitation lifecycle step. */
export const invitationOutcome = z.enum([
  'sent',
  'holdout',
  'suppressed_no_agent',
  'suppressed_budget',
  'suppressed_schedule',
  'suppressed_cap',
  'shown',
  'accepted',
  'dismissed',
  'expired',
]);
export type InvitationOutcome = z.infer<typeof invitationOutcome>;

/** Who is shown as the sender of an invitation. */
export const persona = z.object({
  name: z.string().max(100),
  avatarUrl: z.string().max(2048).optional(),
});
export type Persona = z.infer<typeof persona>;

/** An invitation as pushed to the visitor's browser. */
export const invitationMessage = z.object({
  invitationId: z.string(),
  /** Trigger id, or `manual` for an agent's manual invitation. */
  triggerId: z.string(),
  pageViewId: z.string(),
  message: z.string().max(1000),
  persona,
  autoOpen: z.boolean(),
  /** Epoch ms after which the invitation is withdrawn when unanswered. */
  expiresAt: z.number(),
});
export type InvitationMessage = z.infer<typeof invitationMessage>;

/** Visitor namespace `/visitor` (collector), handshake `auth` payload. */
export const visitorHandshake = z.object({
  site: z.string().min(1).max(64),
  visitorId: z.string().min(8).max(64),
  sessionId: z.string().min(8).max(64),
  pageViewId: z.string().min(8).max(64),
});
export type VisitorHandshake = z.infer<typeof visitorHandshake>;

/** The visitor's answer to an invitation. */
export const invitationFeedback = z.object({
  invitationId: z.string().min(1).max(64),
  outcome: z.enum(['shown', 'accepted', 'dismissed']),
});
export type InvitationFeedback = z.infer<typeof invitationFeedback>;

/** `/visitor`, server → browser. Room: `visitorRoom(siteId, visitorId)` (all tabs). */
export interface VisitorServerToClientEvents {
  invitation: (invitation: InvitationMessage) => void;
  /** Withdraws an invitation (answered in another tab, expired, or chat started). */
  'invitation:withdrawn': (payload: { invitationId: string }) => void;
  error: (payload: { code: string; message: string }) => void;
}

/** `/visitor`, browser → server. */
export interface VisitorClientToServerEvents {
  /** The tab's page view changed (SPA navigation) or its activity changed. */
  presence: (payload: { pageViewId: string; active: boolean }) => void;
  /** The pointer left the top of the viewport (desktop exit intent). */
  'exit-intent': (payload: { pageViewId: string }) => void;
  'invitation:feedback': (payload: InvitationFeedback) => void;
}

/**
 * Signals from the visitor socket (collector) to the engine, on the Redis stream
 * `keys.key('signals')`, field `s` = JSON. Presence and exit intent feed live state;
 * invitation feedback feeds decisions, budgets and pacing.
 */
export const visitorSignal = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('invitation'),
    siteId: z.string(),
    visitorId: z.string(),
    invitationId: z.string(),
    outcome: z.enum(['shown', 'accepted', 'dismissed']),
    at: z.number(),
  }),
  z.object({
    type: z.literal('presence'),
    siteId: z.string(),
    visitorId: z.string(),
    sessionId: z.string(),
    pageViewId: z.string(),
    connected: z.boolean(),
    active: z.boolean(),
    at: z.number(),
  }),
  z.object({
    type: z.literal('exit_intent'),
    siteId: z.string(),
    visitorId: z.string(),
    pageViewId: z.string(),
    at: z.number(),
  }),
]);
export type VisitorSignal = z.infer<typeof visitorSignal>;

/** BullMQ queue names (under `keys.bullPrefix`). */
export const QUEUES = {
  /** Delayed re-checks of time-based trigger conditions. */
  triggerChecks: 'trigger-checks',
  /** Manual invitations from agents, delivered through the same path as automatic ones. */
  invitations: 'invitations',
} as const;

/**
 * A manual invitation, as the dashboard enqueues it on `QUEUES.invitations` (job data). The
 * engine delivers it through the same path as automatic ones and records it with trigger id
 * `manual`. The job's return value is {@link ManualInvitationResult}.
 */
export const manualInvitationJob = z.object({
  siteId: z.string().min(1).max(64),
  visitorId: z.string().min(1).max(64),
  agentId: z.string().min(1).max(128),
  message: z.string().trim().min(1).max(1000),
  persona,
  /** Open the chat widget right away. Default false. */
  autoOpen: z.boolean().optional(),
});
export type ManualInvitationJob = z.infer<typeof manualInvitationJob>;

/** What a manual invitation job returns. */
export type ManualInvitationResult =
  | { delivered: true; invitationId: string }
  | { delivered: false; reason: 'visitor_not_online' | 'invalid_job' };
