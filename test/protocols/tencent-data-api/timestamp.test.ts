import { describe, expect, it } from 'vitest';
import {
  formatTencentMillis,
  formatTencentTimestamp,
  parseTencentMillis,
  parseTencentTimestamp,
} from '../../../src/protocols/tencent-data-api/timestamp.js';

describe('tencent-data-api request timestamp: Unix seconds (PROTOCOLS.md §2a)', () => {
  it('reads the examples of the document and the seed as seconds', () => {
    expect(parseTencentTimestamp('1542951251')).toBe(Date.UTC(2018, 10, 23, 5, 34, 11));
    expect(parseTencentTimestamp('1569232087')).toBe(1569232087_000);
    expect(parseTencentTimestamp('0')).toBe(0);
  });

  it('formats whole seconds, rounded down, and round-trips to the second', () => {
    expect(formatTencentTimestamp(1542951251_000)).toBe('1542951251');
    expect(formatTencentTimestamp(1542951251_999)).toBe('1542951251');
    expect(formatTencentTimestamp(0)).toBe('0');
    const ms = Date.UTC(2026, 10, 23, 16, 59, 59, 999);
    expect(parseTencentTimestamp(formatTencentTimestamp(ms))).toBe(ms - 999);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1])('refuses to format %d', (ms) => {
    expect(() => formatTencentTimestamp(ms)).toThrow(RangeError);
  });

  it.each([
    '',
    ' 1542951251',
    '1542951251 ',
    '+1542951251',
    '-1542951251',
    '1542951251.0',
    '1.5e9',
    '0x5bf79253',
    '１５４２９５１２５１',
    '2018-11-23 13:34:11',
    '9007199254740991',
  ])('refuses %j', (text) => {
    expect(parseTencentTimestamp(text)).toBeUndefined();
  });

  it('reads leading zeros, and reads a milliseconds value as (far-future) seconds: no window or digit count here', () => {
    expect(parseTencentTimestamp('01542951251')).toBe(1542951251_000);
    expect(parseTencentTimestamp('1542951251000')).toBe(1542951251_000_000);
  });
});

describe('tencent-data-api body times: Unix milliseconds as strings (seed: start_time, end_time, show_*)', () => {
  it("reads the seed's example", () => {
    expect(parseTencentMillis('1572395131732')).toBe(Date.UTC(2019, 9, 30, 0, 25, 31, 732));
  });

  it('formats milliseconds, rounded down, and round-trips', () => {
    expect(formatTencentMillis(1572395131732)).toBe('1572395131732');
    expect(formatTencentMillis(1572395131732.9)).toBe('1572395131732');
    expect(parseTencentMillis(formatTencentMillis(1572395131732))).toBe(1572395131732);
    expect(() => formatTencentMillis(-1)).toThrow(RangeError);
    expect(() => formatTencentMillis(Number.NaN)).toThrow(RangeError);
  });

  it.each(['', '1572395131732.0', '-1', ' 1', '1e12', '99999999999999999'])('refuses %j', (text) => {
    expect(parseTencentMillis(text)).toBeUndefined();
  });
});
