import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/engine/conformance.js';
import type { Expectation, PlannedCheck } from '../../src/scenario/types.js';

function check(first: Expectation, second: Expectation): PlannedCheck {
  return {
    id: 'or-refused',
    title: 'a refusal allowed at either of two steps',
    suite: 'jd-promotion',
    api: 'jd-promotion',
    protocol: 'jos',
    rules: ['JDP-SKU-07'],
    level: 'must',
    tags: [],
    requires: [],
    vars: {},
    source: { file: 'test', line: 1 },
    steps: [
      {
        kind: 'call',
        label: 'first',
        scope: 'root',
        asserts: true,
        step: { call: 'jingdong.seller.promotion.get', params: { promo_id: 1 }, expect: first },
      },
      {
        kind: 'call',
        label: 'second',
        scope: 'root',
        asserts: true,
        step: { call: 'jingdong.seller.promotion.list', params: {}, expect: second },
      },
    ],
  };
}

describe('expect.orRefused: a refusal the document allows at this step or a later one', () => {
  it('ends the check as passed when the step refuses with an accepted code, without running later steps', async () => {
    // The second step would fail (list succeeds), so passing proves it did not run.
    const r = await runConformance({ checks: [check({ orRefused: ['promo.id.invalid'] }, { error: 'any' })] });
    expect(r.results[0]).toMatchObject({ status: 'passed', message: '' });
  });

  it('fails when the refusal has another code', async () => {
    const r = await runConformance({ checks: [check({ orRefused: ['param.error'] }, 'success')] });
    expect(r.results[0]!.status).toBe('failed');
    expect(r.results[0]!.message).toContain('promo.id.invalid');
  });

  it('goes on to the later steps when the step succeeds', async () => {
    const base = check('success', { error: 'any' });
    const listOrRefused = {
      kind: 'call',
      label: 'first',
      scope: 'root',
      asserts: true,
      step: { call: 'jingdong.seller.promotion.list', params: {}, expect: { orRefused: 'any' } },
    } as const;
    const r = await runConformance({ checks: [{ ...base, steps: [listOrRefused, base.steps[1]!] }] });
    // The list succeeds, so the second step runs and fails: it expected an error.
    expect(r.results[0]!.status).toBe('failed');
    expect(r.results[0]!.message).toContain('second');
  });
});
