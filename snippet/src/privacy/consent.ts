import type { KeyValue } from '../identity/storage.ts';

/** Storage key of the visitor's opt-out flag (`'1'` when opted out). */
export const OPT_OUT_KEY = 'fw_optout';

/** True when the browser sends Global Privacy Control or Do Not Track. */
export function privacySignal(): boolean {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  return n.globalPrivacyControl === true || n.doNotTrack === '1';
}

/** The visitor's own opt-out, persisted like the visitor id. */
export const optOut = {
  get: (store: KeyValue) => store.get(OPT_OUT_KEY) === '1',
  set: (store: KeyValue, on: boolean) => store.set(OPT_OUT_KEY, on ? '1' : null),
};
