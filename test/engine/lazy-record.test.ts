import { afterEach, describe, expect, it, vi } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { PROTOCOLS } from '../../src/protocols/index.js';

/**
 * A check builds the report's copy of a request (redacted params, curl line) only for what a failure
 * shows: a claim storm of 240 copies that passes builds none, one that fails builds the culprit's alone.
 */

const STORM = planChecks({ suites: ['jd-coupon'], rules: ['CPN-05'], generated: false }).filter((c) => c.id === 'cpn-claim-storm');

/** A spy on every protocol's record, by protocol id. */
function spyRecords() {
  return new Map([...PROTOCOLS.values()].map((a) => [a.id, vi.spyOn(a, 'record')]));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the record of a request is built only when a failure shows it', () => {
  it('a passing check with an upload, a 240-claim parallel step and a call records nothing', async () => {
    expect(STORM).toHaveLength(1);
    const spies = spyRecords();
    const report = await runConformance({ checks: STORM });
    expect(report.summary).toMatchObject({ total: 1, passed: 1 });
    for (const [id, spy] of spies) expect(spy, id).not.toHaveBeenCalled();
  }, 60_000);

  it('a failing storm records its culprit once, with the claim as it was sent', async () => {
    const spies = spyRecords();
    const report = await runConformance({ checks: STORM, fault: 'cpn-claim-race' });
    const failure = report.results[0]?.failure;
    expect(report.results[0]?.status).toBe('failed');
    expect(failure?.request?.operation).toBe('promoproof.coupon.claim');
    expect(JSON.parse(failure?.request?.params['360buy_param_json'] ?? '{}')).toHaveProperty('batch_id');
    expect(failure?.curl).toMatch(/^curl -sS -X POST .*promoproof\.coupon\.claim/);
    expect(spies.get('jos')).toHaveBeenCalledTimes(1);
    expect(spies.get('tencent-data-api')).not.toHaveBeenCalled();
  }, 60_000);
});
