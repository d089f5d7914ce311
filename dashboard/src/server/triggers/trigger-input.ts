import { triggerDraft } from '@floorwalker/protocol';
import { z } from 'zod';

const id = z.string().min(1).max(64);

export const siteParams = z.object({ siteId: id });
export const triggerParams = z.object({ siteId: id, triggerId: id });
export const versionParams = z.object({
  siteId: id,
  triggerId: id,
  version: z.coerce.number().int().min(1),
});
export const visitorParams = z.object({ siteId: id, visitorId: id });

/** `PUT …/triggers/:triggerId?expectedVersion=N`: refuse the save unless N is still the latest version. */
export const updateQuery = z.object({ expectedVersion: z.coerce.number().int().min(1).optional() });

/** `POST …/triggers/:triggerId/status`. */
export const statusBody = z.strictObject({
  status: z.enum(['enabled', 'paused']),
  expectedVersion: z.number().int().min(1).optional(),
});

/** `GET …/triggers/:triggerId/diff?from=1&to=2` (default: the latest version against the one before). */
export const diffQuery = z
  .object({
    from: z.coerce.number().int().min(1).optional(),
    to: z.coerce.number().int().min(1).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from !== q.to, {
    message: 'from and to must be different versions',
    path: ['to'],
  });

/** Longest backtest window, days. */
export const MAX_BACKTEST_DAYS = 30;

/** `POST /api/sites/:siteId/triggers/backtest`. */
export const backtestBody = z.strictObject({
  /** The draft rule, validated with the same schema as a save. */
  trigger: triggerDraft,
  /** Days of recorded events to replay, ending now. Default 7, at most 30. */
  days: z.number().int().min(1).max(MAX_BACKTEST_DAYS).default(7),
  /**
   * Id of the saved trigger this draft edits, if any: holdout buckets are drawn with it, so the
   * backtest holds out the same visitors the live trigger does. Default: a fixed draft id.
   */
  triggerId: id.optional(),
});
export type BacktestBody = z.output<typeof backtestBody>;
