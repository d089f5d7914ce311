import { canSeeSite, newSiteId, type Site } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, authOf, requireRole } from '../auth/authenticate.ts';
import { HttpError, parseInput } from '../errors.ts';
import { siteCreateInput, siteUpdateInput } from './site-input.ts';
import { siteView, visibleSites } from './site-view.ts';

const siteParams = z.object({ siteId: z.string().min(1).max(64) });

/**
 * Sites: everyone lists and reads the sites they may see; admins create, update and delete.
 * Every save is mirrored into the Redis site registry so the collector sees it at once.
 */
export async function siteRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate);
  const adminOnly = requireRole('admin');
  const view = (site: Site) => siteView(site, app.config.COLLECTOR_PUBLIC_URL);

  const publish = async (site: Site) => {
    await app.siteRegistry.publish(site);
    return site;
  };

  const load = async (siteId: string, userCanSee: (id: string) => boolean) => {
    const site = userCanSee(siteId) ? await app.sites.get(siteId) : undefined;
    if (!site) throw new HttpError('FW_NOT_FOUND', `No site ${siteId}.`);
    return site;
  };

  app.get('/api/sites', async (request) => {
    const sites = await visibleSites(app.sites, authOf(request).user);
    return { sites: sites.map(view) };
  });

  app.get('/api/sites/:siteId', async (request) => {
    const { user } = authOf(request);
    const { siteId } = parseInput(siteParams, request.params);
    return { site: view(await load(siteId, (id) => canSeeSite(user, id))) };
  });

  app.post('/api/sites', { onRequest: adminOnly }, async (request, reply) => {
    const { user } = authOf(request);
    const input = parseInput(siteCreateInput, request.body);
    const site = await publish(await app.sites.save({ siteId: newSiteId(), ...input }, user.userId));
    request.log.info({ siteId: site.siteId, by: user.userId }, 'site created');
    return reply.code(201).send({ site: view(site) });
  });

  app.patch('/api/sites/:siteId', { onRequest: adminOnly }, async (request) => {
    const { user } = authOf(request);
    const { siteId } = parseInput(siteParams, request.params);
    const input = parseInput(siteUpdateInput, request.body);
    const current = await load(siteId, () => true);
    const next = {
      siteId,
      name: input.name ?? current.name,
      allowedOrigins: input.allowedOrigins ?? current.allowedOrigins,
      timezone: input.timezone ?? current.timezone,
      respectPrivacySignals: input.respectPrivacySignals ?? current.respectPrivacySignals,
    };
    const site = await publish(await app.sites.save(next, user.userId));
    return { site: view(site) };
  });

  app.delete('/api/sites/:siteId', { onRequest: adminOnly }, async (request, reply) => {
    const { user } = authOf(request);
    const { siteId } = parseInput(siteParams, request.params);
    const current = await load(siteId, () => true);
    await publish(await app.sites.save({ ...current, deleted: true }, user.userId));
    request.log.info({ siteId, by: user.userId }, 'site deleted');
    return reply.code(204).send();
  });
}
