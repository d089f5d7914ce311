import type { SiteView } from '../api/api-types.ts';

const STORAGE_KEY = 'floorwalker.siteId';

/** The site chosen last time if it is still visible, else the first one. */
export function initialSiteId(sites: readonly SiteView[]): string | undefined {
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode policies); the choice then lasts for this page only.
  }
  return sites.find((s) => s.siteId === stored)?.siteId ?? sites[0]?.siteId;
}

export function rememberSiteId(siteId: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, siteId);
  } catch {
    // See initialSiteId.
  }
}
