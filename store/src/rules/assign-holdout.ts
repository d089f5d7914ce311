import { createHash } from 'node:crypto';

const TWO_POW_48 = 2 ** 48;

/**
 * A visitor's bucket for one trigger, uniform in [0, 100): the first 48 bits of
 * SHA-256(salt, trigger id, visitor id). Deterministic, so a visitor stays in the same group
 * across sessions, processes and restarts; independent between triggers (the trigger id is
 * hashed in) and re-drawn for everyone when the salt changes (e.g. a new experiment).
 */
export function holdoutBucket(visitorId: string, triggerId: string, salt: string): number {
  const digest = createHash('sha256').update(`${salt}\u0000${triggerId}\u0000${visitorId}`).digest();
  return (digest.readUIntBE(0, 6) / TWO_POW_48) * 100;
}

/** True when the visitor belongs to the holdout group (never invited by this trigger). */
export function assignHoldout(visitorId: string, triggerId: string, salt: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  return holdoutBucket(visitorId, triggerId, salt) < percent;
}
