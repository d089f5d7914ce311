import type { VisitorState } from '@floorwalker/protocol';
import { type LiveCounters, liveVisitors } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, authOf, requireRole } from '../auth/authenticate.ts';
import { HttpError, parseInput } from '../errors.ts';
import { invitationQueue } from './invitation-queue.ts';
import { accessibleSite } from './site-access.ts';
import { siteOverview } from './site-overview.ts';
import { visitorJourney } from './visitor-journey.ts';

/** `GET /api/sites/:siteId/live`: the board's first paint. */
export interface LiveSnapshot {
  visitors: VisitorState[];
  counters: LiveCounters;
  /** Server clock, epoch ms (the board ticks times on page from it). */
  serverTime: number;
}

/** `POST /api/sites/:siteId/visitors/:visitorId/invite` answer. */
export type InviteResponse =
  | { delivered: true; invitationId: string }
  | { delivered: false; queued: true; jobId: string };

const id = z.string().min(1).max(64);
const siteParams = z.object({ siteId: id });
const visitorParams = z.object({ siteId: id, visitorId: id });
const overviewQuery = z.object({ hours: z.coerce.number().int().min(1).max(48).default(3) });
const journeyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(300),
    days: z.coerce.number().int().min(1).max(400).default(90),
    beforeTs: z.coerce.number().int().min(0).optional(),
    beforeId: z.string().min(1).max(64).optional(),
  })
  .refine((q) => (q.beforeTs === undefined) === (q.beforeId === undefined), {
    message: 'beforeTs and beforeId go together',
    path: ['beforeId'],
  });
const inviteBody = z.object({
  /** What the visitor reads. Default: a greeting in the agent's name. */
  message: z.string().trim().min(1).max(1000).optional(),
  /** Open the chat widget at once. Default false. */
  autoOpen: z.boolean().optional(),
  /** Idempotency key from the client: a repeated request with it is the same invitation. */
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});

/** How long the invite request waits for the engine's answer before answering 202. */
const INVITE_WAIT_MS = 5000;

/**
 * The live board's REST side: a snapshot for first paint, the per-minute overview, a visitor's
 * journey, and manual invitations. Staff who see live visitors (agents, managers, admins) and
 * only for their own sites.
 */
export async function liveRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', requireRole('agent', 'manager', 'admin'));
  const live = liveVisitors(app.redis, app.keys);
  const invitations = invitationQueue(app.redis, app.keys);
  app.addHook('onClose', () => invitations.close());

  const site = async (siteId: string, request: Parameters<typeof authOf>[0]) => {
    const found = await accessibleSite(app.sites, authOf(request).user, siteId);
    if (!found) throw new HttpError('FW_NOT_FOUND', `No site ${siteId}.`);
    return found;
  };

  app.get('/api/sites/:siteId/live', async (request): Promise<LiveSnapshot> => {
    const { siteId } = parseInput(siteParams, request.params);
    await site(siteId, request);
    const [visitors, counters] = await Promise.all([live.listOnline(siteId, 5000), live.counters(siteId)]);
    return { visitors, counters, serverTime: Date.now() };
  });

  app.get('/api/sites/:siteId/overview', async (request) => {
    const { siteId } = parseInput(siteParams, request.params);
    const { hours } = parseInput(overviewQuery, request.query);
    await site(siteId, request);
    return siteOverview(app.ch, siteId, hours);
  });

  app.get('/api/sites/:siteId/visitors/:visitorId/journey', async (request) => {
    const { siteId, visitorId } = parseInput(visitorParams, request.params);
    const q = parseInput(journeyQuery, request.query);
    await site(siteId, request);
    return visitorJourney(app.ch, {
      siteId,
      visitorId,
      limit: q.limit,
      days: q.days,
      ...(q.beforeTs !== undefined && q.beforeId
        ? { before: { beforeTs: q.beforeTs, beforeId: q.beforeId } }
        : {}),
    });
  });

  app.post('/api/sites/:siteId/visitors/:visitorId/invite', async (request, reply) => {
    const { siteId, visitorId } = parseInput(visitorParams, request.params);
    const body = parseInput(inviteBody, request.body ?? {});
    const { user } = authOf(request);
    await site(siteId, request);
    const state = await live.get(siteId, visitorId);
    if (!state || state.presence === 'left') throw new HttpError('FW_VISITOR_NOT_ONLINE');
    const firstName = user.name.trim().split(/\s+/)[0] || user.name;
    let outcome: Awaited<ReturnType<typeof invitations.invite>>;
    try {
      outcome = await invitations.invite(
        {
          siteId,
          visitorId,
          agentId: user.userId,
          message: body.message ?? `Hi, I'm ${firstName}. Can I help you with anything?`,
          persona: { name: user.name },
          ...(body.autoOpen !== undefined ? { autoOpen: body.autoOpen } : {}),
        },
        {
          waitMs: INVITE_WAIT_MS,
          ...(body.requestId ? { jobId: `manual-${user.userId}-${body.requestId}` } : {}),
        },
      );
    } catch (error) {
      request.log.warn({ err: error, siteId, visitorId }, 'manual invitation could not be queued');
      throw new HttpError('FW_UNAVAILABLE');
    }
    request.log.info({ siteId, visitorId, by: user.userId, outcome }, 'manual invitation');
    if (outcome.state === 'queued') {
      const queued: InviteResponse = { delivered: false, queued: true, jobId: outcome.jobId };
      return reply.code(202).send(queued);
    }
    if (!outcome.result.delivered) throw new HttpError('FW_VISITOR_NOT_ONLINE');
    const delivered: InviteResponse = { delivered: true, invitationId: outcome.result.invitationId };
    return delivered;
  });
}
