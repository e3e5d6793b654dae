import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_DEFAULTS } from '../../src/engine/defaults.js';
import { planChecks } from '../../src/engine/conformance.js';

/**
 * The README's performance figures are written by `npm run bench -- --readme`, never typed. What a
 * test can keep true without timing anything: the table exists, and it describes today's suite and
 * today's default concurrency (else the figures are of something that no longer runs).
 */
describe('README figures come from npm run bench -- --readme', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const begin = readme.indexOf('<!-- bench:begin');
  const end = readme.indexOf('<!-- bench:end -->');
  const table = readme.slice(begin, end);
  const regenerate = 'the suite changed since the table was written: run npm run bench -- --readme';

  it('has the table between its markers, written by the bench', () => {
    expect(begin).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(begin);
    expect(table).toMatch(/Measured with `npm run bench` on \d{4}-\d{2}-\d{2}, Node v\d+/);
    expect(table).toContain('promoproof --help');
  });

  it('describes the suite as it is today', () => {
    const checks = planChecks({});
    const calls = checks.reduce((n, c) => n + c.steps.filter((s) => s.kind === 'call').length, 0);
    expect(table, regenerate).toContain(`(${checks.length} checks, ${calls} calls,`);
  });

  it('marks the default concurrency among the latency rows', () => {
    expect(table, regenerate).toContain(`concurrency ${CHECK_DEFAULTS.concurrency} (the default)`);
  });
});
