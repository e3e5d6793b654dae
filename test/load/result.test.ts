import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/load/record.js';
import { mergeLoadResults } from '../../src/load/result.js';
import { type LoadResult, OUTCOME_CLASSES } from '../../src/load/types.js';
import * as api from '../../src/index.js';
import { feed, generator, meta, PLAN, recorded, SUCCESS, SERVER_ERROR, traffic } from './recorded.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema as object);

/** The same synthetic run, once in one recorder and once split between two (every other answer). */
function splitRun(n = 20_000) {
  const events = traffic(n);
  const whole = recorded(events).result(meta());
  const a = recorded(events.filter((_, i) => i % 2 === 0)).result(meta());
  const b = recorded(events.filter((_, i) => i % 2 === 1)).result(meta());
  return { whole, a, b, merged: mergeLoadResults([a, b]) };
}

describe('mergeLoadResults', () => {
  it('two halves of the same traffic merge to the counts and percentiles of one recorder fed all of it', () => {
    const { whole, merged } = splitRun();
    expect(merged.processes).toBe(2);
    expect(merged.phases.map((p) => p.name)).toEqual(whole.phases.map((p) => p.name));
    for (const [name, op] of Object.entries(whole.totals.operations)) {
      const m = merged.totals.operations[name];
      expect(m?.count).toBe(op.count);
      expect(m?.refusalCodes).toEqual(op.refusalCodes);
      expect(m?.nonConformant).toEqual(op.nonConformant);
      for (const k of OUTCOME_CLASSES) {
        const w = op.classes[k];
        const got = m?.classes[k];
        expect(got?.count).toBe(w.count);
        expect(got?.latency.count).toBe(w.latency.count);
        // Histograms add exactly, so the merged percentiles are those of the whole, within HDR precision (0.1 %).
        for (const f of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs'] as const)
          expect(Math.abs((got?.latency[f] ?? -1) - w.latency[f])).toBeLessThanOrEqual(w.latency[f] * 0.001 + 0.001);
      }
    }
    for (const p of whole.phases) {
      const m = merged.phases.find((x) => x.name === p.name);
      expect(m).toMatchObject({ sent: p.sent, intended: p.intended, notSent: p.notSent, phase: p.phase, measured: p.measured });
      expect(m?.operations['claim']?.classes.success.count).toBe(p.operations['claim']?.classes.success.count);
    }
    expect(merged.totals.sent).toBe(whole.totals.sent);
  });

  it('recomputes percentiles from the merged histogram, never averages them', () => {
    const fast = createRecorder(PLAN);
    const slow = createRecorder(PLAN);
    for (let i = 0; i < 99; i++) fast.record('steady', 'claim', SUCCESS, 1000, i);
    slow.record('steady', 'claim', SUCCESS, 100_000, 0);
    const merged = mergeLoadResults([fast.result(meta()), slow.result(meta())]);
    const lat = merged.totals.operations['claim']?.classes.success.latency;
    // 100 answers, one of them slow: p99 is the 99th (1 ms), max the slow one; the mean of the two p99s would be ~50 ms.
    expect(lat?.count).toBe(100);
    expect(lat?.p99Ms).toBeCloseTo(1, 2);
    expect(lat?.maxMs).toBeCloseTo(100, 0);
    expect(lat?.meanMs).toBeCloseTo((99 * 1 + 100) / 100, 1);
  });

  it('adds rates, keeps the earliest start and the longest duration, and the earliest sold-out', () => {
    const { a, b, merged } = splitRun(4000);
    expect(merged.totals.achievedRatePerS).toBeCloseTo(a.totals.achievedRatePerS + b.totals.achievedRatePerS, 6);
    expect(merged.totals.intendedRatePerS).toBeCloseTo(a.totals.intendedRatePerS + b.totals.intendedRatePerS, 6);
    const later = { ...b, startedAt: '2026-11-11T00:00:01.000Z', durationMs: 9000, connections: 10, stoppedBy: 'request-cap' as const };
    const m = mergeLoadResults([later, a]);
    expect(m).toMatchObject({ startedAt: a.startedAt, durationMs: 9000, connections: 74, stoppedBy: 'request-cap' });
    expect(a.soldOut && b.soldOut).toBeTruthy();
    expect(merged.soldOut?.atMs).toBe(Math.min(a.soldOut?.atMs ?? 0, b.soldOut?.atMs ?? 0));
    expect(merged.soldOut?.before.count).toBe((a.soldOut?.before.count ?? 0) + (b.soldOut?.before.count ?? 0));
  });

  it('a merged run is valid only if every process was, and its reasons say which process', () => {
    const { a, b } = splitRun(2000);
    const bad = { ...b, generator: generator(false, ['late sends 40 % (over 1 %)']) };
    const merged = mergeLoadResults([a, bad]);
    expect(merged.generator.valid).toBe(false);
    expect(merged.generator.reasons).toEqual(['process 2: late sends 40 % (over 1 %)']);
    expect(merged.generator.lateSends).toBe(40);
    // 200 sends recorded their lag (100 each), 40 of them late.
    expect(merged.generator.lateShare).toBeCloseTo(0.2, 6);
    expect(merged.generator.lag.count).toBe(200);
    expect(mergeLoadResults([a, b]).generator.valid).toBe(true);
  });

  it('keeps at most 3 samples per operation and class over the merged run', () => {
    const { merged } = splitRun(4000);
    const per = new Map<string, number>();
    for (const s of merged.samples) per.set(`${s.operation} ${s.class}`, (per.get(`${s.operation} ${s.class}`) ?? 0) + 1);
    expect(Math.max(...per.values())).toBe(3);
  });

  it('refuses results of different profiles, models or phase kinds, with a clear error', () => {
    const { a, b } = splitRun(1000);
    expect(() => mergeLoadResults([])).toThrow(/no results/);
    expect(() => mergeLoadResults([a, { ...b, profile: { ...b.profile, name: 'verify-steady' } }])).toThrow(
      /different profiles.*claim-storm, verify-steady/,
    );
    expect(() => mergeLoadResults([a, { ...b, model: 'closed' }])).toThrow(/different load models/);
    const renamed = { ...b, phases: b.phases.map((p) => (p.name === 'spike' ? { ...p, phase: 'ramp' as const } : p)) };
    expect(() => mergeLoadResults([a, renamed])).toThrow(/phase spike is a spike phase in one result and a ramp/);
  });

  it('is exported by the public API', () => {
    const { a, b } = splitRun(1000);
    expect(api.mergeLoadResults([a, b]).processes).toBe(2);
  });
});

describe('the load report schema', () => {
  it('a recorded result and a merged result validate against specs/schema/load-report.schema.json', () => {
    const { whole, merged } = splitRun(4000);
    for (const r of [whole, merged]) {
      // As the report file holds it: through JSON.
      const ok = validate(JSON.parse(JSON.stringify(r)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('is not vacuous: a missing field, an unknown class or a stray key is refused', () => {
    const { whole } = splitRun(1000);
    const copy = (): Record<string, unknown> => JSON.parse(JSON.stringify(whole)) as Record<string, unknown>;
    const noTotals = copy();
    delete noTotals['totals'];
    expect(validate(noTotals)).toBe(false);
    const stray = { ...copy(), extra: 1 };
    expect(validate(stray)).toBe(false);
    const badSample = copy();
    badSample['samples'] = [{ operation: 'claim', class: 'error', said: 'x' }];
    expect(validate(badSample)).toBe(false);
  });

  it('accepts a run in which nothing was measured (all latencies empty)', () => {
    const r = createRecorder(PLAN);
    r.record('warm-up', 'claim', SERVER_ERROR, undefined, -1);
    feed(r, []);
    const result: LoadResult = r.result(meta());
    expect(result.totals.operations).toEqual({});
    expect(validate(JSON.parse(JSON.stringify(result)))).toBe(true);
  });
});
