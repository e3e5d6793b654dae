/**
 * The runner's own logic: phases planned with the command line's overrides, warm-up kept out of every
 * total, a ramp's planned count, a run stopped during its setup still giving a result. Against the
 * embedded reference in this process (functional only: no timing is asserted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import { planPhases, runLoad } from '../../src/load/run-load.js';
import type { LoadProfileDoc } from '../../src/load/types.js';

let ref: EmbeddedTarget;
beforeAll(async () => {
  ref = await startEmbedded();
});
afterAll(() => ref.close());

const profile = (over: Partial<LoadProfileDoc> = {}): LoadProfileDoc => ({
  profile: 'runner-test',
  title: 'runner test',
  description: 'statistics reads of a batch that does not exist: every answer a refusal',
  apis: ['jd-coupon'],
  users: { count: 10 },
  mix: [
    {
      name: 'stats',
      call: 'promoproof.coupon.statistics',
      weight: 1,
      params: { data_source_id: '${target.dataSourceId}', batch_id: 'no-such-batch' },
      refusals: ['coupon.batch.not.exist'],
    },
  ],
  phases: [
    { phase: 'warm-up', duration: '300ms', rate: 50 },
    { phase: 'ramp', duration: '1s', from: 20, to: 100 },
    { phase: 'steady', duration: '500ms', rate: 100 },
  ],
  ...over,
});

describe('planPhases', () => {
  it('--rate sets the steady rate and scales warm-up and ramps by it; --duration sets each steady phase; names stay unique', () => {
    const doc = profile({
      phases: [
        { phase: 'warm-up', duration: '2s', rate: 50 },
        { phase: 'steady', duration: '10s', rate: 100 },
        { phase: 'ramp', duration: '4s', from: 100, to: 300 },
        { phase: 'steady', duration: '10s', rate: 300 },
        { phase: 'spike', requests: 500, operation: 'stats' },
      ],
    });
    const plain = planPhases(doc);
    expect(plain.map((p) => p.name)).toEqual(['warm-up', 'steady', 'ramp', 'steady-2', 'spike']);
    expect(plain[2]?.intended).toBe(800);
    const scaled = planPhases(doc, { ratePerS: 200, durationMs: 3_000 });
    expect(scaled[0]?.intendedRatePerS).toBe(100);
    expect(scaled[1]?.intendedRatePerS).toBe(200);
    expect(scaled[1]?.durationMs).toBe(3_000);
    expect(scaled[2]?.schedule).toEqual({ shape: 'ramp', fromPerS: 200, toPerS: 600 });
    expect(scaled[2]?.durationMs).toBe(4_000);
    expect(scaled[3]?.intendedRatePerS).toBe(200);
    expect(scaled[4]).toMatchObject({ intended: 500, only: 0, measured: true, schedule: { shape: 'burst' } });
    expect(scaled[0]?.measured).toBe(false);
  });
});

describe('runLoad', () => {
  it('keeps the warm-up out of the totals and plays a ramp and a steady phase', async () => {
    const result = await runLoad({ profile: { doc: profile(), file: 'runner-test.yaml' }, target: ref.target, overrides: { seed: 1 } });
    expect(result.stoppedBy).toBe('completed');
    const [warm, ramp, steady] = result.phases;
    expect(warm?.measured).toBe(false);
    expect(ramp?.intended).toBe(60);
    expect(steady?.intended).toBe(50);
    const measured = (ramp?.sent ?? 0) + (steady?.sent ?? 0);
    expect(result.totals.sent).toBe(measured);
    const stats = result.totals.operations['stats'];
    expect(stats?.classes.refusal.count).toBe(measured);
    expect(stats?.refusalCodes['coupon.batch.not.exist']).toEqual({ count: measured, expected: true });
    // The warm-up's answers are in its own phase only.
    expect(warm?.operations['stats']?.classes.refusal.count).toBe(warm?.sent);
  }, 20_000);

  it('a run stopped during its setup still gives a result: interrupted, no phase', async () => {
    const stop = new AbortController();
    stop.abort();
    const result = await runLoad({
      profile: {
        doc: profile({
          setup: [{ call: 'promoproof.coupon.statistics', params: { data_source_id: '${target.dataSourceId}', batch_id: 'x' } }],
        }),
        file: 'runner-test.yaml',
      },
      target: ref.target,
      signal: stop.signal,
    });
    expect(result.stoppedBy).toBe('interrupted');
    expect(result.phases).toEqual([]);
    expect(result.totals.sent).toBe(0);
  });
});
