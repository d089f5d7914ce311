// Wire types of the live board, from the server code itself (type-only: erased in the bundle).
export type {
  AgentAvailabilityStatus,
  AgentStatusUpdate,
  SiteWatchResult,
  VisitorState,
  VisitorStatus,
} from '@floorwalker/protocol';
export type { InviteResponse, LiveSnapshot } from '../../server/live/live-routes.ts';
export type { OverviewPoint, SiteOverview } from '../../server/live/site-overview.ts';
export type { JourneyEvent, JourneySession, VisitorJourney } from '../../server/live/visitor-journey.ts';
