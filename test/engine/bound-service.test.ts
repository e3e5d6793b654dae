/**
 * End to end: the coupon life-cycle suite (jd-coupon, with its batch uploads) run by the real runner
 * against a REST coupon service of its own shape (test/helpers/rest-coupon-service.ts), through the
 * binding in test/fixtures/bindings/rest-coupon.yaml. Every check the binding can express passes; the
 * others are skipped with the reason, none fails falsely; with the service's over-issuance fault the
 * claim storm fails at its asserting step. The token is in no report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { targetSecrets } from '../../src/engine/targets/secrets.js';
import { REPORT_FORMATS, REPORTERS, redactSecrets } from '../../src/report/index.js';
import type { RunReport } from '../../src/report/types.js';
import { restBindingTarget } from '../helpers/rest-binding.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';

const TOKEN = 'rest-token-7c1e9d';
let clean: { origin: string; close: () => Promise<void> };
let faulty: { origin: string; close: () => Promise<void> };
let open: { origin: string; close: () => Promise<void> };
let passing: RunReport;
let failing: RunReport;
let unguarded: RunReport;

beforeAll(async () => {
  [clean, faulty, open] = await Promise.all([
    startRestCouponService({ token: TOKEN }),
    startRestCouponService({ token: TOKEN, overIssue: true }),
    startRestCouponService({ token: TOKEN, authOff: true }),
  ]);
  // The scenarios, not the generated boundary cases: those probe our own parameter limits, which a service of another shape has its own of.
  const scenarios = planChecks({ suites: ['jd-coupon'], generated: false });
  const storms = scenarios.filter((c) => c.tags.includes('concurrency'));
  const authorised = scenarios.filter((c) => c.rules.includes('CPN-06'));
  [passing, failing, unguarded] = await Promise.all([
    runConformance({ target: restBindingTarget(clean.origin, TOKEN), checks: scenarios }),
    runConformance({ target: restBindingTarget(faulty.origin, TOKEN), checks: storms }),
    runConformance({ target: restBindingTarget(open.origin, TOKEN), checks: authorised }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([clean.close(), faulty.close(), open.close()]);
});

describe('the jd-coupon suite through a binding, against a REST coupon service', () => {
  it('fails nothing: every check passes or is skipped with the reason', () => {
    const bad = passing.results
      .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
      .map((r) => `${r.id} ${r.status}: ${r.message}`);
    expect(bad).toEqual([]);
    for (const r of passing.results.filter((x) => x.status === 'skipped'))
      expect(r.message, r.id).toMatch(/binding|express|does not serve|capability|fixtures|needs|deviation/);
  });

  it('passes the life cycle the service has: upload, claim, list, stock, per-user limit, verify, redeem once, statistics, the storms', () => {
    const passed = new Set(passing.results.filter((r) => r.status === 'passed').map((r) => r.id));
    for (const id of [
      'cpn-claim-then-list',
      'cpn-stock',
      'cpn-per-user-limit',
      'cpn-claim-storm',
      'cpn-claim-storm-per-user',
      'cpn-redeem-race',
      'cpn-authorised-callers-wrong-signature',
      'cpn-authorised-callers-no-token',
      'cpn-authorised-callers-wrong-secret',
    ])
      expect(passed.has(id), id).toBe(true);
  });

  it('skips what the service cannot express, naming it: revoke, the JOS signature cases, daily limits', () => {
    const skipped = new Map(passing.results.filter((r) => r.status === 'skipped').map((r) => [r.id, r.message]));
    expect(skipped.get('cpn-per-user-daily-limit')).toMatch(/cannot express the parameter max_coupon_number_per_user_daily/);
    expect(skipped.get('cpn-revoked-not-verified')).toMatch(/maps no operation promoproof\.coupon\.revoke/);
    // An operation the binding lacks skips the check before its first step: nothing was uploaded for it.
    const revoke = passing.results.find((r) => r.id === 'cpn-revoked-not-verified');
    expect(revoke?.durationMs).toBe(0);
    expect(revoke?.message).toMatch(/^revoke: /);
  });

  it("CPN-06 in the binding's own auth terms: the service's bare 401 is the refusal; with its auth off, each case fails at its step", () => {
    const ids = ['cpn-authorised-callers-wrong-signature', 'cpn-authorised-callers-no-token', 'cpn-authorised-callers-wrong-secret'];
    expect(unguarded.results.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of unguarded.results) {
      expect(r.status, r.id).toBe('failed');
      expect(r.failure?.step, r.id).toBe('list');
      expect(r.failure?.expected, r.id).toBe('any error');
      expect(r.failure?.actual, r.id).toMatch(/^success/);
    }
    const noToken = unguarded.results.find((r) => r.id === 'cpn-authorised-callers-no-token');
    expect(noToken?.failure?.curl).not.toMatch(/authorization/i);
    const wrong = unguarded.results.find((r) => r.id === 'cpn-authorised-callers-wrong-signature');
    expect(wrong?.failure?.curl).toContain("-H 'authorization: Bearer ***'");
    // The failure shows the service's own request and answer, in its names, beside the spec's expected/actual.
    expect(wrong?.failure?.request?.url).toMatch(/\/users\/\d+\/coupons/);
    expect(wrong?.failure?.response?.status).toBe(200);
    expect(wrong?.failure?.response?.body).toMatch(/"items":\[/);
  });

  it('with over-issuance on, the claim storm fails at its asserting step, with the counts', () => {
    const storm = failing.results.find((r) => r.id === 'cpn-claim-storm');
    expect(storm?.status).toBe('failed');
    expect(storm?.failure?.asserting).toBe(true);
    expect(storm?.failure?.step).toBe('storm');
    expect(storm?.message).toMatch(/\d+ answers: \d+ successes/);
  });

  it("says what was spoken: every check reports the protocol http-json, not its API's jos (the JSON report is where it shows)", () => {
    const protocols = new Set([...passing.results, ...failing.results].map((r) => r.protocol));
    expect([...protocols]).toEqual(['http-json']);
    const json = REPORTERS.json.render(failing);
    expect(json).toContain('"protocol": "http-json"');
    expect(json).not.toContain('"protocol": "jos"');
  });

  it('a failure shows the service request in its own names; the token is in no report of any format', () => {
    const storm = failing.results.find((r) => r.id === 'cpn-claim-storm');
    expect(storm?.failure?.request?.url).toMatch(/\/activities\/act_\d+\/claims$/);
    const target = restBindingTarget(clean.origin, TOKEN);
    expect(targetSecrets(target)).toEqual([TOKEN]);
    for (const report of [passing, failing]) {
      const safe = redactSecrets(report, targetSecrets(target));
      expect(JSON.stringify(report)).not.toContain(TOKEN);
      for (const format of REPORT_FORMATS)
        expect(REPORTERS[format].render(safe, { color: false, verbose: true }), format).not.toContain(TOKEN);
    }
  });
});
