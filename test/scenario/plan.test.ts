import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/scenario/load-suite.js';
import { planSuite } from '../../src/scenario/plan.js';
import { tmpSuite } from '../helpers/tmp-suite.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const FIXTURES = `suite: jd-promotion
fixtures:
  two-lists:
    steps:
      - call: jingdong.seller.promotion.list
        params: { page: 1 }
        expect: success
      - call: jingdong.seller.promotion.list
        params: { page: 2 }
`;

/** The planned call / control steps of scenario `id` as `label: asserts`. */
function assertsOf(scenarios: string, id: string): string[] {
  const s = tmpSuite({ '_fixtures.yaml': FIXTURES, 'a.yaml': `suite: jd-promotion\nscenarios:\n${scenarios}` });
  cleanup = s.cleanup;
  const check = planSuite(loadSuite('jd-promotion', s.root, s.root)).find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check.steps.flatMap((st) => (st.kind === 'call' || st.kind === 'control' ? [`${st.label}: ${st.asserts}`] : []));
}

const scenario = (id: string, steps: string) => `  - id: ${id}
    title: ${id}
    covers: [JDP-LIST-01]
    level: must
    steps:
${steps}`;

describe('planning: which steps assert', () => {
  it('a step of the scenario with an expect asserts, and so does the last one; steps before it without expect do not', () => {
    const steps = `      - { name: a, call: jingdong.seller.promotion.list }
      - { name: b, call: jingdong.seller.promotion.list, expect: { error: any } }
      - { name: c, call: jingdong.seller.promotion.list }
      - { name: d, call: jingdong.seller.promotion.list }
`;
    expect(assertsOf(scenario('x', steps), 'x')).toEqual(['a: false', 'b: true', 'c: false', 'd: true']);
  });

  it('steps inlined from a fixture never assert, even with an expect or at the end of the check', () => {
    const steps = `      - { name: first, call: jingdong.seller.promotion.list, expect: success }
      - use: two-lists
`;
    expect(assertsOf(scenario('x', steps), 'x')).toEqual([
      'first: true',
      'two-lists > step 1 (promotion.list): false',
      'two-lists > step 2 (promotion.list): false',
    ]);
  });

  it('a check whose only steps are a fixture asserts nothing (the suite test refuses such a check)', () => {
    expect(assertsOf(scenario('x', '      - use: two-lists\n'), 'x').filter((s) => s.endsWith('true'))).toEqual([]);
  });

  it('asserts: false makes a guard of a step with an expect, the last one included', () => {
    const steps = `      - { name: guard, call: jingdong.seller.promotion.list, expect: success, asserts: false }
      - { name: main, call: jingdong.seller.promotion.list, expect: success }
      - { name: tail, call: jingdong.seller.promotion.list, asserts: false }
`;
    expect(assertsOf(scenario('x', steps), 'x')).toEqual(['guard: false', 'main: true', 'tail: false']);
  });

  it('every table row plans the same asserting steps', () => {
    const doc = `  - id: t
    title: t
    covers: [JDP-LIST-01]
    level: must
    table:
      - { name: one, page: 1 }
      - { name: two, page: 2 }
    steps:
      - use: two-lists
      - { name: main, call: jingdong.seller.promotion.list, params: { page: "\${page}" } }
`;
    expect(assertsOf(doc, 't[two]')).toEqual([
      'two-lists > step 1 (promotion.list): false',
      'two-lists > step 2 (promotion.list): false',
      'main: true',
    ]);
  });
});
