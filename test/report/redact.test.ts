import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/report/redact.js';
import { deepFreeze, makeReport } from './fixtures.js';

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret in nested strings and leaves the rest equal', () => {
    const report = deepFreeze(makeReport());
    const failed = report.results[1]!;
    const leaky = deepFreeze({
      ...report,
      target: { ...report.target, url: 'http://shop.example/?token=TOKEN-SECRET-42' },
      results: [
        { ...failed, message: 'token TOKEN-SECRET-42 refused; again: TOKEN-SECRET-42', tags: ['s3cr3t-app'] },
        ...report.results.slice(2),
      ],
    });
    const out = redactSecrets(leaky, ['TOKEN-SECRET-42', 's3cr3t-app']);
    expect(out).not.toBe(leaky);
    expect(JSON.stringify(out)).not.toMatch(/TOKEN-SECRET-42|s3cr3t-app/);
    expect(out.target.url).toBe('http://shop.example/?token=***');
    expect(out.results[0]?.message).toBe('token *** refused; again: ***');
    expect(out.results[0]?.tags).toEqual(['***']);
    expect(out.results.slice(1)).toEqual(leaky.results.slice(1));
    expect(out.summary).toEqual(leaky.summary);
    expect(out.durationMs).toBe(leaky.durationMs);
    expect(leaky.results[0]?.message).toContain('TOKEN-SECRET-42');
  });

  it('returns an equal deep copy when nothing matches, and ignores secrets shorter than 4 characters', () => {
    const report = makeReport();
    const out = redactSecrets(report, ['', 'abc', '0.1']);
    expect(out).toEqual(report);
    expect(out).not.toBe(report);
    expect(out.results).not.toBe(report.results);
  });

  it('replaces the longest secret first and URL-encoded forms too', () => {
    const out = redactSecrets({ a: 'key=abcd1234; short=abcd', curl: "--data-urlencode 'secret=p%40ss%20w0rd' q=p%40ss+w0rd" }, [
      'abcd',
      'abcd1234',
      'p@ss w0rd',
    ]);
    expect(out).toEqual({ a: 'key=***; short=***', curl: "--data-urlencode 'secret=***' q=***" });
  });

  it('redacts object keys and keeps non-string values', () => {
    const out = redactSecrets({ 'xx-SECRET-xx': [1, true, null, 'SECRET'] }, ['SECRET']);
    expect(out).toEqual({ 'xx-***-xx': [1, true, null, '***'] });
  });
});
