import { describe, expect, it } from 'vitest';
import { formatJosTimestamp, formatJosTimestampWithOffset, parseJosTimestamp } from '../../../src/protocols/jos/timestamp.js';

describe('JOS timestamps (JOS-02)', () => {
  it('reads yyyy-MM-dd HH:mm:ss as UTC+8', () => {
    expect(parseJosTimestamp('2024-01-02 08:00:00')).toBe(Date.UTC(2024, 0, 2, 0, 0, 0));
    expect(parseJosTimestamp('2024-01-01 00:30:00')).toBe(Date.UTC(2023, 11, 31, 16, 30, 0));
  });

  it('reads the SDK form in its own offset', () => {
    expect(parseJosTimestamp('2024-01-02 03:04:05.123+0800')).toBe(Date.UTC(2024, 0, 1, 19, 4, 5, 123));
    expect(parseJosTimestamp('2024-01-02 03:04:05.000-0130')).toBe(Date.UTC(2024, 0, 2, 4, 34, 5));
    expect(parseJosTimestamp('2024-01-02 03:04:05.000+0800', false)).toBeUndefined();
  });

  it.each([
    '2024-01-02T03:04:05',
    '2024-1-2 03:04:05',
    '2024-01-02 03:04',
    '2024-02-30 00:00:00',
    '2023-02-29 00:00:00',
    '2024-01-02 24:00:00',
    '2024-01-02 23:60:00',
    '2024-13-01 00:00:00',
    '1704135845',
    ' 2024-01-02 03:04:05',
    '2024-01-02 03:04:05+0800',
    '',
  ])('refuses %j', (text) => {
    expect(parseJosTimestamp(text)).toBeUndefined();
  });

  it('accepts 29 February of a leap year', () => {
    expect(parseJosTimestamp('2024-02-29 12:00:00')).toBe(Date.UTC(2024, 1, 29, 4));
  });

  it('formats in UTC+8 and round-trips to the second', () => {
    const ms = Date.UTC(2026, 10, 23, 16, 59, 59, 999);
    expect(formatJosTimestamp(ms)).toBe('2026-11-24 00:59:59');
    expect(parseJosTimestamp(formatJosTimestamp(ms))).toBe(ms - 999);
    expect(formatJosTimestampWithOffset(ms)).toBe('2026-11-24 00:59:59.999+0800');
    expect(parseJosTimestamp(formatJosTimestampWithOffset(ms))).toBe(ms);
  });
});
