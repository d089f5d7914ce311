import { type TriggerRule, triggerDraft } from '@floorwalker/protocol';
import {
  type Site,
  startOfLocalDay,
  TriggerNotFoundError,
  TriggerVersionConflictError,
  triggerChanges,
  triggerDecisions,
  triggersRepository,
} from '@floorwalker/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, authOf, requireRole } from '../auth/authenticate.ts';
import { HttpError, parseInput } from '../errors.ts';
import { siteOfRequest } from './site-of-request.ts';
import { type DiffEntry, diffJson, type Json } from './trigger-diff.ts';
import {
  diffQuery,
  siteParams,
  statusBody,
  triggerParams,
  updateQuery,
  versionParams,
} from './trigger-input.ts';
import {
  type TriggerListResponse,
  type TriggerVersionsResponse,
  type TriggerView,
  todayCounts,
} from './trigger-view.ts';

/** `GET …/triggers/:triggerId/diff`. */
export interface TriggerDiffResponse {
  from: number;
  to: number;
  changes: DiffEntry[];
}

/**
 * The trigger API for marketers and admins: list with today's counts, read, create, save a new
 * version, enable/pause, delete, history, diff of two versions and restore. Bodies are validated
 * with the protocol's `triggerDraft` (the schema the editor uses), so a pattern that could
 * backtrack catastrophically is refused here with its issue path. Every change publishes the
 * site id on the `triggers:changed` channel so engines reload their rules at once.
 */
export async function triggerRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', requireRole('marketer', 'admin'));
  const triggers = triggersRepository(app.ch);
  const decisions = triggerDecisions(app.ch);
  const changes = triggerChanges(app.redis, app.keys);

  const siteOf = siteOfRequest;

  /** Runs a repository call, mapping its typed errors to HTTP errors. */
  const mapped = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TriggerNotFoundError) throw new HttpError('FW_NOT_FOUND', error.message);
      if (error instanceof TriggerVersionConflictError) {
        throw new HttpError(
          'FW_TRIGGER_VERSION_CONFLICT',
          `This trigger is at version ${error.actual} now, not ${error.expected}: someone saved it in the meantime. Reload it and apply your change again.`,
        );
      }
      throw error;
    }
  };

  const view = async (
    site: Site,
    trigger: Awaited<ReturnType<typeof triggers.get>>,
  ): Promise<TriggerView> => {
    if (!trigger) throw new HttpError('FW_NOT_FOUND', 'No such trigger.');
    const counts = await decisions.todayCounts(site.siteId, site.timezone);
    return { ...trigger, today: todayCounts(counts[trigger.id]) };
  };

  const changed = async (request: FastifyRequest, siteId: string, triggerId: string, what: string) => {
    await changes.publish(siteId);
    request.log.info({ siteId, triggerId, by: authOf(request).user.userId }, `trigger ${what}`);
  };

  app.get('/api/sites/:siteId/triggers', async (request): Promise<TriggerListResponse> => {
    const { siteId } = parseInput(siteParams, request.params);
    const site = await siteOf(request, siteId);
    const now = Date.now();
    const [list, counts] = await Promise.all([
      triggers.list(siteId),
      decisions.todayCounts(siteId, site.timezone, now),
    ]);
    return {
      triggers: list.map((t) => ({ ...t, today: todayCounts(counts[t.id]) })),
      dayStartedAt: startOfLocalDay(now, site.timezone),
      timezone: site.timezone,
    };
  });

  app.post('/api/sites/:siteId/triggers', async (request, reply) => {
    const { siteId } = parseInput(siteParams, request.params);
    const site = await siteOf(request, siteId);
    const rule = parseInput(triggerDraft, request.body);
    const saved = await mapped(() => triggers.save({ siteId, rule, author: authOf(request).user.userId }));
    await changed(request, siteId, saved.id, 'created');
    return reply.code(201).send({ trigger: await view(site, saved) });
  });

  app.get('/api/sites/:siteId/triggers/:triggerId', async (request) => {
    const { siteId, triggerId } = parseInput(triggerParams, request.params);
    const site = await siteOf(request, siteId);
    return { trigger: await view(site, await triggers.get(siteId, triggerId)) };
  });

  app.put('/api/sites/:siteId/triggers/:triggerId', async (request) => {
    const { siteId, triggerId } = parseInput(triggerParams, request.params);
    const { expectedVersion } = parseInput(updateQuery, request.query);
    const site = await siteOf(request, siteId);
    const rule = parseInput(triggerDraft, request.body);
    const saved = await mapped(() =>
      triggers.save({
        siteId,
        triggerId,
        rule,
        author: authOf(request).user.userId,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      }),
    );
    await changed(request, siteId, triggerId, `saved as version ${saved.version}`);
    return { trigger: await view(site, saved) };
  });

  app.post('/api/sites/:siteId/triggers/:triggerId/status', async (request) => {
    const { siteId, triggerId } = parseInput(triggerParams, request.params);
    const { status, expectedVersion } = parseInput(statusBody, request.body);
    const site = await siteOf(request, siteId);
    const current = await triggers.get(siteId, triggerId);
    if (!current) throw new HttpError('FW_NOT_FOUND', `No trigger ${triggerId}.`);
    if (current.controls.status === status) return { trigger: await view(site, current) };
    const rule: TriggerRule = {
      name: current.name,
      ...(current.description === undefined ? {} : { description: current.description }),
      conditions: current.conditions,
      availability: current.availability,
      action: current.action,
      controls: { ...current.controls, status },
    };
    const saved = await mapped(() =>
      triggers.save({
        siteId,
        triggerId,
        rule,
        author: authOf(request).user.userId,
        expectedVersion: expectedVersion ?? current.version,
      }),
    );
    await changed(request, siteId, triggerId, status === 'enabled' ? 'enabled' : 'paused');
    return { trigger: await view(site, saved) };
  });

  app.delete('/api/sites/:siteId/triggers/:triggerId', async (request, reply) => {
    const { siteId, triggerId } = parseInput(triggerParams, request.params);
    await siteOf(request, siteId);
    await mapped(() => triggers.remove(siteId, triggerId, authOf(request).user.userId));
    await changed(request, siteId, triggerId, 'deleted');
    return reply.code(204).send();
  });

  app.get(
    '/api/sites/:siteId/triggers/:triggerId/versions',
    async (request): Promise<TriggerVersionsResponse> => {
      const { siteId, triggerId } = parseInput(triggerParams, request.params);
      await siteOf(request, siteId);
      const versions = await triggers.history(siteId, triggerId);
      if (versions.length === 0) throw new HttpError('FW_NOT_FOUND', `No trigger ${triggerId}.`);
      return { versions };
    },
  );

  app.get('/api/sites/:siteId/triggers/:triggerId/diff', async (request): Promise<TriggerDiffResponse> => {
    const { siteId, triggerId } = parseInput(triggerParams, request.params);
    const query = parseInput(diffQuery, request.query);
    await siteOf(request, siteId);
    const versions = await triggers.history(siteId, triggerId);
    const latest = versions[0];
    if (!latest) throw new HttpError('FW_NOT_FOUND', `No trigger ${triggerId}.`);
    const to = query.to ?? latest.version;
    const from = query.from ?? to - 1;
    const older = versions.find((v) => v.version === from);
    const newer = versions.find((v) => v.version === to);
    if (!older || !newer) {
      throw new HttpError('FW_NOT_FOUND', `Trigger ${triggerId} has no version ${older ? to : from}.`);
    }
    return { from, to, changes: diffJson(older.rule as unknown as Json, newer.rule as unknown as Json) };
  });

  app.post('/api/sites/:siteId/triggers/:triggerId/versions/:version/restore', async (request) => {
    const { siteId, triggerId, version } = parseInput(versionParams, request.params);
    const site = await siteOf(request, siteId);
    const old = await triggers.getVersion(siteId, triggerId, version);
    if (!old) throw new HttpError('FW_NOT_FOUND', `Trigger ${triggerId} has no version ${version}.`);
    // An old version saved under an older schema must still be valid today before it goes live.
    parseInput(triggerDraft, old.rule);
    const saved = await mapped(() =>
      triggers.restore(siteId, triggerId, version, authOf(request).user.userId),
    );
    await changed(request, siteId, triggerId, `restored from version ${version}`);
    return { trigger: await view(site, saved) };
  });
}
