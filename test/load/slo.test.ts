/**
 * SLO gates on synthetic load results (the recorder fed known answers, so every figure is known):
 * each metric, the class qualifier, what `errors` counts, warm-up left out, nothing measured → not
 * held, an invalid run said so, the command line replacing the profile's SLOs, and a merged result
 * evaluated again on its merged totals.
 */
import { describe, expect, it } from 'vitest';
import { parseSlo } from '../../src/load/profile.js';
import { createRecorder } from '../../src/load/record.js';
import { renderLoadConsole } from '../../src/load/render.js';
import { mergeLoadResults } from '../../src/load/result.js';
import { evaluateSlo, evaluateSlos, type GateSlo, INVALID_RUN_CAVEAT, selectSlos, sloKey, withSloVerdicts } from '../../src/load/slo.js';
import type { LoadModel, LoadResult, SloVerdict } from '../../src/load/types.js';
import { generator, meta, PLAN, refusal, SERVER_ERROR, SUCCESS, TRANSPORT, UNKNOWN } from './recorded.js';

function gate(text: string, source: GateSlo['source'] = 'profile'): GateSlo {
  return { ...parseSlo(text), text, source };
}

function verdict(result: LoadResult, text: string): SloVerdict {
  return evaluateSlo(result, gate(text));
}

/**
 * A run of known figures. Warm-up: 10 list successes of 5 s and one 5xx (in no figure). Steady (200
 * intended at 100/s, 180 sent, 20 not sent): claim successes of 1, 2 … 100 ms; 20 sold-out refusals
 * (expected) and 2 `coupon.weird` ones (not) at 0.5 ms; one 5xx, one transport error, one unknown of
 * 9 s; 50 list successes of 0.3 ms. Spike (10 intended, no rate): 10 claim refusals.
 */
function run(opts: { model?: LoadModel; valid?: boolean } = {}): LoadResult {
  const r = createRecorder({ ...PLAN, model: opts.model ?? 'open' });
  for (let i = 0; i < 10; i++) r.record('warm-up', 'list', SUCCESS, 5_000_000, -100 + i);
  r.record('warm-up', 'claim', SERVER_ERROR, 1000, -1);
  for (let i = 1; i <= 100; i++) r.record('steady', 'claim', SUCCESS, i * 1000, i);
  for (let i = 0; i < 20; i++) r.record('steady', 'claim', refusal('coupon.stock.empty'), 500, 100 + i);
  for (let i = 0; i < 2; i++) r.record('steady', 'claim', refusal('coupon.weird'), 500, 120 + i);
  r.record('steady', 'claim', SERVER_ERROR, 2000, 130);
  r.record('steady', 'claim', TRANSPORT, undefined, 131);
  r.record('steady', 'claim', UNKNOWN, 9_000_000, 132);
  for (let i = 0; i < 50; i++) r.record('steady', 'list', SUCCESS, 300, 140 + i);
  for (let i = 0; i < 10; i++) r.record('spike', 'claim', refusal('coupon.stock.empty'), 700, 2000 + i);
  r.phaseDone('warm-up', { intended: 11, intendedRatePerS: 11, elapsedMs: 1000 });
  r.phaseDone('steady', { intended: 200, intendedRatePerS: 100, sent: 180, notSent: 20, elapsedMs: 2000 });
  r.phaseDone('spike', { intended: 10, intendedRatePerS: 0, elapsedMs: 50 });
  return r.result(meta({ generator: opts.valid === false ? generator(false, ['41 % of sends were late']) : generator() }));
}

describe('a latency SLO', () => {
  const result = run();

  it('reads the successes of its operation on the measured window', () => {
    const held = verdict(result, 'claim.p99<200ms');
    expect(held).toMatchObject({ slo: 'claim.p99<200ms', source: 'profile', operation: 'claim', class: 'success', metric: 'p99' });
    expect(held).toMatchObject({ op: '<', limit: 200, unit: 'ms', held: true });
    // 1 … 100 ms: the p99 is the 99th value, within the histogram's three significant digits.
    expect(held.observed).toBeGreaterThan(98.9);
    expect(held.observed).toBeLessThan(99.2);
    expect(held.reason).toMatch(/^p99 of 100 successes of claim: 99\.\d+ ms < 200 ms$/);
    // The 9 s unknown answer and the refusals are other classes: not in the successes' latency.
    expect(verdict(result, 'claim.max<=101ms').held).toBe(true);
    const p50 = verdict(result, 'claim.p50<50ms');
    expect(p50.held).toBe(false);
    expect(p50.observed).toBeCloseTo(50, 0);
    expect(p50.reason).toMatch(/^p50 of 100 successes of claim: 50(\.\d+)? ms, not < 50 ms$/);
    expect(verdict(result, 'claim.p90>=90ms').held).toBe(true);
    expect(verdict(result, 'claim.p999>1s').held).toBe(false);
  });

  it('leaves the warm-up out: list answered in 5 s during it and in 0.3 ms after', () => {
    const list = verdict(result, 'list.max<1ms');
    expect(list.held).toBe(true);
    expect(list.observed).toBeCloseTo(0.3, 2);
  });

  it('with a class, reads that class: refusals, unknown answers', () => {
    const refusals = verdict(result, 'claim.refusal.p99<1ms');
    expect(refusals).toMatchObject({ class: 'refusal', held: true });
    expect(refusals.reason).toMatch(/^p99 of 32 refusals of claim: 0\.7\d* ms < 1 ms$/);
    const unknown = verdict(result, 'claim.unknown.max<1s');
    expect(unknown).toMatchObject({ class: 'unknown', held: false });
    expect(unknown.observed).toBeGreaterThan(8_990);
    expect(unknown.reason).toMatch(/^max of 1 unknown answer of claim: /);
  });

  it('without an operation, sums every operation’s histogram (never averages percentiles)', () => {
    const all = verdict(result, 'p50<10ms');
    // 150 successes: 50 of list at 0.3 ms and claim's 1 … 100 ms: the 75th value is claim's 25 ms.
    expect(all.operation).toBeUndefined();
    expect(all.observed).toBeCloseTo(25, 0);
    expect(all.held).toBe(false);
    expect(all.reason).toMatch(/^p50 of 150 successes of all operations: 25(\.\d+)? ms, not < 10 ms$/);
    expect(verdict(result, 'max<=101ms').held).toBe(true);
  });
});

describe('the errors SLO', () => {
  const result = run();

  it('counts non-conformant, transport, unknown and unexpected refusals over every answer of its operation', () => {
    const v = verdict(result, 'claim.errors<5%');
    // 100 successes + 30 expected refusals (sold out, both phases) + 2 unexpected + 3 errors = 135 answers, 5 errors.
    expect(v.observed).toBe(5 / 135);
    expect(v).toMatchObject({ unit: 'fraction', limit: 0.05, held: true });
    expect(v.reason).toBe(
      'errors of claim: 5 of 135 answers (non-conformant 1, transport 1, unknown 1, unexpected refusals 2): 3.704 % < 5 %',
    );
    expect(verdict(result, 'claim.errors<1%').held).toBe(false);
    expect(verdict(result, 'claim.errors<1%').reason).toMatch(/: 3\.704 %, not < 1 %$/);
  });

  it('over the whole run without an operation; expected refusals and the warm-up’s 5xx are not errors', () => {
    const v = verdict(result, 'errors<0.1%');
    expect(v.observed).toBe(5 / 185);
    expect(v.held).toBe(false);
    expect(verdict(result, 'list.errors<=0%')).toMatchObject({ observed: 0, held: true });
  });
});

describe('the achieved SLO', () => {
  it('is sent ÷ intended over the measured phases with a rate (the spike and the warm-up left out)', () => {
    const v = verdict(run(), 'achieved>=95%');
    expect(v.observed).toBe(0.9);
    expect(v.held).toBe(false);
    expect(v.reason).toBe('achieved: 180 sent of 200 intended over the measured phases with a rate (steady): 90 %, not >= 95 %');
    expect(verdict(run(), 'achieved>=90%').held).toBe(true);
  });

  it('a closed run has no intended rate: not held, saying why', () => {
    const v = verdict(run({ model: 'closed' }), 'achieved>=1%');
    expect(v).toMatchObject({ observed: null, held: false });
    expect(v.reason).toMatch(/^not measured: a closed run has no intended rate \(its rate is a ceiling/);
  });

  it('an operation has no intended rate of its own: not held', () => {
    const v = verdict(run(), 'claim.achieved>=1%');
    expect(v).toMatchObject({ observed: null, held: false });
    expect(v.reason).toMatch(/an operation has no intended rate of its own/);
  });
});

describe('a gate that measured nothing does not pass', () => {
  /** A run whose only answers are list's transport errors, in a spike (claim is in the plan, unanswered). */
  function empty(): LoadResult {
    const r = createRecorder(PLAN);
    for (let i = 0; i < 3; i++) r.record('spike', 'list', TRANSPORT, undefined, i);
    r.phaseDone('spike', { intended: 3, intendedRatePerS: 0, elapsedMs: 10 });
    return r.result(meta());
  }

  it.each([
    ['list.p99<1s', 'not measured: no successes of list in the measured window'],
    ['p99<1s', 'not measured: no successes in the measured window'],
    ['list.refusal.p50<1s', 'not measured: no refusals of list in the measured window'],
    ['claim.p99<1s', 'not measured: no successes of claim in the measured window'],
    ['claim.errors<1%', 'not measured: no answers of claim in the measured window'],
    ['verify.p99<1s', "not measured: the run has no operation 'verify' (operations: claim, list)"],
    ['verify.errors<1%', "not measured: the run has no operation 'verify' (operations: claim, list)"],
    ['achieved>=0%', 'not measured: no measured phase with a rate (a spike has none)'],
  ])('%s', (text, reason) => {
    const v = verdict(empty(), text);
    expect(v).toMatchObject({ observed: null, held: false, reason });
  });

  it('errors with no answer at all is not held, even at errors<=100%', () => {
    const r = createRecorder(PLAN);
    r.phaseDone('steady', { intended: 10, intendedRatePerS: 10, elapsedMs: 1000 });
    const v = verdict(r.result(meta({ stoppedBy: 'interrupted' })), 'errors<=100%');
    expect(v.held).toBe(false);
    expect(v.reason).toBe('not measured: no answers in the measured window; the run stopped early (interrupted)');
  });
});

describe('an invalid run', () => {
  it('keeps its verdicts, each saying that the run is invalid', () => {
    const verdicts = evaluateSlos(run({ valid: false }), [gate('claim.p99<200ms'), gate('errors<0.1%')]);
    expect(verdicts.map((v) => v.held)).toEqual([true, false]);
    for (const v of verdicts) expect(v.reason.endsWith(`; ${INVALID_RUN_CAVEAT}`)).toBe(true);
    expect(evaluateSlo(run(), gate('claim.p99<200ms')).reason).not.toContain('INVALID');
  });
});

describe('the SLOs a run gates on', () => {
  const profile = ['claim.p99<1s', 'errors<1%', 'claim.refusal.p99<5ms', 'achieved>=99%'].map((t) => gate(t));

  it('a command-line SLO replaces the profile’s on the same operation, class and metric, and adds the rest', () => {
    const cli = ['claim.p99<50ms', 'list.p99<10ms', 'achieved>=50%'].map((t) => gate(t, 'command-line'));
    expect(selectSlos(profile, cli).map((s) => `${s.text} ${s.source}`)).toEqual([
      'errors<1% profile',
      'claim.refusal.p99<5ms profile',
      'claim.p99<50ms command-line',
      'list.p99<10ms command-line',
      'achieved>=50% command-line',
    ]);
    expect(selectSlos(profile, []).map((s) => s.text)).toEqual(profile.map((s) => s.text));
  });

  it('a latency without a class is the successes’: claim.success.p99 is the same gate as claim.p99, claim.refusal.p99 is not', () => {
    expect(sloKey(parseSlo('claim.success.p99<1ms'))).toBe(sloKey(parseSlo('claim.p99<9s')));
    expect(sloKey(parseSlo('claim.refusal.p99<1ms'))).not.toBe(sloKey(parseSlo('claim.p99<1ms')));
    expect(sloKey(parseSlo('claim.p99<1ms'))).not.toBe(sloKey(parseSlo('p99<1ms')));
    expect(sloKey(parseSlo('claim.p99<1ms'))).not.toBe(sloKey(parseSlo('claim.p90<1ms')));
  });
});

describe('parseSlo with an outcome class', () => {
  it.each([
    ['claim.refusal.p99<50ms', { operation: 'claim', class: 'refusal', metric: 'p99', op: '<', value: 50 }],
    ['claim.non-conformant.max<1s', { operation: 'claim', class: 'non-conformant', metric: 'max', op: '<', value: 1000 }],
    ['coupon-list.success.p50<=2ms', { operation: 'coupon-list', class: 'success', metric: 'p50', op: '<=', value: 2 }],
  ])('%s', (text, slo) => {
    expect(parseSlo(text)).toEqual(slo);
  });

  it.each([
    ['claim.transport.p99<1s', 'transport errors have no latency'],
    ['claim.refused.p99<1s', "unknown outcome class 'refused' (known: success, refusal, non-conformant, unknown)"],
    ['claim.refusal.errors<1%', 'errors takes no outcome class'],
    ['claim.success.achieved>=99%', 'achieved takes no outcome class'],
  ])("'%s' is refused: %s", (text, reason) => {
    expect(() => parseSlo(text)).toThrow(reason);
  });
});

describe('merged results', () => {
  /** One process's run: `errors` answers of 100 are 5xx. */
  function part(errors: number): LoadResult {
    const r = createRecorder(PLAN);
    for (let i = 0; i < 100; i++) r.record('steady', 'claim', i < errors ? SERVER_ERROR : SUCCESS, 1000 + i, i);
    r.phaseDone('steady', { intended: 100, intendedRatePerS: 50, elapsedMs: 2000 });
    return withSloVerdicts(r.result(meta()), [gate('errors<6%'), gate('claim.p99<10ms', 'command-line')]);
  }

  it('are evaluated again on the merged totals, never carried over from a part', () => {
    const [a, b] = [part(0), part(10)];
    expect(b.sloVerdicts?.[0]?.held).toBe(false);
    const merged = mergeLoadResults([a, b]);
    expect(merged.sloVerdicts?.map((v) => [v.slo, v.source, v.held])).toEqual([
      ['errors<6%', 'profile', true],
      ['claim.p99<10ms', 'command-line', true],
    ]);
    expect(merged.sloVerdicts?.[0]?.observed).toBe(10 / 200);
    expect(mergeLoadResults([run(), run()]).sloVerdicts).toBeUndefined();
  });
});

describe('the console’s SLO table', () => {
  it('follows the totals: each SLO held, MISSED or NOT MEASURED with what was observed', () => {
    const gated = withSloVerdicts(run(), [gate('claim.p99<200ms'), gate('errors<0.1%', 'command-line'), gate('verify.p99<1s')]);
    const text = renderLoadConsole(gated, { color: false });
    const table = text.slice(text.indexOf('SLOs over the measured window'));
    expect(text.indexOf('Totals over the measured phases')).toBeLessThan(text.indexOf('SLOs over the measured window'));
    expect(table).toMatch(/^SLOs over the measured window: 2 of 3 not held/);
    expect(table).toMatch(/\n {2}held {10}claim\.p99<200ms {2}p99 of 100 successes of claim: 99\.\d+ ms < 200 ms\n/);
    expect(table).toMatch(/\n {2}MISSED {8}errors<0\.1% {6}errors of all operations: 5 of 185 answers .*, not < 0\.1 % \(--slo\)\n/);
    expect(table).toMatch(/\n {2}NOT MEASURED {2}verify\.p99<1s {4}not measured: the run has no operation 'verify'/);
    expect(text).not.toContain('INVALID');
  });

  it('an invalid run says once that its verdicts measure this machine', () => {
    const text = renderLoadConsole(withSloVerdicts(run({ valid: false }), [gate('claim.p99<200ms')]), { color: false });
    expect(text).toContain('the run is INVALID: these verdicts measure this machine, not the target');
    expect(text).not.toContain(INVALID_RUN_CAVEAT);
  });

  it('a result without verdicts (a report of part 1) shows no SLO table', () => {
    expect(renderLoadConsole(run(), { color: false })).not.toContain('SLOs over');
  });
});
