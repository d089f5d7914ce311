import { describe, expect, it } from 'vitest';
import {
  instantsOfLocalTime,
  isWithinBusinessHours,
  localTime,
  nextBusinessHoursChange,
} from '../../src/rules/index.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const H = 3_600_000;

describe('zoned time', () => {
  it('reads the local wall clock with DST', () => {
    expect(localTime(Date.UTC(2026, 0, 15, 12), 'Europe/Berlin')).toMatchObject({ hour: 13, weekday: 'thu' });
    expect(localTime(Date.UTC(2026, 6, 15, 12), 'Europe/Berlin')).toMatchObject({ hour: 14, weekday: 'wed' });
    expect(localTime(Date.UTC(2026, 6, 15, 2), 'America/Los_Angeles')).toMatchObject({
      day: 14,
      hour: 19,
      weekday: 'tue',
    });
    expect(localTime(Date.UTC(2026, 6, 15, 0, 30), 'Asia/Kolkata')).toMatchObject({ hour: 6, minute: 0 });
  });

  it('finds both instants of a repeated local time and none twice otherwise', () => {
    // 2026-10-25 02:30 happens twice in Berlin: 00:30 UTC (CEST) and 01:30 UTC (CET).
    expect(instantsOfLocalTime('Europe/Berlin', 2026, 10, 25, 2, 30)).toEqual([
      Date.UTC(2026, 9, 25, 0, 30),
      Date.UTC(2026, 9, 25, 1, 30),
    ]);
    expect(instantsOfLocalTime('Europe/Berlin', 2026, 7, 1, 9, 0)).toEqual([Date.UTC(2026, 6, 1, 7, 0)]);
  });
});

describe('business hours', () => {
  const office = { days: [...weekdays], from: '09:00', to: '17:30' };

  it('opens at from (inclusive) and closes at to (exclusive)', () => {
    // Berlin summer: UTC+2.
    expect(isWithinBusinessHours(office, Date.UTC(2026, 6, 15, 6, 59, 59), 'Europe/Berlin')).toBe(false);
    expect(isWithinBusinessHours(office, Date.UTC(2026, 6, 15, 7, 0), 'Europe/Berlin')).toBe(true);
    expect(isWithinBusinessHours(office, Date.UTC(2026, 6, 15, 15, 29, 59), 'Europe/Berlin')).toBe(true);
    expect(isWithinBusinessHours(office, Date.UTC(2026, 6, 15, 15, 30), 'Europe/Berlin')).toBe(false);
    // Saturday.
    expect(isWithinBusinessHours(office, Date.UTC(2026, 6, 18, 10), 'Europe/Berlin')).toBe(false);
  });

  it('spans midnight when closing comes before opening, counting the opening day', () => {
    const night = { days: ['fri'] as ('fri' | 'sat')[], from: '22:00', to: '02:00' };
    expect(isWithinBusinessHours(night, Date.UTC(2026, 6, 17, 20, 30), 'Europe/Berlin')).toBe(true); // Fri 22:30
    expect(isWithinBusinessHours(night, Date.UTC(2026, 6, 17, 23, 30), 'Europe/Berlin')).toBe(true); // Sat 01:30
    expect(isWithinBusinessHours(night, Date.UTC(2026, 6, 18, 0, 0), 'Europe/Berlin')).toBe(false); // Sat 02:00
    expect(isWithinBusinessHours(night, Date.UTC(2026, 6, 18, 20, 30), 'Europe/Berlin')).toBe(false); // Sat 22:30
    expect(nextBusinessHoursChange(night, Date.UTC(2026, 6, 17, 20, 30), 'Europe/Berlin')).toBe(
      Date.UTC(2026, 6, 18, 0, 0),
    );
  });

  it('closes at the end of the day and reopens next morning', () => {
    const wednesdayNoon = Date.UTC(2026, 6, 15, 10);
    expect(nextBusinessHoursChange(office, wednesdayNoon, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 6, 15, 15, 30),
    );
    expect(nextBusinessHoursChange(office, Date.UTC(2026, 6, 15, 15, 30), 'Europe/Berlin')).toBe(
      Date.UTC(2026, 6, 16, 7, 0),
    );
  });

  it('reopens on Monday with the new offset after clocks go back in New York', () => {
    // Friday 2026-10-30 18:00 EDT (UTC-4); DST ends Sunday 1 November; Monday 09:00 EST is 14:00 UTC.
    const friday = Date.UTC(2026, 9, 30, 22);
    expect(nextBusinessHoursChange(office, friday, 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 14));
  });

  it('opens at the DST jump when the opening time falls in the skipped hour', () => {
    // Berlin, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 never happens.
    const sunday = { days: ['sun'] as 'sun'[], from: '02:30', to: '05:00' };
    const before = Date.UTC(2026, 2, 29, 0, 15); // 01:15 CET
    expect(isWithinBusinessHours(sunday, before, 'Europe/Berlin')).toBe(false);
    expect(nextBusinessHoursChange(sunday, before, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 0));
    expect(isWithinBusinessHours(sunday, Date.UTC(2026, 2, 29, 1, 0), 'Europe/Berlin')).toBe(true);
  });

  it('closes at the first of two 02:30s on the night clocks go back', () => {
    const sunday = { days: ['sun'] as 'sun'[], from: '01:00', to: '02:30' };
    const open = Date.UTC(2026, 9, 24, 23, 30); // 01:30 CEST
    expect(isWithinBusinessHours(sunday, open, 'Europe/Berlin')).toBe(true);
    expect(nextBusinessHoursChange(sunday, open, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('finds an opening almost a week ahead and a closing within the hour', () => {
    expect(
      nextBusinessHoursChange({ days: ['mon'], from: '00:00', to: '23:59' }, Date.UTC(2026, 6, 14, 0), 'UTC'),
    ).toBe(Date.UTC(2026, 6, 20, 0));
    expect(
      nextBusinessHoursChange(
        { days: ['mon'], from: '10:00', to: '11:00' },
        Date.UTC(2026, 6, 13, 10) + H / 2,
        'UTC',
      ),
    ).toBe(Date.UTC(2026, 6, 13, 11));
  });
});
