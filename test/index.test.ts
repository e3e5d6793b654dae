import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('the public API', () => {
  it('runs a conformance check end to end without the CLI', async () => {
    const report = await api.runConformance({ rules: ['JOS-06'] });
    expect(report.verdict).toBe('pass');
    expect(report.results.length).toBeGreaterThan(3);
    expect(api.REPORTERS.json.render(report)).toContain('"schemaVersion": 1');
  });

  it('exposes the reference, the faults and the signing primitives', () => {
    expect(typeof api.buildServer).toBe('function');
    expect(Object.keys(api.FAULTS).length).toBeGreaterThan(60);
    expect(api.josSign({ method: 'm' }, 's')).toMatch(/^[0-9A-F]{32}$/);
    expect(api.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
