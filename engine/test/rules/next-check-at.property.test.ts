import type { Condition, NumberCompare } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/rules/index.ts';
import { NOW, visitor } from './visitor-fixture.ts';

/** Deterministic pseudo-random numbers (LCG) so a failure is reproducible. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

/** A comparison whose boundaries lie around `current` (the measure's value at NOW), mostly ahead. */
function randomCompare(r: (n: number) => number, current: number): NumberCompare {
  const ops = ['gt', 'gte', 'lt', 'lte', 'eq', 'between'] as const;
  const op = ops[r(ops.length)] ?? 'gt';
  const around = () => Math.max(0, current - 20 + r(200));
  if (op === 'between') {
    const min = around();
    return { op, min, max: min + r(120) };
  }
  return { op, value: around() };
}

function randomCondition(r: (n: number) => number, depth: number): Condition {
  const kind = depth > 0 ? r(11) : r(7);
  switch (kind) {
    case 0:
      return { type: 'time_on_page', compare: randomCompare(r, 60) };
    case 1:
      return { type: 'idle', compare: randomCompare(r, 5) };
    case 2:
      return { type: 'time_on_site', compare: randomCompare(r, 600) };
    case 3:
      return { type: 'event', name: 'tick', minCount: 1 + r(3), withinSeconds: 1 + r(120) };
    case 4:
      return { type: 'exit_intent', withinSeconds: 1 + r(90) };
    case 5:
      return { type: 'country', in: [r(2) ? 'DE' : 'FR'] };
    case 6:
      return { type: 'business_hours', days: ['wed'], from: '12:02', to: r(2) ? '12:05' : '11:00' };
    case 7:
    case 8:
      return {
        type: r(2) ? 'all' : 'any',
        conditions: Array.from({ length: 1 + r(3) }, () => randomCondition(r, depth - 1)),
      };
    default:
      return { type: 'not', condition: randomCondition(r, depth - 1) };
  }
}

describe('nextCheckAt (simulation)', () => {
  it('is never later than the first real change of a random rule over the next minutes', () => {
    const r = rng(20261122);
    const state = visitor({
      exitIntentAt: NOW - 20_000,
      recentEvents: [NOW - 100_000, NOW - 70_000, NOW - 30_000, NOW - 5_000].map((ts) => ({
        type: 'custom',
        name: 'tick',
        ts,
        props: {},
      })),
    });
    const horizon = NOW + 400_000;
    let changing = 0;
    for (let k = 0; k < 200; k++) {
      const rule = {
        conditions: randomCondition(r, 3),
        controls: r(4) === 0 ? { startAt: NOW + r(300) * 1000 } : {},
      };
      const ctx = { state, now: NOW, timezone: 'UTC' };
      const first = evaluateRule(rule, ctx);
      if (first.nextCheckAt !== undefined) expect(first.nextCheckAt).toBeGreaterThan(NOW);
      // Every time-based change of these rules falls on a whole second after NOW (all bases are
      // whole seconds away from NOW), so a scan in one-second steps finds the first real change.
      let changedAt: number | undefined;
      for (let t = NOW + 1000; t <= horizon && changedAt === undefined; t += 1000) {
        if (evaluateRule(rule, { ...ctx, now: t }).matches !== first.matches) changedAt = t;
      }
      if (changedAt !== undefined) {
        changing += 1;
        expect(first.nextCheckAt, JSON.stringify(rule)).toBeDefined();
        expect(first.nextCheckAt!, JSON.stringify(rule)).toBeLessThanOrEqual(changedAt);
      }
    }
    // The generator must actually produce rules that change by themselves.
    expect(changing).toBeGreaterThan(80);
  }, 60_000);
});
