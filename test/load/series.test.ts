/**
 * The time series of a load run (src/load/series.ts, LoadResult.series): the latency bins, buckets by
 * arrival and by send, instants not sent, the plan's intended sends per bucket (constant, ramp, spike,
 * a phase stopped early), a long run's buckets merged and bounded, the series of several processes
 * summed, and the series of a real run against the embedded reference. No timing is asserted.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import { createRecorder } from '../../src/load/record.js';
import { mergeLoadResults } from '../../src/load/result.js';
import { runLoad } from '../../src/load/run-load.js';
import {
  binOf,
  binValue,
  createSeries,
  intendedPerBucket,
  mergeSeries,
  SERIES_MAX_BUCKETS,
  type SeriesPlan,
} from '../../src/load/series.js';
import { type LoadProfileDoc, type LoadSeries, OUTCOME_CLASSES, type OutcomeClass } from '../../src/load/types.js';
import { meta, PLAN, recorded, refusal, SUCCESS, TRANSPORT, traffic } from './recorded.js';

const SUCCESS_I = OUTCOME_CLASSES.indexOf('success');
const REFUSAL_I = OUTCOME_CLASSES.indexOf('refusal');
const TRANSPORT_I = OUTCOME_CLASSES.indexOf('transport');

const schema = JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Answers of one class over the series. */
const total = (s: LoadSeries, k: OutcomeClass) => s.buckets.reduce((n, b) => n + (b.classes[k]?.count ?? 0), 0);

describe('the latency bins', () => {
  it('are exact below 64 µs and within 1.6 % above, in order, clamped at 0 and 60 s', () => {
    for (let v = 0; v < 64; v++) expect(binValue(binOf(v))).toBe(v);
    let last = -1;
    for (let v = 1; v <= 60_000_000; v = Math.ceil(v * 1.003) + 1) {
      const b = binOf(v);
      expect(b).toBeGreaterThanOrEqual(last);
      last = b;
      expect(Math.abs(binValue(b) - v) / v).toBeLessThanOrEqual(1 / 64);
    }
    expect(binOf(-5)).toBe(0);
    expect(binOf(Number.NaN)).toBe(0);
    expect(binOf(3_600_000_000)).toBe(binOf(60_000_000));
    expect(binOf(64)).toBe(64);
    expect(binOf(65)).toBe(64);
    expect(binOf(66)).toBe(65);
  });
});

describe('createSeries', () => {
  it('counts answers in the bucket they arrived in, sends in the bucket of their send, and instants not sent', () => {
    const s = createSeries();
    // Second 0: three successes answered at 0.9 s, sent 0.1 s earlier.
    for (let i = 0; i < 3; i++) s.answer(SUCCESS_I, 100_000, 900);
    // Second 1: a refusal that took 1.5 s: sent in second 0 (at 0.2 s), answered in second 1.
    s.answer(REFUSAL_I, 1_500_000, 1_700);
    // Second 2: a transport error (no latency) and one with a latency that is not kept as one.
    s.answer(TRANSPORT_I, undefined, 2_100);
    s.answer(TRANSPORT_I, 40_000, 2_200);
    s.notSent(2_500);
    s.notSent(2_600);
    const r = s.result();
    expect(r?.bucketMs).toBe(1000);
    expect(r?.buckets.map((b) => [b.atMs, b.sent, b.notSent])).toEqual([
      [0, 4, 0],
      [1000, 0, 0],
      [2000, 2, 2],
    ]);
    expect(r?.buckets.map((b) => Object.fromEntries(Object.entries(b.classes).map(([k, c]) => [k, c.count])))).toEqual([
      { success: 3 },
      { refusal: 1 },
      { transport: 2 },
    ]);
    // A transport error has no latency: a count, an empty histogram.
    expect(r?.buckets[2]?.classes.transport).toEqual({ count: 2, p50Ms: 0, p99Ms: 0, maxMs: 0, hdr: '' });
  });

  it('summarises each bucket’s latencies per class: p50, p99, max within a bin’s width', () => {
    const s = createSeries();
    for (let i = 0; i < 97; i++) s.answer(SUCCESS_I, 1_000, 500);
    for (let i = 0; i < 3; i++) s.answer(SUCCESS_I, 250_000, 700);
    for (let i = 0; i < 10; i++) s.answer(SUCCESS_I, 5_000, 1_500);
    const [first, second] = s.result()?.buckets ?? [];
    const c = first?.classes.success;
    expect(c?.count).toBe(100);
    expect(c?.p50Ms).toBeCloseTo(1, 1);
    expect(Math.abs((c?.p99Ms ?? 0) - 250) / 250).toBeLessThan(0.02);
    expect(Math.abs((c?.maxMs ?? 0) - 250) / 250).toBeLessThan(0.02);
    expect(c?.hdr).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // The next second's histogram starts afresh.
    expect(second?.classes.success?.count).toBe(10);
    expect(Math.abs((second?.classes.success?.maxMs ?? 0) - 5) / 5).toBeLessThan(0.02);
  });

  it('takes an answer that arrives out of order into its own bucket', () => {
    const s = createSeries();
    s.answer(SUCCESS_I, 2_000, 2_500);
    s.answer(SUCCESS_I, 8_000, 400);
    const r = s.result();
    expect(r?.buckets[0]?.classes.success?.count).toBe(1);
    expect(Math.abs((r?.buckets[0]?.classes.success?.p50Ms ?? 0) - 8) / 8).toBeLessThan(0.02);
    expect(Math.abs((r?.buckets[2]?.classes.success?.p50Ms ?? 0) - 2) / 2).toBeLessThan(0.02);
  });

  it('keeps a run of hours bounded: adjacent buckets merge, counts and latencies kept', () => {
    const s = createSeries();
    // 25 minutes, an answer every 100 ms, every one of them 2 ms.
    const n = 15_000;
    for (let i = 0; i < n; i++) s.answer(i % 10 === 0 ? REFUSAL_I : SUCCESS_I, 2_000, i * 100 + 50);
    s.plan({ startMs: 0, durationMs: 1_500_000, ranMs: 1_500_000, schedule: { shape: 'constant', ratePerS: 10 }, intended: n });
    const r = s.result();
    expect(r?.bucketMs).toBe(4000);
    expect(r?.buckets.length).toBeLessThanOrEqual(SERIES_MAX_BUCKETS);
    expect(r?.buckets.length).toBe(375);
    expect(total(r as LoadSeries, 'success') + total(r as LoadSeries, 'refusal')).toBe(n);
    expect(r?.buckets.reduce((x, b) => x + b.sent, 0)).toBe(n);
    expect(r?.buckets.reduce((x, b) => x + b.intended, 0)).toBeCloseTo(n, 6);
    for (const b of r?.buckets ?? []) {
      expect(b.classes.success?.count).toBe(36);
      expect(Math.abs((b.classes.success?.p99Ms ?? 0) - 2) / 2).toBeLessThan(0.02);
    }
  });

  it('gives nothing when nothing was measured or planned', () => {
    expect(createSeries().result()).toBeUndefined();
  });
});

describe('intendedPerBucket', () => {
  const plan = (p: Partial<SeriesPlan>): SeriesPlan => ({
    startMs: 0,
    durationMs: 2000,
    ranMs: 2000,
    schedule: { shape: 'constant', ratePerS: 100 },
    intended: 200,
    ...p,
  });

  it('spreads a constant rate over the buckets it covers, a part bucket by its share', () => {
    expect(intendedPerBucket([plan({ startMs: 500 })], 1000)).toEqual([50, 100, 50]);
  });

  it('integrates a ramp: 0 → 200/s over 2 s plans 50 then 150', () => {
    const r = intendedPerBucket([plan({ schedule: { shape: 'ramp', fromPerS: 0, toPerS: 200 } })], 1000);
    expect(r[0]).toBeCloseTo(50, 9);
    expect(r[1]).toBeCloseTo(150, 9);
  });

  it('puts a spike’s requests at its instant, and plans nothing after a phase stopped early', () => {
    const r = intendedPerBucket(
      [plan({ schedule: { shape: 'burst' }, durationMs: 0, ranMs: 0, intended: 1000, startMs: 0 }), plan({ startMs: 1200, ranMs: 1300 })],
      1000,
    );
    expect(r).toEqual([1000, 80, 50]);
  });
});

describe('the recorder’s series', () => {
  it('holds exactly the measured answers (warm-up excluded): its classes sum to the totals', () => {
    const events = traffic(6000);
    const result = recorded(events).result(meta());
    const s = result.series as LoadSeries;
    expect(s.bucketMs).toBe(1000);
    for (const k of OUTCOME_CLASSES) {
      const want = Object.values(result.totals.operations).reduce((n, o) => n + o.classes[k].count, 0);
      expect(total(s, k), k).toBe(want);
    }
    const measured = events.filter((e) => e.phase !== 'warm-up').length;
    expect(s.buckets.reduce((n, b) => n + b.sent, 0)).toBe(measured);
  });

  it('counts instants not sent with their time, and takes each measured phase’s plan', () => {
    const r = createRecorder(PLAN);
    r.record('warm-up', 'claim', SUCCESS, 300, -500);
    r.recordNotSent('warm-up', -400);
    r.record('steady', 'claim', refusal('coupon.limit.user'), 300, 100);
    r.recordNotSent('steady', 1_100);
    r.recordNotSent('steady');
    r.record('steady', 'list', TRANSPORT, undefined, 1_200);
    r.phaseDone('warm-up', {
      intended: 2,
      intendedRatePerS: 2,
      elapsedMs: 1000,
      plan: { startMs: -1000, durationMs: 1000, ranMs: 1000, schedule: { shape: 'constant', ratePerS: 2 } },
    });
    r.phaseDone('steady', {
      intended: 4,
      intendedRatePerS: 2,
      elapsedMs: 2000,
      plan: { startMs: 0, durationMs: 2000, ranMs: 2000, schedule: { shape: 'constant', ratePerS: 2 } },
    });
    const s = r.result(meta()).series;
    expect(s?.buckets.map((b) => [b.intended, b.sent, b.notSent])).toEqual([
      [2, 1, 0],
      [2, 1, 1],
    ]);
  });

  it('validates against the report schema, and the schema refuses an unknown class in a bucket', () => {
    const result = JSON.parse(JSON.stringify(recorded(traffic(3000)).result(meta()))) as Record<string, unknown>;
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const bad = structuredClone(result) as { series: { buckets: { classes: Record<string, unknown> }[] } };
    const first = bad.series.buckets[0];
    if (first) first.classes['error'] = { count: 1, p50Ms: 0, p99Ms: 0, maxMs: 0, hdr: '' };
    expect(validate(bad)).toBe(false);
  });
});

describe('mergeSeries', () => {
  it('two halves of one stream sum to the whole, bucket by bucket, percentiles read from the summed histograms', () => {
    const events = traffic(8000, 11);
    const whole = recorded(events).result(meta());
    const a = recorded(events.filter((_, i) => i % 2 === 0)).result(meta());
    const b = recorded(events.filter((_, i) => i % 2 === 1)).result(meta());
    const merged = mergeLoadResults([a, b]).series;
    expect(merged?.buckets.length).toBe(whole.series?.buckets.length);
    whole.series?.buckets.forEach((w, i) => {
      const m = merged?.buckets[i];
      expect(m?.sent).toBe(w.sent);
      for (const k of OUTCOME_CLASSES) {
        expect(m?.classes[k]?.count, `${i} ${k}`).toBe(w.classes[k]?.count);
        expect(m?.classes[k]?.p99Ms, `${i} ${k}`).toBe(w.classes[k]?.p99Ms);
        expect(m?.classes[k]?.p50Ms, `${i} ${k}`).toBe(w.classes[k]?.p50Ms);
      }
    });
  });

  it('takes the widest part’s buckets, and a part without a series adds nothing', () => {
    const wide: LoadSeries = {
      bucketMs: 2000,
      buckets: [{ atMs: 0, intended: 10, sent: 10, notSent: 0, classes: {} }],
    };
    const narrow: LoadSeries = {
      bucketMs: 1000,
      buckets: [
        { atMs: 0, intended: 1, sent: 1, notSent: 0, classes: {} },
        { atMs: 1000, intended: 2, sent: 2, notSent: 1, classes: {} },
        { atMs: 2000, intended: 4, sent: 4, notSent: 0, classes: {} },
      ],
    };
    expect(mergeSeries([wide, undefined, narrow])).toEqual({
      bucketMs: 2000,
      buckets: [
        { atMs: 0, intended: 13, sent: 13, notSent: 1, classes: {} },
        { atMs: 2000, intended: 4, sent: 4, notSent: 0, classes: {} },
      ],
    });
    expect(mergeSeries([undefined, undefined])).toBeUndefined();
  });

  it('keeps a merged result’s series, and merging reports of load part 1 (no series) gives none', () => {
    const r = recorded(traffic(1000)).result(meta());
    const { series: _dropped, ...old } = r;
    expect(mergeLoadResults([old, old]).series).toBeUndefined();
    expect(mergeLoadResults([r, old]).series?.buckets.length).toBe(r.series?.buckets.length);
  });
});

describe('a run’s series against the embedded reference', () => {
  let ref: EmbeddedTarget;
  beforeAll(async () => {
    ref = await startEmbedded();
  });
  afterAll(() => ref.close());

  const doc: LoadProfileDoc = {
    profile: 'series-test',
    title: 'series test',
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
      { phase: 'spike', requests: 40 },
      { phase: 'ramp', duration: '1s', from: 20, to: 100 },
      { phase: 'steady', duration: '1s', rate: 60 },
    ],
  };

  for (const model of ['open', 'closed'] as const)
    it(`${model} model: the series holds every measured answer and the plan's intended sends`, async () => {
      const result = await runLoad({ profile: { doc, file: 'series-test.yaml' }, target: ref.target, overrides: { seed: 3, model } });
      const s = result.series as LoadSeries;
      expect(s.bucketMs).toBe(1000);
      const answers = OUTCOME_CLASSES.reduce((n, k) => n + total(s, k), 0);
      expect(answers).toBe(result.totals.operations['stats']?.count);
      expect(s.buckets.reduce((n, b) => n + b.sent, 0)).toBe(result.totals.sent);
      // The spike's 40, the ramp's 60 and the steady phase's 60, none of the warm-up's.
      expect(s.buckets.reduce((n, b) => n + b.intended, 0)).toBeCloseTo(160, 0);
      expect(s.buckets[0]?.intended).toBeGreaterThanOrEqual(40);
    }, 30_000);
});
