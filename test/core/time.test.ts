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
    // What a request carried may be absent or of another type at run time: no time, never a throw.
    for (const v of [undefined, null, 20241111, {}]) expect(parseUtc8(v as unknown as string)).toBeUndefined();
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

  it('reads only ASCII digits in their places, as the regular expression it replaced did', () => {
    for (const text of [
      '２０２６-01-01 00:00:00',
      '2026-01-01 00:00:0٣',
      '2026-01-01 00:00:00\n',
      '2026-01-01  0:00:00',
      '2026-1-01 00:00:00',
      '+026-01-01 00:00:00',
      '2026/01/01 00:00:00',
      '2026-01-01 00-00-00',
      '2026-01-01 00:00:00.000',
      '',
    ])
      expect(parseUtc8(text), text).toBeUndefined();
    expect(parseUtc8('2026-12-31 23:59:59')).toBe(Date.UTC(2026, 11, 31, 15, 59, 59));
  });

  it('writes every second right, whichever seconds it wrote before (the texts it keeps by second)', () => {
    // An independent writer: the ISO form of the instant moved to UTC+8.
    const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const base = Date.UTC(2026, 11, 31, 15, 59, 0);
    // More seconds than it keeps (16), back and forth: some share a slot and overwrite each other.
    const seconds = [0, 16, 32, 1, 17, 0, 59, 75, -1, -17, 3600, 86_400 * 366, ...Array.from({ length: 40 }, (_, i) => i * 7919)];
    for (let round = 0; round < 3; round++)
      for (const s of seconds) {
        const ms = base + s * 1000 + round * 333;
        expect(formatUtc8(ms), String(ms)).toBe(iso(ms));
      }
    // A coupon's validity: midnights whole days apart, written in turn with the claim's own second.
    const midnight = Date.UTC(2026, 11, 6, 16, 0, 0);
    for (let i = 0; i < 3; i++)
      for (const ms of [midnight, midnight + 10 * 86_400_000, midnight + 83_227_000, midnight + 86_400_000])
        expect(formatUtc8(ms), String(ms)).toBe(iso(ms));
    expect(formatUtc8(-1)).toBe('1970-01-01 07:59:59');
    expect(formatUtc8(Number.NaN)).toBe('NaN-NaN-NaN NaN:NaN:NaN');
  });

  it('reads every text right, whichever texts it read before (the readings it keeps)', () => {
    // More texts than it keeps (4), valid and not, in turn: each is read as it would be the first time.
    const texts = ['2026-12-08 07:52:07', '2026-12-08 07:52:08', '2026-02-29 00:00:00', '2026-12-08 07:52:09', '2026-12-08 07:52:1x'];
    const expected = [
      Date.UTC(2026, 11, 7, 23, 52, 7),
      Date.UTC(2026, 11, 7, 23, 52, 8),
      undefined,
      Date.UTC(2026, 11, 7, 23, 52, 9),
      undefined,
    ];
    for (let round = 0; round < 3; round++)
      for (const [i, text] of texts.entries()) {
        // A text equal to one read before but another string object (as every request's is).
        const fresh = [...text].join('');
        expect(parseUtc8(fresh), text).toBe(expected[i]);
        expect(parseUtc8(text), text).toBe(expected[i]);
      }
  });

  it('places a wall-clock reading in any zone', () => {
    const t = { y: 2026, mo: 6, d: 1, h: 12, mi: 0, s: 0, ms: 250 };
    expect(epochOfWallTime(t, 0)).toBe(Date.UTC(2026, 5, 1, 12, 0, 0, 250));
    expect(epochOfWallTime(t, -300)).toBe(Date.UTC(2026, 5, 1, 17, 0, 0, 250));
    expect(epochOfWallTime({ ...t, d: 31 }, 480)).toBeUndefined();
  });
});
