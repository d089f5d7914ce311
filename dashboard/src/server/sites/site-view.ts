import { canSeeSite, type Site, type SitesRepository, type User } from '@floorwalker/store';
import { installSnippet } from './install-snippet.ts';

/** A site as the API shows it: its settings plus the install snippet. */
export interface SiteView {
  siteId: string;
  name: string;
  allowedOrigins: string[];
  timezone: string;
  respectPrivacySignals: boolean;
  snippet: string;
  updatedAt: number;
  updatedBy: string;
}

export function siteView(site: Site, collectorPublicUrl: string): SiteView {
  return {
    siteId: site.siteId,
    name: site.name,
    allowedOrigins: site.allowedOrigins,
    timezone: site.timezone,
    respectPrivacySignals: site.respectPrivacySignals,
    snippet: installSnippet(collectorPublicUrl, site.siteId),
    updatedAt: site.updatedAt,
    updatedBy: site.updatedBy,
  };
}

/** The sites a user may see (all for admins), sorted by name. */
export async function visibleSites(sites: SitesRepository, user: User): Promise<Site[]> {
  const all = await sites.list();
  return all.filter((s) => canSeeSite(user, s.siteId)).sort((a, b) => a.name.localeCompare(b.name));
}
