/**
 * The verdict the HTML and Markdown reports headline (src/load/verdict.ts) in step with the exit code of
 * `promoproof load` (src/cli/load.ts exitOf): a non-conformant answer or a violated invariant fails,
 * then a missed SLO, then an invalid run; the reason names what decided it.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { exitOf } from '../../src/cli/load.js';
import { createRecorder } from '../../src/load/record.js';
import type { AuditResult, LoadResult, SloVerdict } from '../../src/load/types.js';
import { loadVerdict } from '../../src/load/verdict.js';
import { generator, meta, PLAN, refusal, SERVER_ERROR, SUCCESS } from './recorded.js';

/** A small run: claims that succeed, then sell out; optionally one 5xx. */
function run(opts: { serverError?: boolean; valid?: boolean } = {}): LoadResult {
  const r = createRecorder(PLAN);
  for (let i = 0; i < 20; i++) r.record('steady', 'claim', SUCCESS, 400, i);
  for (let i = 0; i < 5; i++) r.record('steady', 'claim', refusal('coupon.stock.empty'), 300, 30 + i);
  if (opts.serverError) r.record('steady', 'claim', SERVER_ERROR, 900, 40);
  r.phaseDone('steady', { intended: 26, intendedRatePerS: 26, elapsedMs: 1000 });
  return r.result(meta({ generator: generator(opts.valid ?? true, opts.valid === false ? ['late sends: 40 of 100'] : []) }));
}

const slo = (held: boolean): SloVerdict => ({
  slo: 'claim.p99<1ms',
  source: 'profile',
  operation: 'claim',
  class: 'success',
  metric: 'p99',
  op: '<',
  limit: 1,
  observed: held ? 0.4 : 2.5,
  unit: 'ms',
  held,
  reason: held ? 'p99 of 20 successes of claim: 0.4 ms < 1 ms' : 'p99 of 20 successes of claim: 2.5 ms, not < 1 ms',
});

const audit = (status: AuditResult['status']): AuditResult => ({
  status,
  reason: status === 'failed' ? 'stock violated' : status === 'partial' ? 'statistics not served' : 'all invariants held',
  invariants: [
    {
      id: 'stock',
      title: 'successes ≤ stock, per batch',
      status: status === 'failed' ? 'violated' : 'held',
      level: 'must',
      counts: true,
      expected: '≤ 1000',
      observed: status === 'failed' ? '1003' : '1000',
      examples: [],
    },
  ],
  unknownResolved: { made: 0, notMade: 0, unresolved: 0 },
  acknowledged: { claims: 20, redeems: 0, verifications: 0, unknownClaims: 0, unknownRedeems: 0, notKept: 0 },
  queries: { sent: 3, failed: 0, durationMs: 12 },
});

const EXIT_OF = { pass: EXIT.ok, fail: EXIT.checkFailed, 'slo-missed': EXIT.sloMissed, invalid: EXIT.invalidRun } as const;

describe('loadVerdict', () => {
  const cases: [string, LoadResult, keyof typeof EXIT_OF, RegExp][] = [
    [
      'a clean run',
      { ...run(), sloVerdicts: [slo(true)], audit: audit('passed') },
      'pass',
      /no non-conformant answer, the audit held, its SLO held, the generator kept up/,
    ],
    ['a 5xx under load', run({ serverError: true }), 'fail', /1 non-conformant answer \(claim: HTTP 503 ×1\)/],
    [
      'a violated invariant, whatever the latency',
      { ...run(), sloVerdicts: [slo(true)], audit: audit('failed') },
      'fail',
      /violated invariant: stock \(expected ≤ 1000, observed 1003\)/,
    ],
    [
      'a missed SLO',
      { ...run(), sloVerdicts: [slo(false), slo(true)] },
      'slo-missed',
      /1 of 2 SLOs not held: claim\.p99<1ms \(p99 of 20 successes of claim: 2\.5 ms, not < 1 ms\)/,
    ],
    ['a missed SLO on an invalid run', { ...run({ valid: false }), sloVerdicts: [slo(false)] }, 'slo-missed', /1 of 1 SLOs not held/],
    ['an invalid run', run({ valid: false }), 'invalid', /the generator, not the target, limited this run: late sends: 40 of 100/],
    [
      'a non-conformant answer on an invalid run with a missed SLO',
      { ...run({ serverError: true, valid: false }), sloVerdicts: [slo(false)] },
      'fail',
      /non-conformant/,
    ],
  ];
  for (const [name, result, status, reason] of cases)
    it(`${name}: ${status}, as the exit code says`, () => {
      const v = loadVerdict(result);
      expect(v.status).toBe(status);
      expect(v.reason).toMatch(reason);
      expect(exitOf(result)).toBe(EXIT_OF[status]);
    });

  it('notes what a reader must know besides: a partial audit, an early stop, an invalid run behind a missed SLO', () => {
    expect(loadVerdict({ ...run(), audit: audit('partial') }).notes).toContain('the audit is partial: statistics not served');
    expect(loadVerdict({ ...run(), stoppedBy: 'interrupted' }).notes).toContain('the run stopped early (interrupted)');
    const invalid = loadVerdict({ ...run({ valid: false }), sloVerdicts: [slo(false)] });
    expect(invalid.notes.join(' ')).toMatch(/INVALID/);
    expect(invalid.headline).toBe('SLO MISSED');
  });
});
