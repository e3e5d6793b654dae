import { describe, expect, it } from 'vitest';
import { createRecorder, type RecorderInput } from '../../src/load/record.js';
import { meta, NOT_JSON, PLAN, refusal, SCHEMA, SERVER_ERROR, SUCCESS, TRANSPORT, UNKNOWN } from './recorded.js';

/** One operation `claim`, one warm-up and one measured phase. */
const ONE: RecorderInput = {
  model: 'open',
  operations: [{ name: 'claim', refusals: ['coupon.limit.user'], soldOut: ['coupon.stock.empty'], stock: 3 }],
  phases: [
    { name: 'warm', phase: 'warm-up', measured: false },
    { name: 'steady', phase: 'steady', measured: true },
  ],
};

describe('createRecorder: outcome classes', () => {
  it('maps every verdict of the one classifier onto its class, with reasons and codes', () => {
    const r = createRecorder(PLAN);
    r.record('steady', 'claim', SUCCESS, 412, 0);
    r.record('steady', 'claim', refusal('coupon.limit.user'), 300, 1);
    r.record('steady', 'claim', refusal('coupon.unheard.of'), 300, 2);
    r.record('steady', 'claim', SERVER_ERROR, 900, 3);
    r.record('steady', 'claim', SERVER_ERROR, 900, 3);
    r.record('steady', 'claim', NOT_JSON, 500, 4);
    r.record('steady', 'claim', SCHEMA, 500, 5);
    r.record('steady', 'claim', { kind: 'malformed', problem: 'envelope', reason: 'no _response key' }, 500, 6);
    r.record('steady', 'claim', { kind: 'malformed', problem: 'cut-off', reason: 'HTTP 200 with an answer larger than 8 bytes' }, 500, 7);
    // A transport error has no latency, whatever the caller passes; an unknown one keeps its own.
    r.record('steady', 'claim', TRANSPORT, 10, 8);
    r.record('steady', 'claim', UNKNOWN, 2_000_000, 9);
    r.phaseDone('steady', { intended: 11, intendedRatePerS: 11, elapsedMs: 1000 });
    const op = r.result(meta()).phases.find((p) => p.name === 'steady')?.operations['claim'];
    expect(op?.count).toBe(11);
    expect(op?.classes.success.count).toBe(1);
    // µs precision in ms: 412 µs is 0.412 ms, not 0.
    expect(op?.classes.success.latency).toMatchObject({ count: 1, p50Ms: 0.412, maxMs: 0.412 });
    expect(op?.classes.refusal.count).toBe(2);
    expect(op?.refusalCodes).toEqual({
      'coupon.limit.user': { count: 1, expected: true },
      'coupon.unheard.of': { count: 1, expected: false },
    });
    expect(op?.classes['non-conformant'].count).toBe(6);
    expect(op?.nonConformant).toEqual({ 'HTTP 503': 2, 'not-json': 1, schema: 1, envelope: 1, 'cut-off': 1 });
    expect(op?.classes.transport).toMatchObject({ count: 1, latency: { count: 0, hdr: '' } });
    expect(op?.classes.unknown.count).toBe(1);
    expect(op?.classes.unknown.latency.p50Ms).toBeCloseTo(2000, -1);
  });

  it('counts the stock over the whole run, warm-up included: every success beyond it is non-conformant', () => {
    const r = createRecorder(ONE);
    r.record('warm', 'claim', SUCCESS, 100, -50);
    r.record('warm', 'claim', SUCCESS, 100, -40);
    for (let i = 0; i < 4; i++) r.record('steady', 'claim', SUCCESS, 100, i);
    const result = r.result(meta());
    const steady = result.phases.find((p) => p.name === 'steady')?.operations['claim'];
    expect(steady?.classes.success.count).toBe(1);
    expect(steady?.classes['non-conformant'].count).toBe(3);
    expect(steady?.nonConformant).toEqual({ 'beyond stock': 3 });
    expect(result.totals.operations['claim']?.classes['non-conformant'].count).toBe(3);
    const sample = result.samples.find((s) => s.class === 'non-conformant');
    expect(sample?.said).toMatch(/beyond the stock of 3/);
  });

  it('a refusal with a sold-out code marks the time once, and splits the measured latencies before and after', () => {
    const r = createRecorder(ONE);
    // Warm-up latencies are in neither half.
    r.record('warm', 'claim', SUCCESS, 50_000, -10);
    for (let i = 0; i < 10; i++) r.record('steady', 'claim', SUCCESS, 1000, i);
    r.record('steady', 'claim', refusal('coupon.stock.empty'), 5000, 123.5);
    for (let i = 0; i < 9; i++) r.record('steady', 'claim', refusal('coupon.stock.empty'), 5000, 200 + i);
    const result = r.result(meta());
    expect(result.soldOut?.operation).toBe('claim');
    expect(result.soldOut?.atMs).toBe(123.5);
    expect(result.soldOut?.before).toMatchObject({ count: 10, p50Ms: 1, maxMs: 1 });
    // Within HDR precision (3 significant digits).
    expect(result.soldOut?.after.count).toBe(10);
    expect(result.soldOut?.after.p50Ms).toBeCloseTo(5, 1);
    // A sold-out code is business as usual even when `refusals` does not list it.
    expect(result.totals.operations['claim']?.refusalCodes['coupon.stock.empty']).toEqual({ count: 10, expected: true });
  });

  it('has no sold-out without a sold-out code', () => {
    const r = createRecorder(ONE);
    r.record('steady', 'claim', refusal('coupon.limit.user'), 100, 0);
    expect(r.result(meta()).soldOut).toBeUndefined();
  });

  it('keeps at most 3 samples per operation and class over the run, and builds only those', () => {
    const r = createRecorder(PLAN);
    let built = 0;
    const sample = () => {
      built++;
      return { curl: `curl #${built}` };
    };
    for (let i = 0; i < 100; i++) {
      r.record(i < 50 ? 'warm-up' : 'steady', 'claim', SERVER_ERROR, 100, i, sample);
      r.record('steady', 'claim', SUCCESS, 100, i, sample);
      r.record('steady', 'list', SERVER_ERROR, 100, i, sample);
    }
    const samples = r.result(meta()).samples;
    expect(samples).toHaveLength(9);
    expect(built).toBe(9);
    expect(samples.filter((s) => s.operation === 'claim' && s.class === 'non-conformant').map((s) => s.curl)).toEqual([
      'curl #1',
      'curl #4',
      'curl #7',
    ]);
    expect(samples[0]?.said).toMatch(/^HTTP 503 with/);
    // Without a builder the sample is still kept, with what was said.
    const bare = createRecorder(PLAN);
    bare.record('steady', 'list', UNKNOWN, undefined, 0);
    expect(bare.result(meta()).samples).toEqual([
      { operation: 'list', class: 'unknown', said: 'transport failure (no complete answer within 2000 ms)' },
    ]);
  });

  it('refuses a phase or an operation it was not told about, and names given twice', () => {
    const r = createRecorder(PLAN);
    expect(() => r.record('nope', 'claim', SUCCESS, 1, 0)).toThrow(/no phase nope/);
    expect(() => r.record('steady', 'nope', SUCCESS, 1, 0)).toThrow(/no operation nope/);
    expect(() => createRecorder({ ...PLAN, phases: [...PLAN.phases, { name: 'steady', phase: 'steady', measured: true }] })).toThrow(
      /twice/,
    );
  });
});

describe('createRecorder: phases and totals', () => {
  it('reports sent, not sent and the achieved rate per phase; totals over measured phases only', () => {
    const r = createRecorder(PLAN);
    for (let i = 0; i < 30; i++) r.record('warm-up', 'claim', SUCCESS, 100, -i);
    for (let i = 0; i < 90; i++) r.record('steady', 'claim', SUCCESS, 100, i);
    for (let i = 0; i < 10; i++) r.recordNotSent('steady');
    for (let i = 0; i < 50; i++) r.record('spike', 'list', SUCCESS, 100, 1000 + i);
    r.phaseDone('warm-up', { intended: 30, intendedRatePerS: 30, elapsedMs: 1000 });
    r.phaseDone('steady', { intended: 100, intendedRatePerS: 50, elapsedMs: 2000 });
    r.phaseDone('spike', { intended: 50, intendedRatePerS: 0, sent: 50, notSent: 0, elapsedMs: 500 });
    const result = r.result(meta());
    const steady = result.phases.find((p) => p.name === 'steady');
    expect(steady).toMatchObject({ intended: 100, sent: 90, notSent: 10, achievedRatePerS: 45, elapsedMs: 2000, measured: true });
    expect(result.phases.find((p) => p.name === 'warm-up')?.measured).toBe(false);
    // Warm-up is in no total: 90 + 50 sent of 100 + 50 intended over 2.5 s.
    expect(result.totals).toMatchObject({ intended: 150, sent: 140, notSent: 10, intendedRatePerS: 60, achievedRatePerS: 56 });
    expect(result.totals.operations['claim']?.count).toBe(90);
    expect(result.totals.operations['list']?.count).toBe(50);
    expect(result).toMatchObject({ format: 'promoproof-load/1', model: 'open', latencyFrom: 'intended-send', processes: 1 });
  });

  it('leaves out phases that never ran, and labels closed-loop latency as from the actual send', () => {
    const r = createRecorder({ ...PLAN, model: 'closed' });
    r.record('steady', 'claim', SUCCESS, 100, 0);
    const result = r.result(meta({ stoppedBy: 'interrupted' }));
    expect(result.phases.map((p) => p.name)).toEqual(['steady']);
    expect(result.latencyFrom).toBe('actual-send');
    expect(result.stoppedBy).toBe('interrupted');
  });
});

describe('createRecorder: the live snapshot', () => {
  it('gives the interval rate and p99, answers and errors by class, then starts a new interval', () => {
    let now = 1000;
    const r = createRecorder({ ...PLAN, clock: () => now });
    now = 1500;
    for (let i = 0; i < 99; i++) r.record('steady', 'claim', SUCCESS, 200, i);
    r.record('steady', 'claim', SUCCESS, 9000, 100);
    r.record('steady', 'claim', TRANSPORT, undefined, 101);
    r.record('steady', 'claim', refusal('coupon.unheard.of'), 300, 102);
    r.recordNotSent('steady');
    now = 2000;
    const first = r.snapshot();
    expect(first.elapsedMs).toBe(1000);
    expect(first.interval).toMatchObject({ ms: 1000, answers: 102, ratePerS: 102 });
    expect(first.interval.p99Ms).toBeCloseTo(0.3, 3);
    expect(first.answers).toEqual({ success: 100, refusal: 1, 'non-conformant': 0, transport: 1, unknown: 0 });
    expect(first.errors).toEqual({ 'non-conformant': 0, transport: 1, unknown: 0, unexpectedRefusals: 1 });
    expect(first.notSent).toBe(1);
    now = 2500;
    const second = r.snapshot();
    expect(second.interval).toMatchObject({ ms: 500, answers: 0, ratePerS: 0, p99Ms: undefined });
    expect(second.answers.success).toBe(100);
    expect(second.elapsedMs).toBe(1500);
  });
});
