/**
 * The Yoho user coupon queries (yoho-user-coupon) through the test binding
 * (test/fixtures/bindings/rest-coupon.yaml), against the REST coupon service of the tests: the checks
 * the service can answer pass, the ones of the Yoho gateway's own wire format (its envelope and
 * SALT_MD5, UCP-01, UCP-REF-03) are skipped, never passed or failed through a service that does not
 * speak it, the rest skipped with the reason. The load audit reads each user's coupons through the
 * bound Yoho list as well, and skips its list invariants when the binding maps no coupon code. And the
 * upload binds only the one kind of coupon the service has: a discount coupon (sub type 2) is not sent
 * as its cash coupon, its check skipped naming the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { createLoadAudit } from '../../src/load/audit.js';
import { runLoad } from '../../src/load/run-load.js';
import type { RunReport } from '../../src/report/types.js';
import { REST_BINDING_FILE, restBindingTarget, restBindingText } from '../helpers/rest-binding.js';
import { buildRestCouponService } from '../helpers/rest-coupon-service.js';
import { claimsProfile } from '../load/upload-step.js';

const TOKEN = 'rest-token-yoho-5b2d';
const app = buildRestCouponService({ token: TOKEN });
/** The service's create calls received: a call the binding cannot express must never reach it. */
let creates = 0;
app.addHook('onRequest', async (req) => {
  if (req.method === 'POST' && req.url === '/activities') creates++;
});
let yoho: RunReport;
let origin = '';

beforeAll(async () => {
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
  yoho = await runConformance({
    target: restBindingTarget(origin, TOKEN),
    checks: planChecks({ suites: ['yoho-user-coupon'], generated: false }),
  });
}, 60_000);
afterAll(async () => {
  await app.close();
});

describe('the yoho-user-coupon suite through a binding', () => {
  it('fails nothing: every check passes or is skipped with the reason', () => {
    const bad = yoho.results.filter((r) => r.status !== 'passed' && r.status !== 'skipped').map((r) => `${r.id} ${r.status}: ${r.message}`);
    expect(bad).toEqual([]);
    for (const r of yoho.results.filter((x) => x.status === 'skipped')) expect(r.message, r.id).toMatch(/binding|capability/);
  });

  it("passes the paged list the service's own list answers (UCP-02): codes, total, pages, the value in yuan", () => {
    const paged = yoho.results.find((r) => r.id === 'ucp-lists-paged');
    expect(paged?.status, paged?.message).toBe('passed');
    expect(paged?.protocol).toBe('http-json');
  });

  it("skips the checks of the Yoho gateway's envelope and md5: the bound service does not speak that wire", () => {
    for (const [id, rule] of [
      ['ucp-answers-signed', 'UCP-01'],
      ['ucp-refusal-envelope', 'UCP-REF-03'],
    ] as const) {
      const r = yoho.results.find((x) => x.id === id);
      expect(r?.status, id).toBe('skipped');
      expect(r?.message, id).toBe(
        `covers ${rule}, of the yoho-gateway protocol's own wire format, which the service behind the binding does not speak (http-json)`,
      );
      expect(r?.durationMs, id).toBe(0);
    }
  });

  it('skips what the binding cannot read, naming it: a used coupon’s order fields, revoke, the birthday queries', () => {
    const skipped = new Map(yoho.results.filter((r) => r.status === 'skipped').map((r) => [r.id, r.message]));
    expect(skipped.get('ucp-used-coupon')).toMatch(/maps no answer field couponList\[\]\.orderCode of app\.coupons\.li/);
    expect(skipped.get('ucp-total-agrees')).toMatch(/maps no operation promoproof\.coupon\.revoke/);
  });
});

describe("the suite's generated cases through the binding", () => {
  it("are skipped, each with the reason: they probe the Yoho call's own parameter contract (a list's type, limit, page required), which the service's own calls do not have", async () => {
    const checks = planChecks({ suites: ['yoho-user-coupon'] }).filter((c) => c.id.startsWith('gen-'));
    expect(checks.length).toBeGreaterThan(7);
    const report = await runConformance({ target: restBindingTarget(origin, TOKEN), checks });
    expect(report.results.filter((r) => r.status !== 'skipped').map((r) => r.id)).toEqual([]);
    const missing = report.results.find((r) => r.id === 'gen-coupons-lists-type-required-missing');
    expect(missing?.message).toMatch(/^a generated case of the yoho-gateway call's own parameter contract \(required: /);
    expect(missing?.durationMs).toBe(0);
  }, 60_000);
});

describe('the upload binds only the kind of coupon the service has', () => {
  it('a discount coupon (coupon_sub_type 2) is not sent as the service’s cash coupon: its check is skipped, naming the value', async () => {
    const before = creates;
    const checks = planChecks({ suites: ['jd-coupon'], generated: false }).filter((c) => c.id === 'cpn-verify-scope');
    expect(checks).toHaveLength(1);
    const report = await runConformance({ target: restBindingTarget(origin, TOKEN), checks });
    const [scope] = report.results;
    expect(scope?.status).toBe('skipped');
    expect(scope?.message).toMatch(/cannot send coupon_sub_type 2: its map inline has no service value for it \(it maps 1\)/);
    expect(creates - before).toBe(0);
  });

  it('the service refuses any other kind or issuer itself, so the binding’s map is all it can say', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const base = { title: 'x', amount: '5.00', stock: 1 };
    for (const extra of [{ kind: 'DISCOUNT' }, { issuer: 'WECHAT' }]) {
      const r = await app.inject({ method: 'POST', url: '/activities', headers: auth, payload: { ...base, ...extra } });
      expect(r.statusCode, JSON.stringify(extra)).toBe(400);
      expect(r.json().error.code).toBe('INVALID_ARGUMENT');
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/activities',
      headers: auth,
      payload: { ...base, kind: 'CASH', issuer: 'MERCHANT' },
    });
    expect(ok.statusCode).toBe(201);
  });
});

/** The test binding with `lines` (each a whole line of the file, trimmed) removed: fields the service is taken not to have. */
function targetWithout(lines: readonly string[]): Target {
  const text = restBindingText(origin)
    .split('\n')
    .filter((l) => !lines.includes(l.trim()))
    .join('\n');
  return {
    ...loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: TOKEN }, text),
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
  };
}

/** A claim storm whose audit reads the users' coupons on both faces, the Yoho list among them. */
async function auditBothFaces(target: Target) {
  const base = claimsProfile({
    profile: 'bound-yoho',
    title: 'binding test: claims listed on both faces',
    stock: 10,
    perUser: 2,
    users: 8,
    phases: [{ phase: 'spike', requests: 30, operation: 'claim' }],
  });
  const doc = { ...base, apis: [...base.apis, 'yoho-user-coupon'] };
  const audit = createLoadAudit({ profile: doc, target });
  const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides: { seed: 5 }, audit });
  expect(result.stoppedBy).toBe('completed');
  return audit.finish();
}

describe("the audit's Yoho face through the binding", () => {
  it('reads each user’s coupons through the Yoho list: every claim listed there too', async () => {
    const done = await auditBothFaces(restBindingTarget(origin, TOKEN));
    const yohoListed = done.invariants.find((i) => i.id === 'claims-listed:yoho-user-coupon');
    expect(yohoListed?.status, yohoListed?.reason).toBe('held');
    expect(done.status, done.reason).toBe('passed');
  }, 60_000);

  it('a Yoho list whose coupon codes the binding does not map: its invariants skipped with the reason, never held', async () => {
    const done = await auditBothFaces(targetWithout(['couponCode: /couponNo']));
    for (const id of ['claims-listed:yoho-user-coupon', 'nothing-unacknowledged:yoho-user-coupon']) {
      const i = done.invariants.find((x) => x.id === id);
      expect(i?.status, id).toBe('skipped');
      expect(i?.reason, id).toMatch(/the binding maps no answer field couponList\[\]\.couponCode of app\.coupons\.lists/);
    }
    // The life cycle's own list still judges it.
    expect(done.invariants.find((i) => i.id === 'claims-listed:jd-coupon')?.status).toBe('held');
    expect(done.status, done.reason).toBe('passed');
  }, 60_000);
});
