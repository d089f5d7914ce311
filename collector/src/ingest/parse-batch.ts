import {
  type BatchEnvelope,
  batchEnvelope,
  issuesOf,
  LIMITS,
  type TrackedEvent,
  trackedEvent,
} from '@floorwalker/protocol';
import { CollectorError, type Issue } from '../errors.ts';
import { isCertainlyValidEvent } from './fast-event-check.ts';

/** At most this many issues are reported per rejected event, to bound the response. */
const MAX_ISSUES_PER_EVENT = 20;

const SITE_KEY = /^[A-Za-z0-9_-]+$/;

/** Validates the envelope; throws `FW_INGEST_BAD_BATCH` with the zod issue paths. */
export function parseEnvelope(payload: unknown): BatchEnvelope {
  // The everyday envelope, checked by hand exactly as `batchEnvelope` does (held to it by
  // test/ingest/parse-batch.test.ts); anything else goes through the schema and its issues.
  if (typeof payload === 'object' && payload !== null) {
    const { site, sentAt, events } = payload as Record<string, unknown>;
    if (
      typeof site === 'string' &&
      site.length >= 1 &&
      site.length <= 64 &&
      SITE_KEY.test(site) &&
      typeof sentAt === 'number' &&
      Number.isSafeInteger(sentAt) &&
      sentAt >= 0 &&
      sentAt <= 8_640_000_000_000 &&
      Array.isArray(events) &&
      events.length >= 1 &&
      events.length <= LIMITS.maxEventsPerBatch
    )
      return { site, sentAt, events };
  }
  const result = batchEnvelope.safeParse(payload);
  if (!result.success) {
    throw new CollectorError('FW_INGEST_BAD_BATCH', { issues: issuesOf(result.error).slice(0, 50) });
  }
  return result.data;
}

export interface RejectedEvent {
  /** Position of the event in the batch's `events` array. */
  index: number;
  code: 'FW_INGEST_BAD_EVENT';
  issues: Issue[];
}

export interface ParsedEvents {
  /** Valid events, each with its position in the batch. */
  valid: { index: number; event: TrackedEvent }[];
  rejected: RejectedEvent[];
}

/**
 * Validates each event on its own, so one bad event never drops its valid neighbours
 * (partial acceptance). Issue paths are relative to the event.
 */
export function parseEvents(events: readonly unknown[]): ParsedEvents {
  const parsed: ParsedEvents = { valid: [], rejected: [] };
  events.forEach((candidate, index) => {
    // The everyday event passes the fast check and is stored as sent; anything else goes
    // through the schema, which decides and words the issues.
    if (isCertainlyValidEvent(candidate)) {
      parsed.valid.push({ index, event: candidate });
      return;
    }
    const result = trackedEvent.safeParse(candidate);
    if (result.success) parsed.valid.push({ index, event: result.data });
    else {
      parsed.rejected.push({
        index,
        code: 'FW_INGEST_BAD_EVENT',
        issues: issuesOf(result.error).slice(0, MAX_ISSUES_PER_EVENT),
      });
    }
  });
  return parsed;
}
