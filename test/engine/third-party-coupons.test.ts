/**
 * End to end: the reference as a third-party coupon platform (its Tencent upload, its JOS life cycle
 * and its Yoho gateway, each at its own URL with its own credentials), described by a target config as
 * a user writes one, checked by the real runner: passing clean, failing under a fault, refusing a
 * wrong Yoho key — which no report holds.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YOHO_REFERENCE_KEYS } from '../../src/apis/yoho-user-coupon/index.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { targetSecrets } from '../../src/engine/targets/secrets.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import { REPORT_FORMATS, REPORTERS, redactSecrets } from '../../src/report/index.js';
import type { RunReport } from '../../src/report/types.js';
import { loadRules } from '../../src/spec/load.js';

const SUITES = ['jd-coupon', 'yoho-user-coupon'];
/** The iphone client type's key (not the android test key), so that a report must redact it. */
const IPHONE_KEY = YOHO_REFERENCE_KEYS['iphone'] ?? '';
const WRONG_KEY = 'Wr0ng+Yoho/key-of-the-shop';

function configText(origin: string, yohoKey: string = IPHONE_KEY): string {
  return `apis:
  tencent-coupon-batch:
    url: ${origin}
    credentials: { appId: ${TENCENT_TEST_CREDENTIALS.appId}, appSecret: ${TENCENT_TEST_CREDENTIALS.appSecret} }
    options: { dataSourceId: "88" }
  jd-coupon:
    url: ${origin}/routerjson
    credentials: { appKey: ${DEFAULT_CREDENTIALS.appKey}, appSecret: ${DEFAULT_CREDENTIALS.appSecret}, accessToken: ${DEFAULT_CREDENTIALS.accessToken} }
  yoho-user-coupon:
    url: ${origin}/gateway
    credentials: { clientType: iphone, privateKey: "${yohoKey}" }
capabilities: [test-control]
`;
}

const targetOf = (origin: string, yohoKey?: string): Target => ({
  ...loadTargetConfig('coupons.yaml', {}, configText(origin, yohoKey)),
  clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
});

let server: FastifyInstance;
let faulty: FastifyInstance;
let origin: string;
let faultyOrigin: string;
let passing: RunReport;
let failing: RunReport;
let refused: RunReport;

beforeAll(async () => {
  server = buildServer({ testControl: true });
  faulty = buildServer({ testControl: true, fault: 'cpn-claim-race' });
  [origin, faultyOrigin] = await Promise.all([
    server.listen({ port: 0, host: '127.0.0.1' }),
    faulty.listen({ port: 0, host: '127.0.0.1' }),
  ]);
  passing = await runConformance({ target: targetOf(origin), suites: SUITES, preflight: true });
  // The race touches only what is claimed at once: the concurrency scenarios (the self-test runs every check under it).
  const storms = planChecks({ suites: ['jd-coupon'] }).filter((c) => c.tags.includes('concurrency'));
  [failing, refused] = await Promise.all([
    runConformance({ target: targetOf(faultyOrigin), checks: storms }),
    runConformance({ target: targetOf(origin, WRONG_KEY), suites: ['yoho-user-coupon'] }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([server.close(), faulty.close()]);
});

describe('the reference as a third-party coupon platform, from a target config', () => {
  it('the yoho credentials may leave the salt out (the public one is read)', () => {
    expect(targetOf(origin).endpoints['yoho-user-coupon']).toEqual({
      url: `${origin}/gateway`,
      credentials: { clientType: 'iphone', privateKey: IPHONE_KEY },
    });
  });

  it('passes every check of both suites and covers every CPN and UCP must rule, uploading into the configured data source', () => {
    const bad = passing.results.filter((r) => r.status !== 'passed').map((r) => `${r.id} ${r.status}: ${r.message}`);
    expect(bad).toEqual([]);
    expect(passing.verdict).toBe('pass');
    expect(passing.preflight?.ok).toBe(true);
    const must = loadRules().filter((r) => /^(CPN|UCP)-/.test(r.id) && r.level === 'must');
    expect(must.length).toBe(12);
    for (const r of must) expect(passing.coverage.rules.find((x) => x.id === r.id)?.checks ?? 0, r.id).toBeGreaterThan(0);
    expect(passing.coverage.uncovered).toEqual([]);
    expect(new Set(server.couponBatch.store.list().map((c) => c.dataSourceId))).toEqual(new Set(['88']));
    const pairs = new Set(passing.results.map((x) => `${x.api} ${x.protocol}`));
    expect([...pairs].sort()).toEqual(['jd-coupon jos', 'yoho-user-coupon yoho-gateway']);
  });

  it('under the read-then-write race the claim storms fail, at their asserting step, with the counts', () => {
    const failed = failing.results.filter((r) => r.status === 'failed' || r.status === 'errored');
    expect(failed.map((r) => r.id).sort()).toEqual(['cpn-claim-storm', 'cpn-claim-storm-codes', 'cpn-claim-storm-per-user']);
    for (const r of failed) {
      expect(r.failure?.asserting, r.id).toBe(true);
      expect(r.failure?.step, r.id).toBe('storm');
      expect(r.message, r.id).toMatch(/\d+ answers: \d+ successes/);
    }
    // The other storms (retries, racing redeems) hold under a claim race.
    expect(
      failing.results
        .filter((r) => r.status === 'passed')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['cpn-claim-storm-retried', 'cpn-redeem-race']);
  });

  it('with another Yoho private key every signed query is refused, and the key is in no report of any format', () => {
    const target = targetOf(origin, WRONG_KEY);
    expect(targetSecrets(target)).toContain(WRONG_KEY);
    expect(refused.verdict).toBe('fail');
    const signed = refused.results.filter((r) => r.level === 'must' && r.status === 'failed');
    expect(signed.length).toBeGreaterThan(20);
    expect(signed.filter((r) => r.message.includes('数据验证错误')).length).toBeGreaterThan(20);
    const safe = redactSecrets(refused, targetSecrets(target));
    const encodings = [WRONG_KEY, encodeURIComponent(WRONG_KEY)];
    expect(JSON.stringify(refused)).not.toContain('Wr0ng');
    for (const format of REPORT_FORMATS) {
      const text = REPORTERS[format].render(safe, { color: false, verbose: true });
      for (const e of encodings) expect(text, format).not.toContain(e);
      expect(text, format).not.toContain('Wr0ng');
    }
  });
});
