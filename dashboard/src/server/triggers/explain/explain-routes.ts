import { liveVisitors, triggersRepository, visitorHold } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { authenticate, requireRole } from '../../auth/authenticate.ts';
import { HttpError, parseInput } from '../../errors.ts';
import { siteOfRequest } from '../site-of-request.ts';
import { siteParams, visitorParams } from '../trigger-input.ts';
import { type ExplainResponse, explainVisitor } from './explain-visitor.ts';

/** A live visitor as the explain picker lists them. */
export interface ExplainableVisitor {
  visitorId: string;
  path: string;
  title: string;
  status: string;
  presence: string;
  /** When the current page view started, epoch ms. */
  pageEnteredAt: number;
  pagesThisSession: number;
  cartValue: number;
  cartCurrency: string;
  country: string;
  device: string;
  lastSeenAt: number;
}

/** `GET /api/sites/:siteId/explain/visitors` answer. */
export interface ExplainVisitorsResponse {
  visitors: ExplainableVisitor[];
  serverTime: number;
}

/** Most visitors the picker lists. */
const PICKER_LIMIT = 500;

/**
 * Explain for marketers: which triggers match a live visitor right now and which condition
 * fails, against the live state in Redis; plus the list of online visitors to pick from (the
 * live board's own API is for agents and managers).
 */
export async function explainRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', requireRole('marketer', 'admin'));
  const live = liveVisitors(app.redis, app.keys);
  const triggers = triggersRepository(app.ch);

  app.get('/api/sites/:siteId/explain/visitors', async (request): Promise<ExplainVisitorsResponse> => {
    const { siteId } = parseInput(siteParams, request.params);
    await siteOfRequest(request, siteId);
    const states = await live.listOnline(siteId, PICKER_LIMIT);
    return {
      visitors: states.map((s) => ({
        visitorId: s.visitorId,
        path: s.currentPage.path,
        title: s.currentPage.title,
        status: s.status,
        presence: s.presence,
        pageEnteredAt: s.currentPage.enteredAt,
        pagesThisSession: s.pagesThisSession,
        cartValue: s.cart.value,
        cartCurrency: s.cart.currency,
        country: s.country,
        device: s.device,
        lastSeenAt: s.lastSeenAt,
      })),
      serverTime: Date.now(),
    };
  });

  app.get('/api/sites/:siteId/visitors/:visitorId/explain', async (request): Promise<ExplainResponse> => {
    const { siteId, visitorId } = parseInput(visitorParams, request.params);
    const site = await siteOfRequest(request, siteId);
    const [state, list] = await Promise.all([live.get(siteId, visitorId), triggers.list(siteId)]);
    if (!state) throw new HttpError('FW_NOT_FOUND', `Visitor ${visitorId} is not on the site now.`);
    const now = Date.now();
    const held = visitorHold(state);
    return {
      visitor: state,
      evaluatedAt: now,
      timezone: site.timezone,
      ...(held ? { held } : {}),
      triggers: explainVisitor(state, list, site.timezone, now, held !== undefined),
    };
  });
}
