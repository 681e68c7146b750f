// The console writes dates, times and NHS numbers as people in the NHS read them.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDate, formatDateTime, formatDuration, formatNhsNumber, nextDay, parseUkDate, ukStartOfDay } from '../../server/console/format.js';

describe('formatDate', () => {
  it('writes a calendar date day, month name, year with no leading zero', () => {
    expect(formatDate('2026-12-01')).toBe('1 December 2026');
    expect(formatDate('2026-03-09')).toBe('9 March 2026');
  });

  it('keeps a partial date as partial as it was recorded', () => {
    expect(formatDate('2026-12')).toBe('December 2026');
    expect(formatDate('1998')).toBe('1998');
  });

  it('reads an instant as its date in the UK, not in UTC', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    expect(formatDate('2026-06-30T23:30:00Z')).toBe('1 July 2026');
    expect(formatDate(new Date('2026-12-01T23:30:00Z'))).toBe('1 December 2026');
  });

  it('shows what it cannot read as it came, and nothing for nothing', () => {
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatDate('2026-13')).toBe('2026-13');
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
  });
});

describe('formatDateTime', () => {
  it('writes UK time in winter (GMT) and in summer (BST), 24-hour clock', () => {
    expect(formatDateTime('2026-12-01T14:05:00Z')).toBe('1 December 2026 at 14:05');
    expect(formatDateTime('2026-07-01T13:05:00Z')).toBe('1 July 2026 at 14:05');
    expect(formatDateTime('2026-01-05T00:07:00Z')).toBe('5 January 2026 at 00:07');
  });

  it('crosses midnight into the next UK day in summer', () => {
    expect(formatDateTime('2026-06-30T23:30:00Z')).toBe('1 July 2026 at 00:30');
  });

  it('shows what it cannot read as it came', () => {
    expect(formatDateTime('soon')).toBe('soon');
    expect(formatDateTime(null)).toBe('');
  });
});

describe('formatNhsNumber', () => {
  it('groups the ten digits 3, 3, 4', () => {
    expect(formatNhsNumber('9990000018')).toBe('999 000 0018');
    expect(formatNhsNumber('999-000-0018')).toBe('999 000 0018');
    expect(formatNhsNumber(' 999 000 0018 ')).toBe('999 000 0018');
  });

  it('leaves anything that is not ten digits alone', () => {
    expect(formatNhsNumber('12345')).toBe('12345');
    expect(formatNhsNumber(null)).toBe('');
  });
});

describe('sizes, durations and counts', () => {
  it('writes sizes in bytes, KB and MB', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(820)).toBe('820 bytes');
    expect(formatBytes(12_800)).toBe('12.5 KB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MB');
  });

  it('writes durations in words', () => {
    expect(formatDuration(350)).toBe('350 milliseconds');
    expect(formatDuration(1000)).toBe('1 second');
    expect(formatDuration(1240)).toBe('1.2 seconds');
    expect(formatDuration(125_000)).toBe('2 minutes 5 seconds');
    expect(formatDuration(60_000)).toBe('1 minute');
  });

  it('separates thousands', () => {
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('dates people type', () => {
  it('reads ISO dates and day-first UK dates, and refuses impossible ones', () => {
    expect(parseUkDate('2026-12-01')).toBe('2026-12-01');
    expect(parseUkDate('1/12/2026')).toBe('2026-12-01');
    expect(parseUkDate('01.07.2026')).toBe('2026-07-01');
    expect(parseUkDate('31/02/2026')).toBeNull();
    expect(parseUkDate('12/31/2026')).toBeNull();
    expect(parseUkDate('tomorrow')).toBeNull();
  });

  it('starts a UK day at London midnight: 23:00 UTC the day before in summer, 00:00 UTC in winter', () => {
    expect(ukStartOfDay('2026-07-01')!.toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(ukStartOfDay('2026-12-01')!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(ukStartOfDay('2026-02-30')).toBeNull();
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});
