import { canSeeSite, type Site, type SitesRepository, type User } from '@floorwalker/store';

/**
 * The site, when it exists (not deleted) and the user may see it: admins see every site, other
 * staff only their own. The REST routes and the `/agent` socket decide access the same way.
 */
export async function accessibleSite(
  sites: SitesRepository,
  user: Pick<User, 'role' | 'siteIds'>,
  siteId: string,
): Promise<Site | undefined> {
  return canSeeSite(user, siteId) ? sites.get(siteId) : undefined;
}
