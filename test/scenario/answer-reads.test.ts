import { afterEach, describe, expect, it } from 'vitest';
import type { LoadProblem } from '../../src/core/errors.js';
import { suiteProblems } from '../helpers/tmp-suite.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const problemsOf = (suite: string, files: Record<string, string>) =>
  suiteProblems(
    files,
    (c) => {
      cleanup = c;
    },
    suite,
  );

/** Line and column (1-based) of the first occurrence of `needle` in `text` at or after line `from`. */
function where(text: string, needle: string, from = 1): [number, number] {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const c = lines[i]?.indexOf(needle) ?? -1;
    if (c >= 0) return [i + 1, c + 1];
  }
  throw new Error(`no ${needle} in the text`);
}

const at = (p: LoadProblem) => [p.code, p.pos.file, p.pos.line, p.pos.column];

/** A Tencent upload of one coupon, as a step of another suite (indented as an item of `steps:`, 6 spaces). */
const upload = (extra: string) => `      - call: order/add_coupon
        api: tencent-coupon-batch
        params:
          dataSourceId: "\${target.dataSourceId}"
          coupons: [{ external_coupon_id: "\${batch}", coupon_name: 券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 5 }]
${extra}`;

const STATISTICS = `      - call: promoproof.coupon.statistics
        params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}" }
`;

/** A jd-coupon file of one scenario of `level` with the given steps. */
const scenario = (level: 'must' | 'ref', steps: string, id = 's1') => `  - id: ${id}
    title: t
    covers: [${level === 'must' ? 'CPN-04' : 'CPN-REF-09'}]
    level: ${level}
    vars: { batch: "pp-\${fresh.name}" }
    steps:
${steps}`;

const file = (...scenarios: string[]) => `suite: jd-coupon
scenarios:
${scenarios.join('')}`;

describe('a must check may not depend on a part of an answer that is ours', () => {
  it('refuses, at its file:line:column, a must scenario capturing the upload answer’s coupons list (TCC-REF-09)', () => {
    const text = file(scenario('must', upload('        capture: { got: "coupons[0].external_coupon_id" }\n')));
    const problems = problemsOf('jd-coupon', { 'a.yaml': text });
    expect(problems.map(at)).toEqual([['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '"coupons[0]')]]);
    expect(problems[0]?.message).toContain(
      "must scenario 's1': captures got from coupons[0].external_coupon_id of the order/add_coupon answer",
    );
    expect(problems[0]?.message).toContain('TCC-REF-09');
    expect(problems[0]?.pointer).toBe('/scenarios/0/steps/0/capture/got');
  });

  it('refuses expect.fields and assume reading a part of ours, through a $ref into the definitions', () => {
    const text = file(
      scenario(
        'must',
        `${upload('')}${STATISTICS}        expect: { fields: { statistics.claimed: 0, statistics.use_rate.numerator: 0 } }
${STATISTICS}        assume: { statistics.expired: 0 }
`,
      ),
    );
    const problems = problemsOf('jd-coupon', { 'a.yaml': text });
    expect(problems.map(at)).toEqual([
      ['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '0 } }')],
      ['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '0 }', where(text, 'assume')[0])],
    ]);
    expect(problems[0]?.message).toMatch(
      /expect.fields reads statistics.use_rate.numerator of the promoproof.coupon.statistics answer, a part of ours \(CPN-REF-09\)/,
    );
    expect(problems[1]?.message).toContain('assume reads statistics.expired');
  });

  it('lets a must check read the documented part, a refusal’s fields, and a ref check read anything', () => {
    const must = scenario(
      'must',
      `${upload('        expect: success\n')}${STATISTICS}        expect: { fields: { statistics.claimed: 0, statistics.used: 0 } }
      - call: order/add_coupon
        api: tencent-coupon-batch
        params: { dataSourceId: "\${target.dataSourceId}", coupons: [] }
        expect: { error: any, fields: { coupons: { exists: false } } }
`,
    );
    const ref = scenario(
      'ref',
      `${upload('        capture: { got: "coupons[0].external_coupon_id" }\n')}${STATISTICS}        expect: { fields: { statistics.use_rate.numerator: 0 } }\n`,
      's2',
    );
    expect(problemsOf('jd-coupon', { 'a.yaml': file(must, ref) })).toEqual([]);
  });

  it('refuses the reads of a parallel step: unique, each.fields and a successes[*] capture, but not a refusals[*] capture', () => {
    const text = file(
      scenario(
        'must',
        `      - parallel:
          api: tencent-coupon-batch
          times: 3
          call: order/add_coupon
          params:
            dataSourceId: "\${target.dataSourceId}"
            coupons: [{ external_coupon_id: "\${batch}-\${index}", coupon_name: 券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 5 }]
        expect:
          successes: 3
          unique: ["coupons[0].external_coupon_id"]
          each: { fields: { "coupons[0].action": added } }
        capture: { ids: "successes[*].coupons[0].external_coupon_id", codes: "refusals[*].errmsg", n: successes }
`,
      ),
    );
    const problems = problemsOf('jd-coupon', { 'a.yaml': text });
    expect(problems.map(at)).toEqual([
      ['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '"successes[*]')],
      ['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '"coupons[0].external_coupon_id"]')],
      ['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, 'added }')],
    ]);
    expect(problems.map((p) => p.message.split(':')[1]?.trim().split(' of ')[0])).toEqual([
      'captures ids from coupons[0].external_coupon_id',
      'expect.unique reads coupons[0].external_coupon_id',
      'expect.each.fields reads coupons[0].action',
    ]);
  });

  it('refuses a fixture’s read where the fixture writes it, when a must scenario uses it (directly or through another fixture)', () => {
    const text = `suite: jd-coupon
fixtures:
  inner:
    steps:
${upload('        capture: { got: "coupons[0].external_coupon_id" }\n')}  outer:
    steps:
      - use: inner
  unused:
    steps:
${upload('        capture: { got: "coupons[0].action" }\n')}scenarios:
${scenario('ref', '      - use: unused\n', 'r1')}${scenario('must', '      - use: outer\n', 'm1')}`;
    const problems = problemsOf('jd-coupon', { 'a.yaml': text });
    expect(problems.map(at)).toEqual([['PP_REF_ANSWER', 'jd-coupon/a.yaml', ...where(text, '"coupons[0].external_coupon_id"')]]);
    expect(problems[0]?.message).toContain("fixture 'inner', used by must scenario 'm1': captures got from coupons[0].external_coupon_id");
  });

  it('refuses a capture in the setup of a baseline some of whose generated cases are must checks', () => {
    // The Yoho queries' cases are must (UCP-02): a setup there runs in must checks.
    const text = `suite: yoho-user-coupon
baselines:
  - operation: app.coupons.total
    vars: { batch: "pp-\${fresh.name}" }
    setup:
${upload('        capture: { got: "coupons[0].external_coupon_id" }\n')}    params: { uid: "\${fresh.int}", type: use }
`;
    const problems = problemsOf('yoho-user-coupon', { 'b.yaml': text });
    expect(problems.map(at)).toEqual([['PP_REF_ANSWER', 'yoho-user-coupon/b.yaml', ...where(text, '"coupons[0]')]]);
    expect(problems[0]?.message).toContain('the baseline of app.coupons.total (some of its generated cases are must checks)');
    // Taken from what the setup sends (a `vars:` value) instead, it loads.
    expect(problemsOf('yoho-user-coupon', { 'b.yaml': text.replace(/ {8}capture: .*\n/, '') })).toEqual([]);
  });

  it('reports every such read of a file at once, beside the file’s other problems', () => {
    const text = file(
      scenario('must', upload('        capture: { a: "coupons[0].external_coupon_id", b: "coupons[1].action" }\n')),
      scenario('must', `${STATISTICS}        expect: { fields: { statistics.revoked: 0 } }\n      - call: promoproof.coupon.nope\n`, 's2'),
    );
    const problems = problemsOf('jd-coupon', { 'a.yaml': text });
    expect(problems.map((p) => p.code).sort()).toEqual(['PP_REF_ANSWER', 'PP_REF_ANSWER', 'PP_REF_ANSWER', 'PP_UNKNOWN_OPERATION']);
  });
});
