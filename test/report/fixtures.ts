import type { CheckResult, RunReport } from '../../src/report/types.js';

/**
 * A response body a hostile or broken server might send: markup, a CDATA terminator, a bare ampersand,
 * NUL, an ANSI escape sequence, a right-to-left override and Chinese text.
 */
export const HOSTILE_BODY =
  '{"error_response":{"code":"19","zh_desc":"优惠券不存在","en_desc":"<script>alert(\'pwned\')</script> ]]> & &amp; \u0000 \u001b[31mred\u001b[0m \u202egnp.exe"}}\n' +
  Array.from({ length: 60 }, (_, i) => `line ${i + 2} | of the body`).join('\n');

export const SKIP_REASON = 'target has no sandbox shop: write operations disabled';

const base = {
  suite: 'jd-promotion',
  level: 'must',
  tags: [],
  message: '',
  durationMs: 12.5,
} as const;

/** One result of each kind the reporters distinguish, in run order. */
export function makeResults(): CheckResult[] {
  return [
    {
      ...base,
      id: 'PROMO-ADD-001',
      title: 'adds a full-reduction promotion',
      rules: ['JD-PROMO-01'],
      status: 'passed',
      source: { file: 'scenarios/jd-promotion/add.yaml', line: 3 },
    },
    {
      ...base,
      id: 'PROMO-ADD-002[3]',
      title: 'rejects discount | percentage above 100',
      rules: ['JD-PROMO-02', 'JOS-01'],
      tags: ['validation'],
      status: 'failed',
      message: 'expected error code 19, got success',
      durationMs: 48.25,
      source: { file: 'scenarios/jd-promotion/add.yaml', line: 41 },
      failure: {
        step: 'add',
        expected: 'error_response.code = "19"',
        actual: 'jingdong_seller_promotion_add_responce.code = "0"',
        request: {
          httpMethod: 'POST',
          url: 'http://127.0.0.1:8710/routerjson',
          operation: 'jingdong.seller.promotion.add',
          params: {
            method: 'jingdong.seller.promotion.add',
            app_key: 'APPKEY-1234',
            access_token: '***',
            sign: '***',
            timestamp: '2025-06-01 16:30:00',
            v: '2.0',
            '360buy_param_json': '{"name":"50% | off","discount":"150"}',
          },
        },
        response: { status: 200, contentType: 'application/json;charset=UTF-8', body: HOSTILE_BODY, truncated: true },
        curl: "curl -sS -X POST 'http://127.0.0.1:8710/routerjson' --data-urlencode 'method=jingdong.seller.promotion.add' --data-urlencode 'sign=***'",
      },
    },
    {
      ...base,
      id: 'JOS-SIGN-003',
      title: 'refuses a request with a wrong signature',
      suite: 'jos-transport',
      rules: ['JOS-07'],
      status: 'errored',
      message: 'ECONNRESET: socket hang up',
      durationMs: 1003,
    },
    ...['COUPON-UP-001', 'COUPON-UP-002', 'COUPON-UP-003'].map(
      (id): CheckResult => ({
        ...base,
        id,
        title: `uploads coupon ${id}`,
        rules: ['JD-COUPON-01'],
        status: 'skipped',
        message: SKIP_REASON,
        durationMs: 0,
      }),
    ),
    {
      ...base,
      id: 'JOS-TIME-002',
      title: 'accepts a timestamp 5 min 59 s off',
      suite: 'jos-transport',
      rules: ['JOS-03'],
      status: 'inconclusive',
      message: 'clock of the target differs by more than the tolerance under test',
      durationMs: 230,
    },
    {
      ...base,
      id: 'PROMO-LIST-004',
      title: 'lists promotions by page',
      rules: ['JD-PROMO-07'],
      status: 'failed',
      message: 'page 2 repeats the last item of page 1',
      durationMs: 77,
      failure: { step: '2', expected: 'no overlap between pages', actual: 'promo_id 1001 on pages 1 and 2' },
      waived: { rule: 'JD-PROMO-07', reason: 'known platform bug, ticket JOS-4411', expires: '2099-12-31' },
    },
  ];
}

/** A failing report with one result of each kind, two suites and three uncovered rules. */
export function makeReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    tool: { name: 'promoproof', version: '0.1.0' },
    target: { url: 'http://127.0.0.1:8710', embedded: true, fault: 'page-overlap' },
    suites: ['jd-promotion', 'jos-transport'],
    startedAt: '2025-06-01T08:30:00.000Z',
    durationMs: 1534.2,
    summary: { total: 8, passed: 1, failed: 2, errored: 1, skipped: 3, inconclusive: 1, waived: 1 },
    verdict: 'fail',
    strictRef: false,
    expiredWaivers: [],
    results: makeResults(),
    coverage: {
      total: 10,
      covered: 7,
      uncovered: ['JD-PROMO-08', 'JD-PROMO-09', 'JOS-REF-01'],
      rules: [
        { id: 'JD-PROMO-01', level: 'must', checks: 1 },
        { id: 'JD-PROMO-02', level: 'must', checks: 1 },
        { id: 'JD-PROMO-07', level: 'must', checks: 1 },
        { id: 'JD-PROMO-08', level: 'must', checks: 0 },
        { id: 'JD-PROMO-09', level: 'must', checks: 0 },
        { id: 'JD-COUPON-01', level: 'must', checks: 3 },
        { id: 'JOS-01', level: 'must', checks: 1 },
        { id: 'JOS-03', level: 'must', checks: 1 },
        { id: 'JOS-07', level: 'must', checks: 1 },
        { id: 'JOS-REF-01', level: 'ref', checks: 0 },
      ],
    },
    ...overrides,
  };
}

/** A passing report: the passed, skipped and waived results only. */
export function makePassingReport(): RunReport {
  const results = makeResults().filter((r) => r.status === 'passed' || r.status === 'skipped' || r.waived !== undefined);
  return makeReport({
    verdict: 'pass',
    results,
    summary: { total: 5, passed: 1, failed: 1, errored: 0, skipped: 3, inconclusive: 0, waived: 1 },
  });
}

/** Freezes `value` and everything reachable from it, so a renderer that mutates its input throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** An unbroken 1,200-character URL: what a GET with a long query looks like in a report. */
export const LONG_URL = `http://127.0.0.1:8710/routerjson?method=jingdong.seller.promotion.add&360buy_param_json=${'%7B%22name%22%3A%22AAAA%22%7D'.repeat(40)}`;

/**
 * The results of `makeResults` plus `ref` checks (passed, failed with a very long URL, curl line and
 * one-line JSON body, skipped) and a passed `must` check with a very long unbroken id: mixed statuses
 * and levels, for the HTML report's filters and its layout on a narrow screen.
 */
export function makeMixedResults(): CheckResult[] {
  const longBody = JSON.stringify({ jingdong_seller_promotion_add_responce: { code: '0', promo_id: 2300001, echo: 'B'.repeat(1500) } });
  return [
    ...makeResults(),
    {
      ...base,
      id: 'REF-SEQ-001',
      title: 'ignores seq outside a bundle',
      rules: ['JDP-REF-09'],
      level: 'ref',
      status: 'passed',
    },
    {
      ...base,
      id: 'REF-SEQ-002',
      title: 'rejects an empty seq outside a bundle',
      rules: ['JDP-REF-09', 'JDP-REF-10'],
      level: 'ref',
      status: 'failed',
      message: 'accepted an empty seq: promoproof expects error code 19 here',
      durationMs: 31,
      failure: {
        step: 'add',
        expected: 'error_response.code = "19"',
        actual: 'jingdong_seller_promotion_add_responce.code = "0"',
        request: {
          httpMethod: 'GET',
          url: LONG_URL,
          operation: 'jingdong.seller.promotion.add',
          params: { method: 'jingdong.seller.promotion.add', sign: '***' },
        },
        response: { status: 200, contentType: 'application/json;charset=UTF-8', body: longBody },
        curl: `curl -sS '${LONG_URL}' --data-urlencode 'sign=***' --data-urlencode '360buy_param_json=${'{"k":"v"}'.repeat(60)}'`,
      },
    },
    {
      ...base,
      id: 'REF-PAGE-003',
      title: 'pages past the end give an empty page',
      rules: ['JDP-REF-11'],
      level: 'ref',
      status: 'skipped',
      message: SKIP_REASON,
      durationMs: 0,
    },
    {
      ...base,
      id: `PROMO-GEN-${'LENGTH-'.repeat(30)}001`,
      title: 'accepts a name of exactly the documented length',
      rules: ['JD-PROMO-03'],
      status: 'passed',
    },
  ];
}

/** A failing report of `makeMixedResults` (failed `must` checks), `strictRef` as given. */
export function makeMixedReport(strictRef = false): RunReport {
  const results = makeMixedResults();
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  return makeReport({
    results,
    strictRef,
    summary: {
      total: results.length,
      passed: count('passed'),
      failed: count('failed'),
      errored: count('errored'),
      skipped: count('skipped'),
      inconclusive: count('inconclusive'),
      waived: results.filter((r) => r.waived !== undefined).length,
    },
  });
}
