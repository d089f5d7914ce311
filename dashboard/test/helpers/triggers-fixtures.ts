import { randomUUID } from 'node:crypto';
import type { StreamEntry, TrackedEvent, TriggerDraft } from '@floorwalker/protocol';
import { type ClickHouse, toEventRow } from '@floorwalker/store';

/** A realistic checkout trigger draft: on /checkout for more than `seconds`. */
export function checkoutDraft(seconds = 120, overrides: Partial<TriggerDraft> = {}): TriggerDraft {
  return {
    name: 'Stuck on checkout',
    conditions: {
      type: 'all',
      conditions: [
        { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
        { type: 'time_on_page', compare: { op: 'gt', value: seconds } },
      ],
    },
    availability: { type: 'any_agent' },
    action: {
      type: 'invite',
      message: { default: 'Need a hand with your order?', byLanguage: { de: 'Brauchen Sie Hilfe?' } },
      sender: { type: 'team', name: 'Support' },
      autoOpen: false,
    },
    controls: {
      status: 'enabled',
      priority: 5,
      budget: { maxPerSession: 1, dismissCooldownSeconds: 0 },
      holdoutPercent: 0,
    },
    ...overrides,
  };
}

type EventInput = { type: TrackedEvent['type'] } & Record<string, unknown>;

/** Builds events of one visitor's session and inserts them as the writer would (`toEventRow`). */
export class VisitorScript {
  readonly entries: StreamEntry[] = [];
  private pageViewId = '';
  private url = '';

  constructor(
    readonly siteId: string,
    readonly visitorId: string,
    readonly sessionId = `s_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
  ) {}

  private push(at: number, event: EventInput): this {
    const full = {
      id: randomUUID(),
      ts: at,
      visitorId: this.visitorId,
      sessionId: this.sessionId,
      pageViewId: this.pageViewId,
      url: this.url,
      ...event,
    } as unknown as TrackedEvent;
    this.entries.push({
      siteId: this.siteId,
      event: full,
      serverTs: at,
      receivedAt: at,
      enrichment: { device: 'desktop', browser: 'Chrome', os: 'Linux', country: 'DE', isBot: false },
    });
    return this;
  }

  /** A page view at `at` on `path` (with heartbeats every 15 s until `leaveAt`, then a `page_leave`). */
  page(at: number, path: string, stay?: { leaveAt: number; leave?: boolean }): this {
    this.pageViewId = `pv_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    this.url = `https://shop.example${path}`;
    this.push(at, { type: 'page_view', title: path, navigation: 'load', language: 'en' });
    if (stay) {
      for (let t = at + 15_000; t <= stay.leaveAt; t += 15_000)
        this.push(t, { type: 'heartbeat', active: true });
      if (stay.leave !== false) this.push(stay.leaveAt, { type: 'page_leave' });
    }
    return this;
  }

  event(at: number, event: EventInput): this {
    return this.push(at, event);
  }

  async insert(ch: ClickHouse, duplicate = false): Promise<void> {
    const rows = this.entries.map(toEventRow);
    await ch.insert('events', duplicate ? [...rows, ...rows] : rows);
  }
}
