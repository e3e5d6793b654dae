/** The binding's value conversions: exact in fen, exact in time, refusing what they cannot read. */
import { describe, expect, it } from 'vitest';
import { ConversionError, convert } from '../../../src/protocols/http-json/convert.js';

describe('binding conversions', () => {
  it('yuan to fen is read from the decimal text, never a float product', () => {
    expect(convert('19.99', ['yuan-to-fen'])).toBe(1999);
    // 0.07 * 100 is 7.000000000000001 in floating point; 1.15 * 100 is 114.99999999999999.
    expect(convert(0.07, ['yuan-to-fen'])).toBe(7);
    expect(convert(1.15, ['yuan-to-fen'])).toBe(115);
    expect(convert('20', ['yuan-to-fen'])).toBe(2000);
    expect(convert('20.5', ['yuan-to-fen'])).toBe(2050);
    expect(convert('-0.05', ['yuan-to-fen'])).toBe(-5);
    expect(() => convert('1.234', ['yuan-to-fen'])).toThrow(ConversionError);
    expect(() => convert('abc', ['yuan-to-fen'])).toThrow(/is not an amount in yuan/);
  });

  it('fen to yuan is a decimal string with two decimals; chained, yuan is normalised', () => {
    expect(convert(1895, ['fen-to-yuan'])).toBe('18.95');
    expect(convert(10, ['fen-to-yuan'])).toBe('0.10');
    expect(convert(-5, ['fen-to-yuan'])).toBe('-0.05');
    expect(convert(20, ['yuan-to-fen', 'fen-to-yuan'])).toBe('20.00');
    expect(() => convert(10.5, ['fen-to-yuan'])).toThrow(/not an integer/);
  });

  it('seconds and milliseconds; UTC+8 wall time, epoch ms and ISO 8601', () => {
    expect(convert('864000', ['s-to-ms'])).toBe(864_000_000);
    expect(convert(1999, ['ms-to-s'])).toBe(1);
    const ms = Date.UTC(2026, 0, 1, 16, 0, 0);
    expect(convert('2026-01-02 00:00:00', ['utc8-to-ms'])).toBe(ms);
    expect(convert(ms, ['ms-to-utc8'])).toBe('2026-01-02 00:00:00');
    expect(convert('2026-01-02 00:00:00', ['utc8-to-iso'])).toBe('2026-01-01T16:00:00.000Z');
    expect(convert('2026-01-01T16:00:00Z', ['iso-to-utc8'])).toBe('2026-01-02 00:00:00');
    expect(() => convert('2026-01-02T00:00:00', ['utc8-to-ms'])).toThrow(/yyyy-MM-dd HH:mm:ss/);
  });

  it('string and number casts', () => {
    expect(convert(42, ['string'])).toBe('42');
    expect(convert('42', ['number'])).toBe(42);
    expect(() => convert('', ['number'])).toThrow(ConversionError);
  });
});
