/**
 * Every suite the test binding serves (jd-coupon, tencent-coupon-batch, yoho-user-coupon), scenarios and
 * generated cases, run through it against the correct REST service: what a user gets from
 * `check --target-config rest-coupon.yaml` with no --suite. Nothing fails: each check passes or is
 * skipped with its reason. Before the binding said what the service requires ($required) and refused an
 * upload with no entry, the Tencent suite failed six checks here, two of them must.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { RunReport } from '../../src/report/types.js';
import { restBindingTarget } from '../helpers/rest-binding.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';

const TOKEN = 'all-suites-token-4f1a';
let service: { origin: string; close: () => Promise<void> };
let report: RunReport;

beforeAll(async () => {
  service = await startRestCouponService({ token: TOKEN });
  const checks = planChecks({ suites: ['jd-coupon', 'tencent-coupon-batch', 'yoho-user-coupon'] });
  report = await runConformance({ target: restBindingTarget(service.origin, TOKEN), checks });
}, 120_000);
afterAll(async () => {
  await service.close();
});

describe('every suite the binding serves, through it, against the correct service', () => {
  it('fails nothing, and passes the life cycle', () => {
    const bad = report.results
      .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
      .map((r) => `${r.id} ${r.level} ${r.status}: ${r.message}`);
    expect(bad).toEqual([]);
    expect(report.results.filter((r) => r.status === 'passed').length).toBeGreaterThanOrEqual(16);
  });

  it('skips an upload the service cannot take, saying why: no stock ($required), no entry, a wire deviation', () => {
    const why = new Map(report.results.map((r) => [r.id, r.message ?? '']));
    expect(why.get('tcc-add-then-update')).toMatch(/the service requires \$\{params\.store_count\}, which the call does not give/);
    expect(why.get('tcc-form-body-refused')).toMatch(/rawBody.*a deviation of a protocol the bound service does not speak/);
    expect(report.results.find((r) => r.id === 'tcc-form-body-refused')?.status).toBe('skipped');
  });
});
