import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/engine/conformance.js';
import { REPORTERS } from '../../src/report/index.js';
import { selfTest } from '../../src/engine/self-test.js';
import type { CallStep, PlannedCheck, PlannedStep } from '../../src/scenario/types.js';

const M = 'jingdong.seller.promotion.';

function call(label: string, asserts: boolean, step: Omit<CallStep, 'call'> & { call: string }): PlannedStep {
  return { kind: 'call', label, scope: 'root', asserts, step: { ...step, call: M + step.call } };
}

function check(id: string, rules: string[], steps: PlannedStep[]): PlannedCheck {
  return {
    id,
    title: id,
    suite: 'jd-promotion',
    api: 'jd-promotion',
    protocol: 'jos',
    rules,
    level: 'must',
    tags: [],
    requires: [],
    vars: {},
    source: { file: 'test', line: 1 },
    steps,
  };
}

const ADD = {
  call: 'add',
  params: { name: '${fresh.name}', type: 1, bound: 1, begin_time: '${now+1h}', end_time: '${now+7d}' },
  capture: { promo: 'promo_id' },
};

describe('a failed check records the step it stopped at and whether that step asserts', () => {
  it('a failure at a setup step: its index, asserting false', async () => {
    const r = await runConformance({
      checks: [
        check(
          'setup-fails',
          ['JDP-LIST-01'],
          [call('guard', false, { call: 'list', expect: { error: 'any' } }), call('main', true, { call: 'list' })],
        ),
      ],
    });
    expect(r.results[0]).toMatchObject({ status: 'failed', failure: { step: 'guard', stepIndex: 0, asserting: false } });
  });

  it('a failure at the asserting step: its index, asserting true', async () => {
    const r = await runConformance({
      checks: [
        check(
          'main-fails',
          ['JDP-LIST-01'],
          [call('setup', false, { call: 'list' }), call('main', true, { call: 'list', expect: { error: 'any' } })],
        ),
      ],
    });
    expect(r.results[0]).toMatchObject({ status: 'failed', failure: { step: 'main', stepIndex: 1, asserting: true } });
  });

  it('the reports mark a failure at a setup step, and the JSON report with both fields validates', async () => {
    const report = await runConformance({
      checks: [
        check(
          'setup-fails',
          ['JDP-LIST-01'],
          [call('guard', false, { call: 'list', expect: { error: 'any' } }), call('main', true, { call: 'list' })],
        ),
        check('main-fails', ['JDP-LIST-01'], [call('main', true, { call: 'list', expect: { error: 'any' } })]),
      ],
    });
    for (const format of ['console', 'markdown', 'junit', 'html'] as const) {
      const text = REPORTERS[format].render(report, { color: false, verbose: false });
      expect(text.split('(setup step)').length - 1, format).toBe(1);
    }
    const schema: unknown = JSON.parse(readFileSync(new URL('../../specs/schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema as object);
    const parsed = JSON.parse(REPORTERS.json.render(report)) as { results: { failure?: { stepIndex?: number; asserting?: boolean } }[] };
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed.results.map((r) => [r.failure?.stepIndex, r.failure?.asserting])).toEqual([
      [0, false],
      [0, true],
    ]);
  });

  it('an errored step without request details (a scenario error) is recorded too', async () => {
    const r = await runConformance({
      checks: [check('template-error', ['JDP-LIST-01'], [call('setup', false, { call: 'list', params: { page: '${nope}' } })])],
    });
    expect(r.results[0]).toMatchObject({ status: 'errored', failure: { step: 'setup', stepIndex: 0, asserting: false } });
    expect(r.results[0]!.message).toMatch(/^scenario error/);
  });
});

describe('the self-test counts a check as caught only when it fails at a step that asserts', () => {
  it('a fault that breaks a setup step is a setup failure; one that breaks the asserting step is caught', async () => {
    // add answers `id` instead of `promo_id` (JDP-ADD-11): the capture of the add step fails.
    const atSetup = check(
      'add-as-setup',
      ['JDP-ADD-11'],
      [
        call('add', false, ADD),
        call('get', true, { call: 'get', params: { promo_id: '${promo}' }, expect: { error: 'promo.id.invalid' } }),
      ],
    );
    const asserted = check('add-asserted', ['JDP-ADD-11'], [call('add', true, ADD)]);
    const result = await selfTest([atSetup, asserted], { mutations: false });
    expect(result.clean.notPassed).toEqual([]);
    const v = result.faults.find((f) => f.fault === 'add-answers-no-promo-id')!;
    expect(v).toMatchObject({ caughtBy: ['add-asserted'], setupFailures: ['add-as-setup'], checks: 2 });
    expect(result.unproven).toContain('add-as-setup');
    expect(result.unproven).not.toContain('add-asserted');
  });
});
