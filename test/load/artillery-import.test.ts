import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedResult, mergeRuns, readRunFile, sketchSummary } from '../../src/load/artillery/import.js';
import { startLeadWriter } from '../../src/load/artillery/lead.js';
import { metricNames } from '../../src/load/artillery/metrics.js';
import { periodLine, RUN_FORMAT, type RunLine, writeRunFile } from '../../src/load/artillery/plugin.js';
import { SETUP_FORMAT, type ArtillerySetup } from '../../src/load/artillery/setup-file.js';
import { mergeSketches, relativeAccuracy, sketchQuantile } from '../../src/load/artillery/sketch.js';
import { schemaValidator } from '../../src/core/schema-check.js';
import { loadProfile } from '../../src/load/profile.js';
import { planPhases } from '../../src/load/run-load.js';
import { ALPHA, exact, GAMMA, sketchOf } from './sketch-fixture.js';

describe('DDSketch JSON (sketch.ts)', () => {
  // A latency-like spread: mostly fast, a slow tail.
  const values = Array.from({ length: 2000 }, (_, i) => (i % 50 === 0 ? 200 + i / 10 : 0.3 + (i % 97) * 0.05));

  it('reads every percentile within its relative accuracy', () => {
    const s = sketchOf(values);
    expect(relativeAccuracy(s)).toBeCloseTo(ALPHA, 10);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const truth = exact(values, q);
      expect(Math.abs(sketchQuantile(s, q) - truth)).toBeLessThanOrEqual(ALPHA * truth + 1e-9);
    }
  });

  it('merges two workers into the sketch of all their values, exactly', () => {
    const merged = mergeSketches([sketchOf(values.slice(0, 700)), sketchOf(values.slice(700))]);
    const whole = sketchOf(values);
    expect(merged?.count).toBe(whole.count);
    for (const q of [0.5, 0.99]) expect(merged && sketchQuantile(merged, q)).toBe(sketchQuantile(whole, q));
    expect(merged?.min).toBe(whole.min);
    expect(merged?.max).toBe(whole.max);
  });

  it('refuses to merge sketches of different accuracies', () => {
    expect(() => mergeSketches([sketchOf([1]), { ...sketchOf([1]), gamma: 1.05 }])).toThrow(/different accuracies/);
  });

  it('never reports a percentile beyond the extremes', () => {
    const s = sketchSummary(sketchOf([10, 10, 10]));
    expect(s.p999Ms).toBeLessThanOrEqual(s.maxMs);
    expect(s.p50Ms).toBeGreaterThanOrEqual(s.minMs);
    expect(s.hdr).toBe('');
  });
});

describe('the lead hook (lead.ts)', () => {
  it('writes the merged periods Artillery emits on its global events, once however many writers hear them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-lead-'));
    const globalEvents = new EventEmitter();
    const g = globalThis as { artillery?: unknown };
    try {
      const writing = startLeadWriter(dir);
      // Artillery's global object appears after the hook was preloaded.
      g.artillery = { globalEvents };
      const file = await writing;
      // The plugin of the same process hears the same periods: it writes nothing more.
      expect(writeRunFile(dir, globalEvents)).toBe(file);
      globalEvents.emit('stats', { period: 10, counters: { 'pp.0.sent': 3 }, histograms: {} });
      globalEvents.emit('done', {});
      const lines = readRunFile(file);
      expect(lines.map((l) => l.kind)).toEqual(['start', 'period', 'done']);
      expect(mergeRuns([lines]).counters.get('pp.0.sent')).toBe(3);
      expect(readdirSync(dir)).toHaveLength(1);
    } finally {
      delete g.artillery;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an imported run (import.ts)', () => {
  const profile = loadProfile('test/fixtures/load/claim-storm-small.yaml');
  const setup: ArtillerySetup = {
    format: SETUP_FORMAT,
    exportedAt: '2026-12-07T00:00:00.000Z',
    profile: { name: profile.doc.profile, file: profile.file },
    targetConfig: '/nowhere/target.yaml',
    workers: 2,
    runTag: 'abcde',
    vars: {},
    userBase: 1,
    timeoutMs: 10_000,
    maxBodyBytes: 1 << 20,
    phases: planPhases(profile.doc, {}),
    operations: ['claim'],
    poolPerWorker: 50,
    setupMs: 12,
    auditBefore: {},
  };
  /** One lead process's run file: a worker's answers in one period. */
  const run = (late: number, done = true): RunLine[] => [
    { format: RUN_FORMAT, kind: 'start', at: '2026-12-07T00:00:01.000Z', pid: 1 },
    {
      kind: 'period',
      period: 1,
      counters: {
        [metricNames.sent(0)]: 50,
        [metricNames.sent(1)]: 60,
        [metricNames.late(1)]: late,
        [metricNames.answers(0, 0, 'success')]: 30,
        [metricNames.answers(0, 0, 'refusal')]: 20,
        [metricNames.code(0, 0, 'coupon.user.limit')]: 20,
        [metricNames.answers(1, 0, 'refusal')]: 59,
        [metricNames.code(1, 0, 'coupon.stock.empty')]: 58,
        [metricNames.code(1, 0, 'some.other')]: 1,
        [metricNames.answers(1, 0, 'non-conformant')]: 1,
        [metricNames.nonConformant(1, 0, 'HTTP 500')]: 1,
      },
      histograms: {
        [metricNames.latency(0, 0, 'success')]: sketchOf(Array.from({ length: 30 }, (_, i) => 100 + i)),
        [metricNames.latency(1, 0, 'refusal')]: sketchOf(Array.from({ length: 59 }, (_, i) => 1 + i / 10)),
        [metricNames.lag(1)]: sketchOf(Array.from({ length: 60 }, (_, i) => (i < late ? 20 : 0.1))),
      },
    },
    ...(done ? [{ kind: 'done', at: '2026-12-07T00:00:09.000Z' } as const] : []),
  ];

  it('sums the workers: the merged count is the sum of both, per phase, class and code', () => {
    const merged = mergeRuns([run(0), run(0)]);
    const r = importedResult({ setup, doc: profile.doc, merged, workers: 2, targetUrl: 'http://x/routerjson' });
    const [spike, steady] = r.phases;
    expect(spike?.sent).toBe(100);
    expect(spike?.intended).toBe(100);
    expect(steady?.sent).toBe(120);
    expect(spike?.operations['claim']?.classes.success.count).toBe(60);
    expect(spike?.operations['claim']?.classes.success.latency.count).toBe(60);
    expect(steady?.operations['claim']?.refusalCodes).toEqual({
      'coupon.stock.empty': { count: 116, expected: true },
      'some.other': { count: 2, expected: false },
    });
    expect(steady?.operations['claim']?.nonConformant).toEqual({ 'HTTP 500': 2 });
    expect(r.totals.operations['claim']?.count).toBe(220);
    expect(r.histograms).toEqual({ source: 'ddsketch', relativeAccuracy: 0.01, engine: 'artillery 2.0.34' });
    expect(r.processes).toBe(2);
    expect(r.connections).toBe(100);
    expect(r.stoppedBy).toBe('completed');
    expect(r.generator.valid).toBe(true);
    // The success latencies, 100…129 ms from both workers: the median within 1 %.
    expect(Math.abs((spike?.operations['claim']?.classes.success.latency.p50Ms ?? 0) - 114)).toBeLessThanOrEqual(1.15);
    // The same report shape as a local run's: it validates (and so serves as a --baseline).
    const validate = schemaValidator('load-report.schema.json');
    expect(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('judges the workers late as the local engine judges itself (more than 1 % and at least ten)', () => {
    const r = importedResult({ setup, doc: profile.doc, merged: mergeRuns([run(6), run(6)]), workers: 2, targetUrl: '' });
    expect(r.generator.lateSends).toBe(12);
    expect(r.generator.valid).toBe(false);
    expect(r.generator.reasons[0]).toMatch(/late sends: 12 of 120/);
  });

  it('says when a lead process did not finish or a worker sent less than planned', () => {
    const r = importedResult({ setup, doc: profile.doc, merged: mergeRuns([run(0, false)]), workers: 1, targetUrl: '' });
    expect(r.stoppedBy).toBe('interrupted');
    expect(r.generator.valid).toBe(false);
    expect(r.generator.reasons.join('\n')).toMatch(/110 of 220 planned requests were not sent/);
  });

  it("keeps only promoproof's figures and Artillery's user and error counters of a period (plugin.ts)", () => {
    const sketch = {
      mapping: { toProto: () => ({ gamma: GAMMA, indexOffset: 0 }) },
      store: { toProto: () => ({ contiguousBinCounts: [2], contiguousBinIndexOffset: 5 }) },
      zeroCount: 0,
      count: 2,
      min: 1,
      max: 1.1,
      sum: 2.1,
    };
    const line = periodLine({
      period: '1796678610000',
      counters: { 'pp.0.sent': 2, 'vusers.failed': 1, 'errors.ETIMEDOUT': 1, 'http.codes.200': 2 },
      histograms: { 'pp.0.lag': sketch, 'http.response_time': sketch },
    });
    expect(line).toEqual({
      kind: 'period',
      period: 1796678610000,
      counters: { 'pp.0.sent': 2, 'vusers.failed': 1, 'errors.ETIMEDOUT': 1 },
      histograms: {
        'pp.0.lag': { gamma: GAMMA, indexOffset: 0, binOffset: 5, counts: [2], zeroCount: 0, count: 2, min: 1, max: 1.1, sum: 2.1 },
      },
    });
  });
});
