import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/render-json.js';
import type { RunReport } from '../../src/report/types.js';
import { deepFreeze, makePassingReport, makeReport } from './fixtures.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../specs/schema/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema as object);

function errorsOf(value: unknown): string {
  validate(value);
  return JSON.stringify(validate.errors ?? [], null, 2);
}

describe('renderJson', () => {
  it('writes JSON that parses back to the report and validates against the report schema', () => {
    const report = deepFreeze(makeReport());
    const text = renderJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toEqual(report);
    expect(validate(parsed), errorsOf(parsed)).toBe(true);
    const passing: unknown = JSON.parse(renderJson(makePassingReport()));
    expect(validate(passing), errorsOf(passing)).toBe(true);
  });

  it('writes keys in the order the types declare them, whatever order the producer used', () => {
    const report = makeReport();
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as unknown as RunReport;
    expect(renderJson(shuffled)).toBe(renderJson(report));
    expect(Object.keys(JSON.parse(renderJson(shuffled)) as object)).toEqual([
      'schemaVersion',
      'tool',
      'target',
      'suites',
      'startedAt',
      'durationMs',
      'summary',
      'verdict',
      'strictRef',
      'expiredWaivers',
      'results',
      'coverage',
    ]);
    expect(renderJson(report)).toMatch(/^ {2}"schemaVersion": 1,$/m);
  });

  it('the schema is not vacuous', () => {
    const parsed = JSON.parse(renderJson(makeReport())) as Record<string, unknown>;
    const { summary: _summary, ...withoutSummary } = parsed;
    expect(validate(withoutSummary)).toBe(false);
    expect(validate({ ...parsed, extra: true })).toBe(false);
    expect(validate({ ...parsed, verdict: 'maybe' })).toBe(false);
    expect(validate({ ...parsed, durationMs: '1534' })).toBe(false);
    const results = parsed.results as Record<string, unknown>[];
    expect(validate({ ...parsed, results: [{ ...results[0], status: 'ok' }] })).toBe(false);
    expect(validate({ ...parsed, results: [{ ...results[0], waived: { rule: 'X', reason: 'r', expires: '31/12/2099' } }] })).toBe(false);
  });

  it('the schema documents units', () => {
    expect(JSON.stringify(schema)).toMatch(/milliseconds/);
    expect((schema as Record<string, unknown>).$schema).toBe('http://json-schema.org/draft-07/schema#');
  });
});
