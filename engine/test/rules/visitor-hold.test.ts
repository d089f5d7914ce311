import { describe, expect, it } from 'vitest';
import { visitorHold } from '../../src/rules/index.ts';
import { visitor } from './visitor-fixture.ts';

describe('visitor hold', () => {
  it('lets triggers decide for a present visitor on an open page', () => {
    expect(visitorHold(visitor())).toBeUndefined();
    expect(visitorHold(visitor({ status: 'checkout', presence: 'idle' }))).toBeUndefined();
  });

  it('holds a visitor who left, is between pages, is chatting or has an invitation up', () => {
    const between = visitor();
    between.currentPage.leftAt = between.currentPage.enteredAt + 5000;
    expect(visitorHold(visitor({ presence: 'left', status: 'left' }))?.reason).toBe('left');
    expect(visitorHold(between)?.reason).toBe('page_left');
    expect(visitorHold(visitor({ status: 'chatting' }))?.reason).toBe('chatting');
    expect(visitorHold(visitor({ status: 'invited' }))?.reason).toBe('invited');
    expect(visitorHold(visitor({ status: 'invited' }))?.message).toMatch(/invitation is up/);
  });
});
