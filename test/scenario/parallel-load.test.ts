import { afterEach, describe, expect, it } from 'vitest';
import type { LoadProblem } from '../../src/core/errors.js';
import { loadSuite } from '../../src/scenario/load-suite.js';
import { planSuite } from '../../src/scenario/plan.js';
import type { PlannedCheck, PlannedStep } from '../../src/scenario/types.js';
import { suiteProblems, tmpSuite } from '../helpers/tmp-suite.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const problemsOf = (files: Record<string, string>) =>
  suiteProblems(files, (c) => {
    cleanup = c;
  });

function planOf(text: string): PlannedCheck[] {
  const s = tmpSuite({ 'a.yaml': text });
  cleanup = s.cleanup;
  return planSuite(loadSuite('jd-promotion', s.root, s.root));
}

const L = 'jingdong.seller.promotion.list';
const G = 'jingdong.seller.promotion.get';

/** A file of one scenario with the given steps (indented as items of `steps:`, 6 spaces). */
const file = (steps: string, extra = '') => `suite: jd-promotion
scenarios:
  - id: storm
    title: t
    covers: [JDP-LIST-01]
    level: must
    vars: { users: [u1, u2, u3, u4] }${extra}
    steps:
${steps}`;

/** Line 9 is the first step's line. */
const STORM = `      - name: storm
        parallel:
          times: 240
          connections: 60
          call: ${L}
          params: { page: 1, uid: { $cycle: "\${users}" }, request_id: "storm-\${index}" }
        expect:
          successes: 40
          refusals: [coupon.stock.empty, coupon.user.limit]
          unique: [coupon.coupon_code]
          perGroup: { by: uid, successes: { lte: 10 } }
          each: { fields: { coupon.batch_id: "\${users}" } }
        capture: { won: successes, codes: "successes[*].coupon.coupon_code", most: inFlight }
      - name: after
        call: ${L}
        params: { page: "\${won}" }
`;

const at = (p: LoadProblem) => [p.code, p.pos.line, p.pos.column];

/** Line and column (1-based) of the first occurrence of `needle` in `text` at or after line `from`. */
function where(text: string, needle: string, from = 1): [number, number] {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const c = lines[i]?.indexOf(needle) ?? -1;
    if (c >= 0) return [i + 1, c + 1];
  }
  throw new Error(`no ${needle} in the text`);
}

describe('loading parallel steps', () => {
  it('loads the copies form and the list form', () => {
    const race = `      - name: race
        parallel:
          steps:
            - { call: ${L}, params: { page: 1 } }
            - { call: ${G}, params: { promo_id: 1 } }
        expect: { successes: 1, refusals: coupon.used }
`;
    expect(problemsOf({ 'a.yaml': file(STORM) })).toEqual([]);
    expect(problemsOf({ 'a.yaml': file(race) })).toEqual([]);
    expect(
      problemsOf({ 'a.yaml': file(race.replace('successes: 1', 'successes: { gte: 1, lte: "${n}" }'), '\n    table: [{ n: 1 }]') }),
    ).toEqual([]);
  });

  it('bounds times and connections at load, both reported at their values', () => {
    const text = file(STORM.replace('times: 240', 'times: 2001').replace('connections: 60', 'connections: 257'));
    const problems = problemsOf({ 'a.yaml': text });
    expect(problems.map(at)).toEqual([
      ['PP_SCHEMA', ...where(text, '2001')],
      ['PP_SCHEMA', ...where(text, '257')],
    ]);
    expect(problems[0]?.message).toBe('scenarios.0.steps.0.parallel.times: must be <= 2000');
    expect(problems[1]?.message).toBe('scenarios.0.steps.0.parallel.connections: must be <= 256');
    expect(
      problemsOf({ 'a.yaml': file(STORM.replace('times: 240', 'times: 2000').replace('connections: 60', 'connections: 256')) }),
    ).toEqual([]);
    const [zero] = problemsOf({ 'a.yaml': file(STORM.replace('times: 240', 'times: 0')) });
    expect(zero?.message).toBe('scenarios.0.steps.0.parallel.times: must be >= 1');
    const [text240] = problemsOf({ 'a.yaml': file(STORM.replace('times: 240', 'times: "240"')) });
    expect(text240?.message).toBe('scenarios.0.steps.0.parallel.times: must be integer');
  });

  it('reports unknown keys at the key with a hint, every problem of the file at once', () => {
    const steps = `${STORM.replace('          times: 240', '          tims: 240').replace('          refusals:', '          refusal:')}      - name: second
        parallel: { times: 2, call: ${L}, conections: 2 }
        expct: { successes: 2 }
`;
    const text = file(steps);
    const problems = problemsOf({ 'a.yaml': text });
    expect(problems.map((p) => p.message)).toEqual([
      "scenarios.0.steps.0.parallel: missing 'times'",
      "scenarios.0.steps.0.parallel: unknown key 'tims'; did you mean 'times'?",
      "scenarios.0.steps.0.expect: unknown key 'refusal'; did you mean 'refusals'?",
      "scenarios.0.steps.2.parallel: unknown key 'conections'; did you mean 'connections'?",
      "scenarios.0.steps.2: unknown key 'expct'; did you mean 'expect'?",
    ]);
    // A missing key is reported at the mapping (its first key), an unknown one at itself.
    expect(problems.map(at)).toEqual([
      ['PP_SCHEMA', ...where(text, 'tims')],
      ['PP_SCHEMA', ...where(text, 'tims')],
      ['PP_SCHEMA', ...where(text, 'refusal:')],
      ['PP_SCHEMA', ...where(text, 'conections')],
      ['PP_SCHEMA', ...where(text, 'expct')],
    ]);
  });

  it('reports wrong types of the assertions and captures at the value', () => {
    const bad = STORM.replace('successes: 40', 'successes: forty')
      .replace('{ lte: 10 }', '{ lte: 10, most: 3 }')
      .replace('won: successes', 'won: winners');
    const problems = problemsOf({ 'a.yaml': file(bad) });
    expect(problems.map((p) => [p.pos.line, p.message])).toEqual([
      [16, 'scenarios.0.steps.0.expect.successes: must be integer'],
      [19, "scenarios.0.steps.0.expect.perGroup.successes: unknown key 'most'"],
      [
        21,
        'scenarios.0.steps.0.capture.won: must be successes, refusals, answers, inFlight (counts) or successes[*].PATH / refusals[*].PATH (an array of a field)',
      ],
    ]);
  });

  it('refuses a mix of the copies form and the list form, and a parallel step with neither', () => {
    const mixed = `      - parallel: { times: 2, call: ${L}, steps: [{ call: ${L} }] }
`;
    const problems = problemsOf({ 'a.yaml': file(mixed) });
    expect(problems.map(at)).toEqual([
      ['PP_SCHEMA', ...where(file(mixed), '2, call')],
      ['PP_SCHEMA', ...where(file(mixed), L)],
    ]);
    expect(problems[0]?.message).toContain('parallel.times: not with steps');
    const [neither] = problemsOf({ 'a.yaml': file('      - parallel: { connections: 2 }\n') });
    expect(neither?.message).toMatch(/parallel: missing '(times|call)'/);
  });

  it('checks the operations and transport of every call, and that perGroup.by is a parameter', () => {
    const steps = `      - parallel: { times: 3, call: jingdong.seller.promotion.lst, params: { page: 1 }, transport: { clockOffsetS: 5 } }
        expect: { perGroup: { by: uid, successes: 1 } }
      - parallel: { steps: [{ call: ${L}, params: { uid: 1 } }, { call: jingdong.seller.promotion.gte, transport: { rawBody: x } }] }
        expect: { perGroup: { by: uid.id, successes: 1 } }
`;
    const text = file(steps);
    const problems = problemsOf({ 'a.yaml': text });
    expect(problems.map((p) => [...at(p), p.message])).toEqual([
      ['PP_TRANSPORT', ...where(text, '5 }'), 'a parallel step does not judge clock skew: use a call step for clockOffsetS'],
      [
        'PP_UNKNOWN_OPERATION',
        ...where(text, 'jingdong.seller.promotion.lst'),
        "unknown operation 'jingdong.seller.promotion.lst'; did you mean 'jingdong.seller.promotion.list'?",
      ],
      ['PP_SCHEMA', ...where(text, 'uid,'), "perGroup.by 'uid' is not a parameter of the parallel call (its params: page)"],
      ['PP_TRANSPORT', ...where(text, 'x }'), expect.stringContaining("transport field 'rawBody' means nothing to protocol jos")],
      [
        'PP_UNKNOWN_OPERATION',
        ...where(text, 'jingdong.seller.promotion.gte'),
        "unknown operation 'jingdong.seller.promotion.gte'; did you mean 'jingdong.seller.promotion.get'?",
      ],
      ['PP_SCHEMA', ...where(text, 'uid.id'), "perGroup.by 'uid.id' is not a parameter of call 2 of the parallel steps (its params: none)"],
    ]);
  });

  it('checks $cycle and the templates of a parallel step', () => {
    const steps = `      - parallel: { times: 2, call: ${L}, params: { a: { $cycle: [] }, b: { $cycle: users }, c: "\${index+1}", d: { $cycle: [1, 2] } } }
`;
    const problems = problemsOf({ 'a.yaml': file(steps) });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['PP_TEMPLATE', '$cycle takes a non-empty list, or a ${…} template of one'],
      ['PP_TEMPLATE', '$cycle takes a non-empty list, or a ${…} template of one'],
      ['PP_TEMPLATE', "${index+1}: bad duration near '+1' (use e.g. +1d, -5m59s)"],
    ]);
  });
});

describe('loading generic control steps', () => {
  const control = (c: string) => file(`      - control: ${c}\n      - call: ${L}\n`, '\n    requires: [test-control]');

  it('loads {post, body} with a capture, beside the three JD-promotion actions', () => {
    expect(
      problemsOf({ 'a.yaml': control('{ post: "coupon-platform/clock", body: { advanceS: 86400 } }\n        capture: { now: now }') }),
    ).toEqual([]);
    expect(problemsOf({ 'a.yaml': control('{ post: "coupon-platform/batches/${users}" }') })).toEqual([]);
    expect(problemsOf({ 'a.yaml': control('{ action: promotion-clock, promo: 1, advanceS: 60 }') })).toEqual([]);
  });

  it('reports a bad route, an unknown key, a missing action field, each at its place', () => {
    const slashed = control('{ post: /coupon-platform/clock }');
    const [slash] = problemsOf({ 'a.yaml': slashed });
    expect(slash).toMatchObject({ code: 'PP_SCHEMA', pos: { line: where(slashed, '/coupon')[0], column: where(slashed, '/coupon')[1] } });
    expect(slash?.message).toContain('without a leading slash');
    const typoed = control('{ post: x, bdy: {} }');
    const [typo] = problemsOf({ 'a.yaml': typoed });
    expect(typo).toMatchObject({ code: 'PP_SCHEMA', pos: { line: where(typoed, 'bdy')[0], column: where(typoed, 'bdy')[1] } });
    expect(typo?.message).toContain("unknown key 'bdy'; did you mean 'body'?");
    const [legacy] = problemsOf({ 'a.yaml': control('{ action: promotion-clock, promo: 1 }') });
    expect(legacy?.message).toContain("missing 'advanceS'");
  });

  it('needs the test-control capability like the actions', () => {
    const [p] = problemsOf({ 'a.yaml': file(`      - control: { post: x }\n      - call: ${L}\n`) });
    expect(p).toMatchObject({ code: 'PP_CAPABILITY', pos: { line: 9, column: 18 } });
  });
});

describe('planning parallel steps', () => {
  const kinds = (c: PlannedCheck | undefined) =>
    c?.steps.map((s: PlannedStep) => `${s.kind}:${s.label}:${'asserts' in s ? s.asserts : '-'}`);

  it('plans a parallel step as data: its step as written, asserting when it has an expect', () => {
    const checks = planOf(file(STORM));
    expect(kinds(checks[0])).toEqual(['parallel:storm:true', 'call:after:true']);
    const step = checks[0]?.steps[0];
    expect(step?.kind === 'parallel' ? step.step.parallel.times : undefined).toBe(240);
    // Plain data: it survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(checks))).toEqual(checks);
  });

  it('asserts: false makes a guard of it; the last step asserts without an expect; fixtures never assert', () => {
    const text = `${file(`      - { name: guard, parallel: { times: 2, call: ${L} }, expect: { successes: 2 }, asserts: false }
      - { name: plain, parallel: { times: 2, call: ${L} } }
      - use: storm-fixture
      - { name: last, parallel: { steps: [{ call: ${L} }, { call: ${G} }] } }
`)}fixtures:
  storm-fixture:
    steps:
      - { parallel: { times: 3, call: ${L} }, expect: { successes: 3 } }
`;
    const checks = planOf(text);
    expect(kinds(checks[0])).toEqual([
      'parallel:guard:false',
      'parallel:plain:false',
      'enter:step 3 (use storm-fixture):-',
      'parallel:storm-fixture > step 1 (parallel 3 × promotion.list):false',
      'leave:step 3 (end storm-fixture):-',
      'parallel:last:true',
    ]);
    const lastGuard = planOf(file(`      - { name: g, parallel: { times: 2, call: ${L} }, expect: { successes: 2 }, asserts: false }\n`));
    expect(kinds(lastGuard[0])).toEqual(['parallel:g:false']);
  });

  it('names unnamed parallel and control steps by what they do', () => {
    const checks = planOf(
      file(
        `      - parallel: { steps: [{ call: ${L} }, { call: ${G} }] }\n      - control: { post: coupon-platform/clock }\n      - call: ${L}\n`,
        '\n    requires: [test-control]',
      ),
    );
    expect(checks[0]?.steps.map((s) => s.label)).toEqual([
      'step 1 (parallel: promotion.list, promotion.get)',
      'step 2 (control POST coupon-platform/clock)',
      'step 3 (promotion.list)',
    ]);
  });
});
