import { describe, expect, it } from 'vitest';
import { assignHoldout, holdoutBucket } from '../../src/rules/index.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `v_${i.toString(36)}_${(i * 7919) % 1000}`);

describe('assignHoldout', () => {
  it.each([10, 25, 50])('holds out %i percent of 100k visitors within ±1 point', (percent) => {
    const held = ids(100_000).filter((id) => assignHoldout(id, 'trg_checkout', 'salt-1', percent)).length;
    expect(Math.abs(held / 1000 - percent)).toBeLessThanOrEqual(1);
  });

  it('spreads buckets uniformly over [0, 100)', () => {
    const deciles = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (const id of ids(100_000)) {
      const b = holdoutBucket(id, 'trg_a', 's');
      if (!(b >= 0 && b < 100)) outOfRange += 1;
      else deciles[Math.floor(b / 10)]! += 1;
    }
    expect(outOfRange).toBe(0);
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('is deterministic for the same visitor, trigger and salt', () => {
    for (const id of ids(200)) {
      expect(assignHoldout(id, 'trg_a', 'salt', 30)).toBe(assignHoldout(id, 'trg_a', 'salt', 30));
    }
    expect(holdoutBucket('visitor-1', 'trg_a', 'salt')).toBe(holdoutBucket('visitor-1', 'trg_a', 'salt'));
  });

  it('draws independently per trigger and per salt', () => {
    const all = ids(20_000);
    const a = all.map((id) => assignHoldout(id, 'trg_a', 'salt', 50));
    const b = all.map((id) => assignHoldout(id, 'trg_b', 'salt', 50));
    const c = all.map((id) => assignHoldout(id, 'trg_a', 'other-salt', 50));
    const agree = (x: boolean[], y: boolean[]) => x.filter((v, i) => v === y[i]).length / x.length;
    // Independent 50/50 draws agree about half the time.
    expect(Math.abs(agree(a, b) - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(agree(a, c) - 0.5)).toBeLessThan(0.03);
  });

  it('keeps nobody at 0% and everybody at 100%, and grows the group monotonically', () => {
    const all = ids(5_000);
    expect(all.some((id) => assignHoldout(id, 't', 's', 0))).toBe(false);
    expect(all.every((id) => assignHoldout(id, 't', 's', 100))).toBe(true);
    // Raising the percentage only adds visitors: nobody held out at 10% is invited at 20%.
    expect(all.filter((id) => assignHoldout(id, 't', 's', 10) && !assignHoldout(id, 't', 's', 20))).toEqual(
      [],
    );
  });
});
