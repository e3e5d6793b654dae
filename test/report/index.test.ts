import { describe, expect, it } from 'vitest';
import { REPORTERS, REPORT_FORMATS, isReportFormat, type ReportFormat } from '../../src/report/index.js';
import { deepFreeze, makeReport } from './fixtures.js';

describe('REPORTERS', () => {
  it('lists the five formats', () => {
    expect(REPORT_FORMATS).toEqual(['console', 'json', 'junit', 'markdown', 'html']);
    const formats: ReportFormat[] = ['console', 'json', 'junit', 'markdown', 'html'];
    for (const f of formats) {
      expect(isReportFormat(f)).toBe(true);
      expect(REPORTERS[f].extension).toMatch(/^[a-z]+$/);
      expect(REPORTERS[f].description.length).toBeGreaterThan(10);
    }
    expect(isReportFormat('xml')).toBe(false);
    expect(isReportFormat('toString')).toBe(false);
    expect(isReportFormat('__proto__')).toBe(false);
  });

  it('renderers are pure: same output for the same input, input left untouched', () => {
    const report = deepFreeze(makeReport());
    for (const f of REPORT_FORMATS) {
      const first = REPORTERS[f].render(report);
      expect(first.length).toBeGreaterThan(100);
      expect(REPORTERS[f].render(report)).toBe(first);
    }
  });

  it('output depends on the durations only where they are shown', () => {
    const a = makeReport();
    const b = makeReport({ durationMs: 99_999, results: a.results.map((r) => ({ ...r, durationMs: r.durationMs + 1000 })) });
    const normalise = (s: string): string =>
      s
        .replace(/\d+ min \d+ s|\d+(\.\d+)? ?(ms|s)\b/g, '<t>')
        .replace(/\b\d+\.\d{3}\b/g, '<t>')
        .replace(/"durationMs": [\d.]+/g, '"durationMs": <t>');
    for (const f of REPORT_FORMATS) expect(normalise(REPORTERS[f].render(b))).toBe(normalise(REPORTERS[f].render(a)));
  });

  it('console colour is off unless asked for', () => {
    const report = makeReport();
    expect(REPORTERS.console.render(report)).not.toContain('\u001b[');
    expect(REPORTERS.console.render(report, { color: true })).toContain('\u001b[');
  });
});
