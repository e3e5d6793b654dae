/**
 * "A part of an answer that is ours can only fail a ref check", end to end: every suite against the
 * reference with its successes rewritten into other shapes the documents allow (the answer-shape
 * readings, src/reference/answer-shapes.ts: an extra field in every object, numbers as strings over JOS,
 * the parts of ours in shapes of their own, the Tencent upload's data as the seed's `{}`) fails no
 * `must` check; the same rewrites fail `ref` checks that read those parts, so the rewrites are real.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS } from '../../src/apis/index.js';
import { REFERENCE_SKU_POOL } from '../../src/apis/jd-promotion/catalogue.js';
import type { ReadingId } from '../../src/apis/readings.js';
import { TEST_CONTROL_PATH } from '../../src/core/test-control.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { referenceSkus } from '../../src/engine/targets/config.js';
import { protocolAdapter } from '../../src/protocols/index.js';
import type { Endpoint } from '../../src/protocols/types.js';
import { buildServer } from '../../src/reference/server.js';
import type { CheckResult } from '../../src/report/types.js';
import { falseAlarms } from '../helpers/independent.js';

const servers: FastifyInstance[] = [];

/** The reference under `readings`, every API at its protocol's path, described as a third-party target (not embedded). */
async function reshaped(readings: readonly ReadingId[]): Promise<Target> {
  const server = buildServer({ readings, testControl: true });
  servers.push(server);
  const origin = await server.listen({ port: 0, host: '127.0.0.1' });
  const endpoints: Record<string, Endpoint> = {};
  for (const api of APIS.values()) {
    const options = Object.fromEntries(Object.entries(api.options ?? {}).map(([k, o]) => [k, o.embedded]));
    const adapter = protocolAdapter(api.protocol);
    endpoints[api.id] = {
      url: `${origin}${adapter.endpointPath}`,
      credentials: { ...adapter.testCredentials },
      ...(Object.keys(options).length > 0 ? { options } : {}),
    };
  }
  return {
    endpoints,
    embedded: false,
    capabilities: ['test-control'],
    testControlUrl: `${origin}${TEST_CONTROL_PATH}`,
    skus: referenceSkus(),
    skuPool: REFERENCE_SKU_POOL,
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
  };
}

const SUITES = ['jd-promotion', 'tencent-coupon-batch', 'jd-coupon', 'yoho-user-coupon'];
const failedRef = (results: readonly CheckResult[]) =>
  results.filter((r) => r.level === 'ref' && (r.status === 'failed' || r.status === 'errored'));

let shaped: CheckResult[];
let empty: CheckResult[];

beforeAll(async () => {
  const checks = planChecks({ suites: SUITES });
  // Each API's own shapes at once: JOS (promotions and the coupon life cycle), the Tencent upload, Yoho.
  // One run after the other: the servers share this process with the runner, and the claim storms want it.
  const withShapes = await runConformance({
    target: await reshaped(['jos-answers-reshaped', 'add-coupon-answer-reshaped', 'yoho-answers-reshaped']),
    checks,
  });
  shaped = [...withShapes.results];
  const withEmpty = await runConformance({
    target: await reshaped(['add-coupon-data-empty']),
    checks: checks.filter((c) => c.suite !== 'jd-promotion'),
  });
  empty = [...withEmpty.results];
}, 240_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('answers in other allowed shapes', () => {
  it('every suite fails no must check when each protocol answers in shapes of its own', () => {
    expect(new Set(shaped.map((r) => r.suite))).toEqual(new Set(SUITES));
    expect(falseAlarms(shaped)).toEqual([]);
    expect(shaped.filter((r) => r.level === 'must' && r.status === 'passed').length).toBeGreaterThan(700);
  });

  it('the same rewrites fail the ref checks that read a part of ours (the rewrite is real)', () => {
    const ids = failedRef(shaped).map((r) => r.id);
    // The Tencent upload's own answer list (TCC-REF-09), read by our ref checks and validated whole by every ref check that uploads.
    expect(ids).toContain('tcc-update-answered-as-update');
    expect(failedRef(shaped).find((r) => r.id === 'tcc-update-answered-as-update')?.message).toMatch(/coupons/);
    // The coupon statistics' rates as our fractions (CPN-REF-09), over JOS with numbers as strings.
    expect(ids).toContain('cpn-statistics-rates');
    expect(failedRef(shaped).find((r) => r.id === 'cpn-statistics-rates')?.message).toMatch(/statistics/);
  });

  it('a must check that uploads through the Tencent face passes on the seed’s own data {}, ref checks of the list notice', () => {
    expect(falseAlarms(empty)).toEqual([]);
    expect(
      failedRef(empty)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['tcc-same-id-twice-in-one-call', 'tcc-update-answered-as-update']);
  });

  it('the generated coupon cases take their batch from what their setup uploads, never from its answer', () => {
    // Each of them uploads a batch first; against data {} a capture from the answer found nothing there.
    const withUpload = empty.filter((r) => r.suite === 'jd-coupon' && /^gen-(claim|verify|issue|redeem)-/.test(r.id));
    expect(withUpload.length).toBeGreaterThan(40);
    expect(withUpload.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  });
});
