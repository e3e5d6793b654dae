/**
 * The verdict the HTML and Markdown reports headline (src/load/verdict.ts) in step with the exit code of
 * `promoproof load` (src/cli/load.ts exitOf): a non-conformant answer or a violated invariant fails,
 * then a missed SLO, then an invalid run; the reason names what decided it. A capacity search's verdict
 * (capacityVerdict) is the search's, in step with src/cli/load-capacity.ts capacityExitOf.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { exitOf } from '../../src/cli/load-reports.js';
import { capacityExitOf } from '../../src/cli/load-capacity.js';
import { createRecorder } from '../../src/load/record.js';
import type { AuditResult, LoadResult, SloVerdict } from '../../src/load/types.js';
import { CAPACITY_LABEL, capacityVerdict, loadVerdict } from '../../src/load/verdict.js';
import { capacitySearch, OVERSOLD } from './capacity-fixture.js';
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

const EXIT_OF = {
  pass: EXIT.ok,
  fail: EXIT.checkFailed,
  'slo-missed': EXIT.sloMissed,
  invalid: EXIT.invalidRun,
  partial: EXIT.auditPartial,
} as const;

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
    ['a partial audit: never a pass', { ...run(), audit: audit('partial') }, 'partial', /the audit is partial: statistics not served/],
    ['a partial audit on an invalid run', { ...run({ valid: false }), audit: audit('partial') }, 'invalid', /the generator/],
    ['a partial audit behind a missed SLO', { ...run(), sloVerdicts: [slo(false)], audit: audit('partial') }, 'slo-missed', /not held/],
    [
      '--no-audit: the audit skipped by choice, not partial',
      { ...run(), audit: { ...audit('passed'), status: 'skipped', invariants: [] } },
      'pass',
      /no non-conformant answer/,
    ],
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
    expect(loadVerdict({ ...run({ valid: false }), audit: audit('partial') }).notes).toContain(
      'the audit is partial: statistics not served',
    );
    expect(loadVerdict({ ...run(), stoppedBy: 'interrupted' }).notes).toContain('the run stopped early (interrupted)');
    const invalid = loadVerdict({ ...run({ valid: false }), sloVerdicts: [slo(false)] });
    expect(invalid.notes.join(' ')).toMatch(/INVALID/);
    expect(invalid.headline).toBe('SLO MISSED');
  });
});

describe('capacityVerdict: a capacity report headlines the search, as its exit code says', () => {
  const CAPACITY_EXIT_OF = { ...EXIT_OF, interrupted: EXIT.ok } as const;
  const found = capacitySearch(
    [
      [100, 'held'],
      [200, 'held'],
      [400, 'broke'],
      [300, 'held'],
    ],
    'max-steps',
  );
  const cases: [string, ReturnType<typeof capacitySearch>, keyof typeof CAPACITY_EXIT_OF, RegExp][] = [
    ['a capacity found', found, 'pass', /^holds 300\/s \(claim p99 3\.00 ms\), exact; breaks at 400\/s: claim\.p99<5ms/],
    [
      'a step oversold, named by the headline',
      capacitySearch(
        [
          [100, 'held'],
          [200, 'broke', OVERSOLD],
        ],
        'resolution',
      ),
      'fail',
      /^holds 100\/s .*, exact; breaks at 200\/s: the audit found violated: stock \(expected ≤ 20, observed 23\)$/,
    ],
    [
      'a step oversold above the lowest rate that broke: added to the reason',
      capacitySearch(
        [
          [100, 'held'],
          [200, 'broke', OVERSOLD],
          [150, 'broke'],
        ],
        'max-steps',
      ),
      'fail',
      /breaks at 150\/s: claim\.p99<5ms .*; not exact at 200\/s \(step 2\): the audit found violated: stock/,
    ],
    [
      'a non-conformant answer at any rate',
      capacitySearch(
        [
          [100, 'held'],
          [200, 'broke', { nonConformant: 2, reasons: ['2 non-conformant answers'] }],
        ],
        'resolution',
      ),
      'fail',
      /breaks at 200\/s: 2 non-conformant answers$/,
    ],
    [
      "the generator's limit first",
      capacitySearch(
        [
          [100, 'held'],
          [200, 'generator-limit'],
        ],
        'generator-limit',
      ),
      'invalid',
      /^holds 100\/s .*; the generator's limit, not the target's, was reached at 200\/s: late sends/,
    ],
    ['no rate held', capacitySearch([[100, 'broke']], 'first-step-broke'), 'slo-missed', /^no rate held: the first step, 100\/s, broke/],
    [
      'interrupted after a rate held',
      capacitySearch(
        [
          [100, 'held'],
          [200, 'not-judged'],
        ],
        'interrupted',
      ),
      'interrupted',
      /^holds 100\/s .*; no break found: interrupted$/,
    ],
    ['interrupted before any step', capacitySearch([], 'interrupted'), 'interrupted', /^no step ran: interrupted$/],
    [
      'a partial audit at the held rate',
      capacitySearch(
        [
          [100, 'held', { audit: 'partial' }],
          [200, 'broke'],
        ],
        'resolution',
      ),
      'partial',
      /exactness not verified \(the audit was partial\)/,
    ],
    [
      '--no-audit: not audited by choice',
      capacitySearch(
        [
          [100, 'held', { audit: 'skipped' }],
          [200, 'broke', { audit: 'skipped' }],
        ],
        'resolution',
      ),
      'pass',
      /^holds 100\/s .*, not audited; breaks at 200\/s/,
    ],
  ];
  for (const [name, search, status, reason] of cases)
    it(`${name}: ${status}`, () => {
      const v = capacityVerdict(search);
      expect(v.status).toBe(status);
      expect(v.headline).toBe(CAPACITY_LABEL[status]);
      expect(v.reason).toMatch(reason);
      expect(capacityExitOf(search)).toBe(CAPACITY_EXIT_OF[status]);
    });

  it("is the verdict of a report carrying a search, whatever its held step's run says; a plain run's is unchanged", () => {
    const oversold = capacitySearch(
      [
        [100, 'held'],
        [200, 'broke', OVERSOLD],
      ],
      'resolution',
    );
    // The held step's run passed: the report still says FAIL, as exit 1 does.
    const held = { ...run(), audit: audit('passed') };
    expect(loadVerdict(held).status).toBe('pass');
    const v = loadVerdict({ ...held, capacity: oversold });
    expect([v.status, v.headline]).toEqual(['fail', 'FAIL']);
    expect(v.reason).toBe(oversold.headline);
    // The held step's partial audit says what it could not check.
    const partial = capacitySearch([[100, 'held', { audit: 'partial' }]], 'max-steps');
    expect(loadVerdict({ ...run(), audit: audit('partial'), capacity: partial }).notes).toEqual([
      "the held rate's audit is partial: statistics not served",
    ]);
  });
});
