/**
 * `--baseline` (src/load/baseline.ts): two runs of one profile compared per operation and class, a
 * change flagged only beyond the noise the module defines (a percentile beyond both 10 % and 1 ms, a
 * rate beyond 5 %, an error share beyond 5 % and 0.1 point, enough answers for the percentile), an
 * audit or SLO result that got worse flagged, another profile refused, a baseline file checked.
 */
import { describe, expect, it } from 'vitest';
import { BaselineError, compareWithBaseline, describeFinding, parseBaseline, type BaselineFinding } from '../../src/load/baseline.js';
import { createRecorder } from '../../src/load/record.js';
import type { AuditResult, LoadResult, SloVerdict } from '../../src/load/types.js';
import { meta, refusal, SUCCESS, TRANSPORT, UNKNOWN } from './recorded.js';

interface Shape {
  /** Successes of `claim` and their latency, µs (every one the same). */
  readonly successes: number;
  readonly successUs: number;
  /** Refusals of `claim` (sold out), at 300 µs. */
  readonly refusals?: number;
  /** Transport errors and unknown outcomes of `claim`. */
  readonly transport?: number;
  readonly unknown?: number;
  /** The measured phase's length, ms (rates are over it). */
  readonly elapsedMs?: number;
}

/** A run of one steady phase of `claim` answers shaped as said. */
function run(s: Shape): LoadResult {
  const r = createRecorder({
    model: 'open',
    operations: [{ name: 'claim', refusals: ['coupon.limit.user'], soldOut: ['coupon.stock.empty'] }],
    phases: [{ name: 'steady', phase: 'steady', measured: true }],
  });
  let at = 0;
  for (let i = 0; i < s.successes; i++) r.record('steady', 'claim', SUCCESS, s.successUs, at++);
  for (let i = 0; i < (s.refusals ?? 0); i++) r.record('steady', 'claim', refusal('coupon.stock.empty'), 300, at++);
  for (let i = 0; i < (s.transport ?? 0); i++) r.record('steady', 'claim', TRANSPORT, undefined, at++);
  for (let i = 0; i < (s.unknown ?? 0); i++) r.record('steady', 'claim', UNKNOWN, 10_000_000, at++);
  const n = s.successes + (s.refusals ?? 0) + (s.transport ?? 0) + (s.unknown ?? 0);
  const elapsedMs = s.elapsedMs ?? 10_000;
  r.phaseDone('steady', { intended: n, intendedRatePerS: n / (elapsedMs / 1000), elapsedMs });
  return r.result(meta());
}

const BASE: Shape = { successes: 2000, successUs: 20_000, refusals: 3000 };

const find = (findings: readonly BaselineFinding[], label: string) => {
  const f = findings.find((x) => x.label === label);
  if (f === undefined) throw new Error(`no finding ${label} among ${findings.map((x) => x.label).join(', ')}`);
  return f;
};

describe('compareWithBaseline: latency', () => {
  it('flags a percentile beyond both 10 % and 1 ms as a regression, and says by how much', () => {
    const c = compareWithBaseline(run({ ...BASE, successUs: 23_000 }), run(BASE));
    const p99 = find(c.findings, 'claim success p99');
    expect(p99.change).toBe('regression');
    expect(p99.before).toBeCloseTo(20, 1);
    expect(p99.after).toBeCloseTo(23, 1);
    // HDR buckets at 3 significant digits: 20 ms and 23 ms read back within 0.1 %.
    expect(p99.why).toMatch(/^\+1[45]\.\d %, \+(2\.9\d|3\.0\d) ms$/);
    expect(describeFinding(p99)).toMatch(/^claim success p99: 2\d\.\d\d ms → 2\d\.\d\d ms \(\+1[45]\.\d %, \+\d\.\d\d ms\)$/);
    expect(c.regressions).toBeGreaterThanOrEqual(4);
    // Regressions come first.
    expect(c.findings[0]?.change).toBe('regression');
  });

  it('counts within noise a change of more than 10 % that is under 1 ms, and one over 1 ms under 10 %', () => {
    // 0.5 ms → 0.8 ms: +60 % but +0.3 ms.
    const small = compareWithBaseline(run({ ...BASE, successUs: 800 }), run({ ...BASE, successUs: 500 }));
    expect(find(small.findings, 'claim success p50').change).toBe('noise');
    // 20 ms → 21.5 ms: +1.5 ms but +7.5 %.
    const slight = compareWithBaseline(run({ ...BASE, successUs: 21_500 }), run(BASE));
    expect(find(slight.findings, 'claim success p99').change).toBe('noise');
    expect(slight.regressions).toBe(0);
  });

  it('flags an improvement beyond noise as one, never as a regression', () => {
    const c = compareWithBaseline(run({ ...BASE, successUs: 12_000 }), run(BASE));
    expect(find(c.findings, 'claim success p50').change).toBe('improvement');
    expect(c.regressions).toBe(0);
    expect(c.improvements).toBeGreaterThan(0);
  });

  it('compares a percentile only on enough answers in both runs: p99 on 100, p99.9 on 1,000', () => {
    const few = { successes: 50, successUs: 20_000 };
    const c = compareWithBaseline(run({ ...few, successUs: 90_000 }), run(few));
    expect(find(c.findings, 'claim success p50').change).toBe('regression');
    expect(c.findings.some((f) => f.label === 'claim success p99')).toBe(false);
    const mid = { successes: 500, successUs: 20_000 };
    const m = compareWithBaseline(run({ ...mid, successUs: 90_000 }), run(mid));
    expect(find(m.findings, 'claim success p99').change).toBe('regression');
    expect(m.findings.some((f) => f.label === 'claim success p99.9')).toBe(false);
    // Too few for any percentile: one line says so.
    const tiny = compareWithBaseline(run({ successes: 5, successUs: 90_000 }), run({ successes: 5, successUs: 1000 }));
    expect(find(tiny.findings, 'claim success p50')).toMatchObject({
      change: 'not-compared',
      why: expect.stringMatching(/5 answers before, 5 now/),
    });
  });
});

describe('compareWithBaseline: rates and errors', () => {
  it('flags successes per second down by more than 5 %, and the achieved send rate', () => {
    const c = compareWithBaseline(run({ ...BASE, elapsedMs: 11_000 }), run(BASE));
    expect(find(c.findings, 'claim success rate')).toMatchObject({ change: 'regression', unit: 'per-s' });
    expect(find(c.findings, 'achieved send rate').change).toBe('regression');
    const near = compareWithBaseline(run({ ...BASE, elapsedMs: 10_400 }), run(BASE));
    expect(find(near.findings, 'claim success rate').change).toBe('noise');
  });

  it('shows refusals per second that moved, never judged (a storm’s refusals follow its stock)', () => {
    const c = compareWithBaseline(run({ ...BASE, refusals: 4000 }), run(BASE));
    expect(find(c.findings, 'claim refusal rate')).toMatchObject({ change: 'changed', why: expect.stringMatching(/not judged/) });
  });

  it('flags a share of transport errors or unknown outcomes up by 0.1 point and 5 %, from none as well', () => {
    const c = compareWithBaseline(run({ ...BASE, unknown: 10 }), run(BASE));
    expect(find(c.findings, 'claim unknown share')).toMatchObject({ change: 'regression', before: 0, unit: 'fraction' });
    // One in 5,000 is under the 0.1-point floor.
    const one = compareWithBaseline(run({ ...BASE, transport: 1 }), run(BASE));
    expect(find(one.findings, 'claim transport share').change).toBe('noise');
    const fewer = compareWithBaseline(run({ ...BASE, transport: 5 }), run({ ...BASE, transport: 50 }));
    expect(find(fewer.findings, 'claim transport share').change).toBe('improvement');
  });
});

describe('compareWithBaseline: audit and SLOs', () => {
  const audit = (status: AuditResult['status'], stock: 'held' | 'violated' | 'not-checked'): AuditResult => ({
    status,
    reason: status,
    invariants: [
      { id: 'stock', title: 'stock', status: stock, level: 'must', counts: true, expected: '≤ 10', observed: '10', examples: [] },
      { id: 'per-user', title: 'per user', status: 'held', level: 'must', counts: true, expected: '≤ 1', observed: '1', examples: [] },
    ],
    unknownResolved: { made: 0, notMade: 0, unresolved: 0 },
    acknowledged: { claims: 10, redeems: 0, verifications: 0, unknownClaims: 0, unknownRedeems: 0, notKept: 0 },
    queries: { sent: 2, failed: 0, durationMs: 5 },
  });

  it('flags an audit and each invariant that got worse, and one that got better as an improvement', () => {
    const c = compareWithBaseline({ ...run(BASE), audit: audit('failed', 'violated') }, { ...run(BASE), audit: audit('passed', 'held') });
    expect(find(c.findings, 'audit')).toMatchObject({ change: 'regression', before: 'passed', after: 'failed' });
    expect(find(c.findings, 'audit stock')).toMatchObject({ change: 'regression', before: 'held', after: 'violated' });
    expect(find(c.findings, 'audit per-user').change).toBe('noise');
    const partial = compareWithBaseline(
      { ...run(BASE), audit: audit('partial', 'not-checked') },
      { ...run(BASE), audit: audit('passed', 'held') },
    );
    expect(find(partial.findings, 'audit stock').change).toBe('regression');
    const better = compareWithBaseline(
      { ...run(BASE), audit: audit('passed', 'held') },
      { ...run(BASE), audit: audit('failed', 'violated') },
    );
    expect(find(better.findings, 'audit').change).toBe('improvement');
    const gone = compareWithBaseline(run(BASE), { ...run(BASE), audit: audit('passed', 'held') });
    expect(find(gone.findings, 'audit')).toMatchObject({ change: 'not-compared', why: 'absent from this run' });
  });

  it('flags an SLO held before and missed now', () => {
    const v = (held: boolean): SloVerdict => ({
      slo: 'claim.p99<25ms',
      source: 'profile',
      metric: 'p99',
      op: '<',
      limit: 25,
      observed: held ? 20 : 30,
      unit: 'ms',
      held,
      reason: '',
    });
    const c = compareWithBaseline({ ...run(BASE), sloVerdicts: [v(false)] }, { ...run(BASE), sloVerdicts: [v(true)] });
    expect(find(c.findings, 'SLO claim.p99<25ms')).toMatchObject({ change: 'regression', before: 'held', after: 'missed' });
  });
});

describe('the runs compared', () => {
  it('refuses a baseline of another profile, saying both', () => {
    const other = { ...run(BASE), profile: { name: 'verify-steady', title: 'v', file: 'v.yaml' } };
    expect(() => compareWithBaseline(run(BASE), other, 'old.json')).toThrow(BaselineError);
    expect(() => compareWithBaseline(run(BASE), other, 'old.json')).toThrow(/old\.json: a run of profile verify-steady, not claim-storm/);
  });

  it('notes another model, another plan and an invalid baseline, not the embedded reference’s new port', () => {
    const base = run(BASE);
    const c = compareWithBaseline(
      { ...run(BASE), target: { url: 'http://127.0.0.1:50001/routerjson', embedded: true } },
      {
        ...base,
        model: 'closed',
        generator: { ...base.generator, valid: false },
        totals: { ...base.totals, intended: 9, intendedRatePerS: 900 },
      },
    );
    expect(c.notes.join('\n')).toMatch(/the baseline ran the closed model and this run the open/);
    expect(c.notes.join('\n')).toMatch(/the runs planned differently/);
    expect(c.notes.join('\n')).toMatch(/the baseline run was INVALID/);
    expect(c.notes.join('\n')).not.toMatch(/ran against/);
    const away = compareWithBaseline({ ...run(BASE), target: { url: 'http://10.0.0.2:8620/routerjson', embedded: false } }, base);
    expect(away.notes.join('\n')).toMatch(
      /the baseline ran against http:\/\/127\.0\.0\.1:8620\/routerjson, this run against http:\/\/10\.0\.0\.2/,
    );
  });
});

describe('parseBaseline', () => {
  it('reads a load report written as JSON', () => {
    const r = run(BASE);
    expect(parseBaseline(JSON.stringify(r), 'old.json').profile.name).toBe('claim-storm');
  });

  it('refuses what is not JSON, not a load report, or not a valid one, naming the file', () => {
    expect(() => parseBaseline('{"format":', 'old.json')).toThrow(/old\.json: not JSON/);
    expect(() => parseBaseline(JSON.stringify({ format: 'promoproof/1' }), 'check.json')).toThrow(
      /check\.json: not a load report \(its format is "promoproof\/1"/,
    );
    const { totals: _t, ...broken } = run(BASE);
    expect(() => parseBaseline(JSON.stringify(broken), 'cut.json')).toThrow(
      /cut\.json: not a valid load report: \/ must have required property 'totals'/,
    );
  });
});
