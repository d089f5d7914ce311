import type { FastifyInstance } from 'fastify';
import { authenticate, requireRole } from '../../auth/authenticate.ts';
import { parseInput } from '../../errors.ts';
import { siteOfRequest } from '../site-of-request.ts';
import { backtestBody, siteParams } from '../trigger-input.ts';
import { type BacktestResult, runBacktest } from './run-backtest.ts';

/** Options of {@link backtestRoutes}. */
export interface BacktestRoutesOptions {
  /** Salt of the holdout hash; match the engine's TRIGGER_HOLDOUT_SALT. Default `floorwalker`. */
  holdoutSalt?: string;
  /** Most visitors one backtest replays. Default 20 000. */
  maxVisitors?: number;
  /** Most events one backtest replays. Default 1 000 000. */
  maxEvents?: number;
}

/**
 * `POST /api/sites/:siteId/triggers/backtest`: replays the last N days (≤ 30) of recorded events
 * through a draft trigger and answers would-be invitations per hour against staffed chat slots.
 * One backtest per user at a time (it reads a lot); a second one waits for the first.
 */
export async function backtestRoutes(app: FastifyInstance, options: BacktestRoutesOptions): Promise<void> {
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', requireRole('marketer', 'admin'));
  const running = new Map<string, Promise<unknown>>();

  app.post('/api/sites/:siteId/triggers/backtest', async (request): Promise<BacktestResult> => {
    const { siteId } = parseInput(siteParams, request.params);
    const body = parseInput(backtestBody, request.body);
    const site = await siteOfRequest(request, siteId);
    const userId = request.auth?.user.userId ?? '';
    const previous = running.get(userId) ?? Promise.resolve();
    const work = previous
      .catch(() => undefined)
      .then(() =>
        runBacktest({
          ch: app.ch,
          siteId,
          timezone: site.timezone,
          rule: body.trigger,
          triggerId: body.triggerId ?? 'draft',
          days: body.days,
          ...(options.holdoutSalt === undefined ? {} : { holdoutSalt: options.holdoutSalt }),
          ...(options.maxVisitors === undefined ? {} : { maxVisitors: options.maxVisitors }),
          ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
        }),
      );
    running.set(userId, work);
    try {
      const result = await work;
      request.log.info(
        { siteId, days: body.days, visitors: result.totals.visitors, ms: result.durationMs },
        'trigger backtest',
      );
      return result;
    } finally {
      if (running.get(userId) === work) running.delete(userId);
    }
  });
}
