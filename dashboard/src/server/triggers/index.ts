import type { FastifyInstance } from 'fastify';
import { type BacktestRoutesOptions, backtestRoutes } from './backtest/backtest-routes.ts';
import { explainRoutes } from './explain/explain-routes.ts';
import { presenceSampler } from './staffing/presence-sampler.ts';
import { triggerRoutes } from './trigger-routes.ts';

export type { BacktestResult } from './backtest/run-backtest.ts';
export type { ExplainResponse } from './explain/explain-visitor.ts';
export type { DiffEntry } from './trigger-diff.ts';

/** Options of {@link triggerFeatures}. */
export interface TriggerFeaturesOptions extends BacktestRoutesOptions {
  /** Record agent presence per minute for the backtest's staffed slots. Default true. */
  samplePresence?: boolean;
}

/**
 * The Triggers page's server side: the trigger API (CRUD, versions, diff, restore), backtest,
 * explain, and the per-minute agent presence sampler the backtest reads.
 */
export async function triggerFeatures(app: FastifyInstance, options: TriggerFeaturesOptions): Promise<void> {
  await app.register(triggerRoutes);
  await app.register(backtestRoutes, options);
  await app.register(explainRoutes);
  if (options.samplePresence !== false) {
    const sampler = presenceSampler({
      ch: app.ch,
      redis: app.redis,
      keys: app.keys,
      sites: app.sites,
      logger: app.log,
    });
    app.addHook('onReady', async () => sampler.start());
    app.addHook('onClose', async () => sampler.stop());
  }
}
