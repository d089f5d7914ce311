import type {
  ClickHouse,
  Redis,
  RedisKeys,
  SiteRegistry,
  SitesRepository,
  User,
  UsersRepository,
} from '@floorwalker/store';
import type { DashboardConfig } from '../config.ts';
import type { SessionLookup } from './auth/session-lookup.ts';
import type { Session, SessionStore } from './auth/session-store.ts';
import type { DashboardMetrics } from './metrics/dashboard-metrics.ts';

/** The logged-in staff member of a request and their session. */
export interface Authenticated {
  user: User;
  session: Session;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<DashboardConfig>;
    ch: ClickHouse;
    redis: Redis;
    keys: RedisKeys;
    users: UsersRepository;
    sites: SitesRepository;
    siteRegistry: SiteRegistry;
    sessions: SessionStore;
    /** Cookie → user, shared with the socket.io `/agent` namespace. */
    lookupSession: SessionLookup;
    metrics: DashboardMetrics;
  }
  interface FastifyRequest {
    /** Set by the authentication hook on every route behind it; null elsewhere. */
    auth: Authenticated | null;
  }
}
