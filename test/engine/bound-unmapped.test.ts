/**
 * Answer fields a bound service does not have, end to end: a check whose steps read one is skipped
 * before its first step, naming the field, where a constant would have claimed what the service never
 * said; the checks that do not read it still pass, their successes held to what the binding maps. The
 * same in the audit after a claim storm: an invariant reading such a field is skipped with the reason,
 * neither held nor partial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { createLoadAudit } from '../../src/load/audit.js';
import { runLoad } from '../../src/load/run-load.js';
import { REST_BINDING_FILE, restBindingText } from '../helpers/rest-binding.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';
import { claimsProfile } from '../load/upload-step.js';

const TOKEN = 'unmapped-token-9e1';
let service: { origin: string; close: () => Promise<void> };

/** The test binding with `lines` (each a whole line of the file, trimmed) removed: fields the service is taken not to have. */
function targetWithout(lines: readonly string[]): Target {
  const text = restBindingText(service.origin)
    .split('\n')
    .filter((l) => !lines.includes(l.trim()))
    .join('\n');
  return {
    ...loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: TOKEN }, text),
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
  };
}

beforeAll(async () => {
  service = await startRestCouponService({ token: TOKEN });
});
afterAll(async () => {
  await service.close();
});

describe('a check reading an answer field the binding does not map', () => {
  it('is skipped before its first step, naming the field; the checks that do not read it pass', async () => {
    // A service that says nothing of its coupons' kind: sub_type (required by the spec's couponVO) unmapped.
    const target = targetWithout(['sub_type: { value: 1 } # its only kind: an amount off above a minimum spend (满减), nothing else']);
    const checks = planChecks({ suites: ['jd-coupon'], generated: false }).filter((c) =>
      ['cpn-claim-then-list', 'cpn-stock', 'cpn-per-user-limit'].includes(c.id),
    );
    const report = await runConformance({ target, checks });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    const listed = byId.get('cpn-claim-then-list');
    expect(listed?.status).toBe('skipped');
    expect(listed?.message).toMatch(/the binding maps no answer field coupons\[\]\.sub_type of promoproof\.coupon\.user\.list/);
    expect(listed?.durationMs).toBe(0);
    // Their claims' successes lack sub_type, which the spec requires: held to what the binding maps, they pass.
    expect(byId.get('cpn-stock')?.status, byId.get('cpn-stock')?.message).toBe('passed');
    expect(byId.get('cpn-per-user-limit')?.status, byId.get('cpn-per-user-limit')?.message).toBe('passed');
  }, 60_000);
});

describe('an audit invariant reading an answer field the binding does not map', () => {
  it('is skipped with the reason; the others are judged, and the audit passes', async () => {
    const target = targetWithout(['statistics.claimed: /claimed']);
    const doc = claimsProfile({
      profile: 'bound-unmapped',
      title: 'binding test: statistics without a claimed count',
      stock: 10,
      perUser: 2,
      users: 8,
      phases: [{ phase: 'spike', requests: 40, operation: 'claim' }],
    });
    const audit = createLoadAudit({ profile: doc, target });
    const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides: { seed: 3 }, audit });
    expect(result.stoppedBy).toBe('completed');
    const done = await audit.finish();
    const statistics = done.invariants.find((i) => i.id === 'statistics-claimed');
    expect(statistics?.status).toBe('skipped');
    expect(statistics?.reason).toMatch(/the binding maps no answer field statistics\.claimed of promoproof\.coupon\.statistics/);
    expect(done.invariants.find((i) => i.id === 'claims-listed')?.status).toBe('held');
    expect(done.status, done.reason).toBe('passed');
    expect(done.reason).toMatch(/skipped: statistics-claimed/);
  }, 60_000);
});
