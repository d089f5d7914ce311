import { canSeeSite, type Site } from '@floorwalker/store';
import type { FastifyRequest } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { HttpError } from '../errors.ts';

/** The site of a trigger request, when it exists and the user may see it; else 404 (no existence leak). */
export async function siteOfRequest(request: FastifyRequest, siteId: string): Promise<Site> {
  const site = canSeeSite(authOf(request).user, siteId) ? await request.server.sites.get(siteId) : undefined;
  if (!site) throw new HttpError('FW_NOT_FOUND', `No site ${siteId}.`);
  return site;
}
