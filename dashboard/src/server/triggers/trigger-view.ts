import type { Trigger } from '@floorwalker/protocol';
import type { OutcomeCounts, TriggerVersion } from '@floorwalker/store';

/** Today's decisions of one trigger (the site's local day), as the list shows them. */
export interface TodayCounts {
  sent: number;
  holdout: number;
  /** Matching visitors not invited, by reason. */
  suppressed: { noAgent: number; budget: number; schedule: number; cap: number };
  shown: number;
  accepted: number;
  dismissed: number;
  expired: number;
}

/** A trigger in the API: its latest version plus today's counts (list and detail). */
export type TriggerView = Trigger & { today: TodayCounts };

/** `GET …/triggers`. */
export interface TriggerListResponse {
  triggers: TriggerView[];
  /** Start of "today" in the site's time zone, epoch ms. */
  dayStartedAt: number;
  timezone: string;
}

/** `GET …/triggers/:triggerId/versions`. */
export interface TriggerVersionsResponse {
  versions: TriggerVersion[];
}

export function todayCounts(counts: OutcomeCounts | undefined): TodayCounts {
  const c = counts ?? {};
  return {
    sent: c.sent ?? 0,
    holdout: c.holdout ?? 0,
    suppressed: {
      noAgent: c.suppressed_no_agent ?? 0,
      budget: c.suppressed_budget ?? 0,
      schedule: c.suppressed_schedule ?? 0,
      cap: c.suppressed_cap ?? 0,
    },
    shown: c.shown ?? 0,
    accepted: c.accepted ?? 0,
    dismissed: c.dismissed ?? 0,
    expired: c.expired ?? 0,
  };
}
