/**
 * Load results for the HTML and Markdown report tests: a run with every part a report shows — a
 * series over 30 s (a spike, then a steady phase whose latency rises and falls, a few seconds of
 * instants not sent), every outcome class, refusal codes expected and not, SLO verdicts, an audit with a
 * violated invariant and its examples, samples with text a hostile target might send — and the same run
 * made clean, or made as load part 1 wrote it (no series).
 */
import { createRecorder } from '../../src/load/record.js';
import type { AuditResult, LoadResult, SloVerdict } from '../../src/load/types.js';
import { generator, meta, NOT_JSON, refusal, SERVER_ERROR, SUCCESS, TRANSPORT, UNKNOWN } from './recorded.js';

/** Text a target might send: markup, a script, Markdown syntax, table pipes, backticks, a link, controls. */
export const HOSTILE = 'bad <script>alert(1)</script> | `tick` [link](http://evil.example/x) **bold** \u001b[31m\u202e';

/** The rich run (see the module comment). */
export function richRun(opts: { nonConformant?: boolean } = {}): LoadResult {
  const r = createRecorder({
    model: 'open',
    operations: [
      { name: 'claim', refusals: ['coupon.user.limit'], soldOut: ['coupon.stock.empty'], stock: 1000 },
      { name: 'list', refusals: 'any' },
    ],
    phases: [
      { name: 'warm-up', phase: 'warm-up', measured: false },
      { name: 'start', phase: 'spike', measured: true },
      { name: 'after', phase: 'steady', measured: true },
    ],
  });
  for (let i = 0; i < 50; i++) r.record('warm-up', 'list', SUCCESS, 400, -2000 + i * 20);
  // The spike: 1,000 claims at one instant, answered over its first second, slower as they queue.
  for (let i = 0; i < 1000; i++) r.record('start', 'claim', SUCCESS, 2_000 + i * 300, 2 + i * 0.3, () => ({ curl: `curl # claim ${i}` }));
  // Then 30 s at 200/s: sold-out claims and list reads; latency rises around second 12.
  let at = 1000;
  for (let s = 1; s < 30; s++) {
    const slow = s >= 10 && s <= 14 ? 40 : 1;
    for (let i = 0; i < 200; i++) {
      at = s * 1000 + i * 5;
      const us = (300 + ((i * 37) % 200)) * slow + (i % 100 === 0 ? 90_000 : 0);
      if (i % 2 === 0) r.record('after', 'claim', refusal(i % 50 === 0 ? 'coupon.weird' : 'coupon.stock.empty'), us, at);
      else r.record('after', 'list', SUCCESS, us, at);
    }
    if (s >= 11 && s <= 13) for (let k = 0; k < 20; k++) r.recordNotSent('after', s * 1000 + k * 40);
  }
  r.record('after', 'list', TRANSPORT, undefined, 15_000);
  r.record('after', 'list', { kind: 'unknown', reason: HOSTILE }, 10_000_000, 16_000, () => ({ curl: `curl '${HOSTILE}'` }));
  if (opts.nonConformant) {
    r.record('after', 'claim', SERVER_ERROR, 1_500, 17_000, () => ({ curl: 'curl -X POST http://127.0.0.1:8620/routerjson' }));
    r.record('after', 'list', NOT_JSON, 1_500, 18_000);
  } else r.record('after', 'list', UNKNOWN, 10_000_000, 17_000);
  r.phaseDone('warm-up', { intended: 50, intendedRatePerS: 50, elapsedMs: 1000 });
  r.phaseDone('start', {
    intended: 1000,
    intendedRatePerS: 0,
    elapsedMs: 300,
    plan: { startMs: 0, durationMs: 0, ranMs: 0, schedule: { shape: 'burst' } },
  });
  r.phaseDone('after', {
    intended: 5800,
    intendedRatePerS: 200,
    elapsedMs: 29_000,
    plan: { startMs: 1000, durationMs: 29_000, ranMs: 29_000, schedule: { shape: 'constant', ratePerS: 200 } },
  });
  const result = r.result(
    meta({
      profile: { name: 'claim-storm', title: `Claim storm ${HOSTILE}`, file: 'scenarios/load/claim-storm.yaml' },
      durationMs: 31_000,
      generator: generator(true),
      slo: ['claim.p99<200ms', 'errors<0.1%'],
    }),
  );
  return { ...result, sloVerdicts: SLOS, audit: AUDIT };
}

/** `richRun` with nothing wrong: no non-conformant answer, every SLO held, the audit passed. */
export function cleanRun(): LoadResult {
  const r = richRun();
  return {
    ...r,
    sloVerdicts: SLOS.map((v) => ({ ...v, held: true, reason: `${v.reason.split(',')[0]} held` })),
    audit: {
      ...AUDIT,
      status: 'passed',
      reason: 'all 2 invariants held',
      invariants: AUDIT.invariants.map((i) => ({ ...i, status: 'held', examples: [] })),
    },
  };
}

/** `richRun` as load part 1 wrote it: no series, no SLO verdicts, no audit. */
export function partOneRun(): LoadResult {
  const { series: _s, sloVerdicts: _v, audit: _a, ...old } = richRun();
  return old;
}

const SLOS: readonly SloVerdict[] = [
  {
    slo: 'claim.p99<200ms',
    source: 'profile',
    operation: 'claim',
    class: 'success',
    metric: 'p99',
    op: '<',
    limit: 200,
    observed: 301.5,
    unit: 'ms',
    held: false,
    reason: 'p99 of 1,000 successes of claim: 301.5 ms, not < 200 ms',
  },
  {
    slo: 'errors<0.1%',
    source: 'command-line',
    metric: 'errors',
    op: '<',
    limit: 0.001,
    observed: 0.0003,
    unit: 'fraction',
    held: true,
    reason: 'errors of all operations: 2 of 6,803 answers: 0.03 % < 0.1 %',
  },
];

const AUDIT: AuditResult = {
  status: 'failed',
  reason: 'a violated invariant: stock',
  invariants: [
    {
      id: 'stock',
      title: 'successes ≤ stock, per batch',
      status: 'violated',
      rule: 'CPN-05',
      level: 'must',
      counts: true,
      expected: 'pp-P1: ≤ 1000',
      observed: 'pp-P1: 1003 handed out',
      examples: [
        { user: '6659388004256', requestId: 'cf8afda9-1v', couponCode: 'PPC7QK2M9XR4' },
        { user: '6659388004257', requestId: 'cf8afda9-1w', note: HOSTILE },
      ],
    },
    {
      id: 'per-user',
      title: 'no user holds more than the per-user limit',
      status: 'held',
      level: 'must',
      counts: true,
      expected: '≤ 1',
      observed: '1',
      examples: [],
    },
  ],
  unknownResolved: { made: 1, notMade: 1, unresolved: 0 },
  acknowledged: { claims: 1000, redeems: 0, verifications: 0, unknownClaims: 2, unknownRedeems: 0, notKept: 0 },
  queries: { sent: 1020, failed: 0, durationMs: 800 },
};
