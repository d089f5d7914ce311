import { randomId } from './random-id.ts';
import type { KeyValue } from './storage.ts';

/** Inactivity after which the next event starts a new session. */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

const VISITOR_KEY = 'fw_vid';
const SESSION_KEY = 'fw_sid';
const ID = /^[\w-]{8,64}$/;

/**
 * The visitor id (kept for good in first-party storage) and the session id (stored as
 * `<id>.<last activity ms>`, shared by the visitor's tabs, replaced after
 * {@link SESSION_TIMEOUT_MS} without activity).
 */
export interface Identity {
  visitor(): string;
  /** The current session id; `active` events extend the session, background ones do not. */
  session(now: number, active: boolean): string;
  /** Forgets both ids (opt-out). */
  clear(): void;
}

export function createIdentity(store: KeyValue): Identity {
  // Memory copies: when nothing can be stored the ids still hold for this page.
  let visitor = '';
  let session = '';
  return {
    visitor() {
      const stored = store.get(VISITOR_KEY);
      if (stored && ID.test(stored)) return stored;
      visitor ||= randomId();
      store.set(VISITOR_KEY, visitor);
      return visitor;
    },
    session(now, active) {
      let [id = '', last] = (store.get(SESSION_KEY) ?? session).split('.');
      let seen = Number(last);
      if (!ID.test(id) || !(now - seen <= SESSION_TIMEOUT_MS)) {
        id = randomId();
        active = true;
        seen = 0;
      }
      if (active) {
        // An event replayed with its earlier client time never moves the last activity back.
        session = `${id}.${Math.max(now, seen)}`;
        store.set(SESSION_KEY, session);
      }
      return id;
    },
    clear() {
      visitor = session = '';
      store.set(VISITOR_KEY, null);
      store.set(SESSION_KEY, null);
    },
  };
}
