import { describe, expect, it } from 'vitest';
import { epochOfWallTime, formatUtc8, parseUtc8, todayUtc8 } from '../../src/core/time.js';

describe("the documents' time (UTC+8, yyyy-MM-dd HH:mm:ss)", () => {
  const noonUtc = Date.UTC(2026, 11, 31, 16, 30, 5, 999);

  it('writes an instant in UTC+8, crossing the date line of the zone, milliseconds dropped', () => {
    expect(formatUtc8(noonUtc)).toBe('2027-01-01 00:30:05');
    expect(todayUtc8(noonUtc)).toBe('2027-01-01');
    expect(todayUtc8(noonUtc - 31 * 60_000)).toBe('2026-12-31');
  });

  it('reads back what it writes, to the second', () => {
    expect(parseUtc8(formatUtc8(noonUtc))).toBe(noonUtc - 999);
    expect(parseUtc8('1970-01-01 08:00:00')).toBe(0);
  });

  it('refuses other forms and impossible readings instead of rolling them over', () => {
    for (const text of [
      '2026-02-29 00:00:00',
      '2026-13-01 00:00:00',
      '2026-01-01 24:00:00',
      '2026-01-01 00:60:00',
      '2026-01-01T00:00:00',
      ' 2026-01-01 00:00:00',
    ])
      expect(parseUtc8(text), text).toBeUndefined();
    expect(parseUtc8('2028-02-29 23:59:59')).toBe(Date.UTC(2028, 1, 29, 15, 59, 59));
  });

  it('places a wall-clock reading in any zone', () => {
    const t = { y: 2026, mo: 6, d: 1, h: 12, mi: 0, s: 0, ms: 250 };
    expect(epochOfWallTime(t, 0)).toBe(Date.UTC(2026, 5, 1, 12, 0, 0, 250));
    expect(epochOfWallTime(t, -300)).toBe(Date.UTC(2026, 5, 1, 17, 0, 0, 250));
    expect(epochOfWallTime({ ...t, d: 31 }, 480)).toBeUndefined();
  });
});
