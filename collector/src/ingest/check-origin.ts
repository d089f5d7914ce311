import type { Site } from '@floorwalker/store';
import { CollectorError } from '../errors.ts';

/** `https://Shop.example:443/` and `https://shop.example` compare equal. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * Throws `FW_INGEST_ORIGIN_FORBIDDEN` unless the request's `Origin` is one of the site's
 * allowed origins. An empty list allows any origin (and requests without one). With a list,
 * a missing or opaque (`null`) origin is refused: every browser sends `Origin` on a POST, so
 * only scripts without one would pass, and they are exactly what the list is meant to stop.
 */
export function checkOrigin(site: Site, origin: string | undefined): void {
  if (site.allowedOrigins.length === 0) return;
  const normalized = origin ? normalizeOrigin(origin) : undefined;
  if (normalized && site.allowedOrigins.some((allowed) => normalizeOrigin(allowed) === normalized)) return;
  throw new CollectorError('FW_INGEST_ORIGIN_FORBIDDEN', {
    message: origin
      ? `Origin ${origin.slice(0, 200)} may not send events for this site.`
      : 'An Origin header is required for this site.',
  });
}
