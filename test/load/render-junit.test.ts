/**
 * The load JUnit report: well-formed XML (checked by the strict parser the conformance JUnit tests use)
 * with counts that match its testcases; one testcase for the run's validity, one for conformance, one
 * per SLO and one per audit invariant; failures carrying observed vs limit, the non-conformant answers
 * by operation, the violated invariant with its examples; hostile text from a target kept harmless. A
 * capacity search adds a testcase for the search itself, in step with its exit code.
 */
import { describe, expect, it } from 'vitest';
import { parseSlo } from '../../src/load/profile.js';
import { createRecorder } from '../../src/load/record.js';
import { renderLoadJunit } from '../../src/load/render-junit.js';
import { type GateSlo, withSloVerdicts } from '../../src/load/slo.js';
import type { AuditInvariantResult, AuditResult, LoadResult } from '../../src/load/types.js';
import { findAll, parseXml, type XmlElement } from '../report/xml-check.js';
import { capacitySearch, OVERSOLD } from './capacity-fixture.js';
import { generator, meta, PLAN, refusal, SERVER_ERROR, SUCCESS } from './recorded.js';

const SUITE = 'promoproof.load.claim-storm';

function gate(text: string, source: GateSlo['source'] = 'profile'): GateSlo {
  return { ...parseSlo(text), text, source };
}

/** 100 claim successes of 1 … 100 ms, 10 expected refusals; `nonConformant` 5xx answers whose sample says `said`. */
function run(opts: { nonConformant?: number; valid?: boolean; said?: string } = {}): LoadResult {
  const r = createRecorder(PLAN);
  for (let i = 1; i <= 100; i++) r.record('steady', 'claim', SUCCESS, i * 1000, i);
  for (let i = 0; i < 10; i++) r.record('steady', 'claim', refusal('coupon.stock.empty'), 500, 100 + i);
  for (let i = 0; i < (opts.nonConformant ?? 0); i++)
    r.record(
      'steady',
      'claim',
      opts.said === undefined ? SERVER_ERROR : { kind: 'server-error', status: 500, said: opts.said },
      2000,
      200 + i,
      () => ({ curl: `curl -X POST 'http://127.0.0.1:8620/routerjson' # ${i}` }),
    );
  r.phaseDone('steady', { intended: 110, intendedRatePerS: 55, elapsedMs: 2000 });
  return r.result(
    meta({
      durationMs: 2500,
      generator: opts.valid === false ? generator(false, ['41 % of sends were late (more than 1 %)']) : generator(),
    }),
  );
}

function cases(xml: string): XmlElement[] {
  return findAll(parseXml(xml), 'testcase');
}

function byName(xml: string, name: string): XmlElement {
  const found = cases(xml).find((c) => c.attrs.name === name);
  if (!found)
    throw new Error(
      `no testcase ${name} in ${cases(xml)
        .map((c) => c.attrs.name)
        .join(', ')}`,
    );
  return found;
}

function child(c: XmlElement, name: string): XmlElement | undefined {
  return c.children.find((x) => x.name === name);
}

/** The counts of a testsuites / testsuite element match its testcases' outcomes. */
function expectCountsMatch(xml: string): void {
  const root = parseXml(xml);
  const all = findAll(root, 'testcase');
  const n = (kind: string) => all.filter((c) => child(c, kind) !== undefined).length;
  for (const el of [root, ...findAll(root, 'testsuite')])
    expect(el.attrs).toMatchObject({
      tests: String(all.length),
      failures: String(n('failure')),
      errors: String(n('error')),
      skipped: String(n('skipped')),
    });
}

describe('renderLoadJunit', () => {
  it('a run that held: one suite, a passing testcase for validity, conformance and each SLO', () => {
    const result = withSloVerdicts(run(), [gate('claim.p99<200ms'), gate('errors<1%', 'command-line')]);
    const xml = renderLoadJunit(result);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'promoproof load', tests: '4', failures: '0', errors: '0', skipped: '0', time: '2.500' });
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual([SUITE]);
    expect(findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value])).toEqual([
      ['profile', 'claim-storm (scenarios/load/claim-storm.yaml)'],
      ['target', 'http://127.0.0.1:8620/routerjson'],
      ['model', 'open'],
      ['latency-from', 'intended-send'],
      ['stopped-by', 'completed'],
      ['processes', '1'],
    ]);
    expect(cases(xml).map((c) => [c.attrs.classname, c.attrs.name])).toEqual([
      [`${SUITE}.run`, 'the run is valid (the generator kept up)'],
      [`${SUITE}.conformance`, 'every answer is conformant'],
      [`${SUITE}.slo`, 'SLO claim.p99<200ms'],
      [`${SUITE}.slo`, 'SLO errors<1%'],
    ]);
    for (const c of cases(xml)) expect(c.children.filter((x) => x.name !== 'system-out')).toEqual([]);
    expect(child(byName(xml, 'SLO claim.p99<200ms'), 'system-out')?.text).toMatch(/^p99 of 100 successes of claim: 99\.\d+ ms < 200 ms$/);
    expectCountsMatch(xml);
  });

  it('a missed SLO is a failure with observed vs limit; one that measured nothing is a failure too', () => {
    const result = withSloVerdicts(run(), [gate('claim.p50<10ms'), gate('claim.refusal.p99<1ms'), gate('achieved>=99%', 'command-line')]);
    const xml = renderLoadJunit(result);
    const missed = child(byName(xml, 'SLO claim.p50<10ms'), 'failure');
    expect(missed?.attrs.type).toBe('slo-missed');
    expect(missed?.attrs.message).toMatch(/^claim\.p50<10ms \(profile\): observed 50(\.\d+)? ms, limit < 10 ms$/);
    expect(missed?.text).toMatch(/^p50 of 100 successes of claim: 50(\.\d+)? ms, not < 10 ms$/);
    expect(child(byName(xml, 'SLO claim.refusal.p99<1ms'), 'failure')).toBeUndefined();
    expect(child(byName(xml, 'SLO achieved>=99%'), 'system-out')?.text).toMatch(/: 100 % >= 99 %$/);
    expect(parseXml(xml).attrs).toMatchObject({ tests: '5', failures: '1' });
    const notMeasured = renderLoadJunit(withSloVerdicts({ ...run(), model: 'closed' }, [gate('achieved>=99%')]));
    const none = child(byName(notMeasured, 'SLO achieved>=99%'), 'failure');
    expect(none?.attrs).toMatchObject({
      type: 'slo-not-measured',
      message: 'achieved>=99% (profile): observed not measured, limit >= 99 %',
    });
    expect(none?.text).toMatch(/^not measured: a closed run has no intended rate/);
    expectCountsMatch(xml);
    expectCountsMatch(notMeasured);
  });

  it('non-conformant answers fail the conformance testcase, by operation, with their samples', () => {
    const xml = renderLoadJunit(run({ nonConformant: 2 }));
    const f = child(byName(xml, 'every answer is conformant'), 'failure');
    expect(f?.attrs).toMatchObject({ type: 'non-conformant', message: '2 non-conformant answers under load (claim)' });
    expect(f?.text).toContain('claim: 2 non-conformant of 112 answers (HTTP 503 ×2)');
    expect(f?.text).toContain("curl -X POST 'http://127.0.0.1:8620/routerjson' # 0");
    expectCountsMatch(xml);
  });

  it('an invalid run is an errored testcase naming the generator’s reasons', () => {
    const xml = renderLoadJunit(run({ valid: false }));
    const e = child(byName(xml, 'the run is valid (the generator kept up)'), 'error');
    expect(e?.attrs.type).toBe('invalid-run');
    expect(e?.attrs.message).toMatch(/^INVALID RUN: the generator, not the target, limited this run/);
    expect(e?.text).toContain('- 41 % of sends were late (more than 1 %)');
    expect(byName(xml, 'the run is valid (the generator kept up)').attrs.time).toBe('2.500');
    expectCountsMatch(xml);
  });

  it('hostile text from the target cannot break the XML', () => {
    const said = 'HTTP 500 </failure><testcase name="x"> ]]> & \u0000\u001b[2J "quoted" \'single\'';
    const xml = renderLoadJunit(run({ nonConformant: 1, said }));
    const f = child(byName(xml, 'every answer is conformant'), 'failure');
    expect(f?.text).toContain('</failure><testcase name="x"> ]]> & ');
    expect(f?.text).toContain('"quoted" \'single\'');
    expect(f?.text).not.toContain('\u0000');
    expect(cases(xml)).toHaveLength(2);
  });
});

describe('renderLoadJunit with an audit', () => {
  const invariant = (over: Partial<AuditInvariantResult> & Pick<AuditInvariantResult, 'id' | 'status'>): AuditInvariantResult => ({
    title: `the ${over.id} invariant`,
    level: 'must',
    counts: true,
    expected: '≤ 1000',
    observed: '1000',
    examples: [],
    ...over,
  });
  const audit = (
    invariants: AuditInvariantResult[],
    status: AuditResult['status'] = 'failed',
    reason = 'one invariant violated',
  ): AuditResult => ({
    status,
    reason,
    invariants,
    unknownResolved: { made: 0, notMade: 0, unresolved: 0 },
    acknowledged: { claims: 100, redeems: 0, verifications: 0, unknownClaims: 0, unknownRedeems: 0, notKept: 0 },
    queries: { sent: 12, failed: 0, durationMs: 40 },
  });

  it('one testcase per invariant: held passes, violated fails with expected, observed and examples, not checked is skipped', () => {
    const result: LoadResult = {
      ...run(),
      audit: audit([
        invariant({ id: 'stock', status: 'held', rule: 'CPN-STOCK-01' }),
        invariant({
          id: 'per-user',
          status: 'violated',
          expected: '≤ 1 per user',
          observed: '2 for 3 users',
          examples: [
            { user: '9001', requestId: 'r-17', couponCode: 'C-1' },
            { user: '9002', note: 'orders 17 and 23' },
          ],
        }),
        invariant({ id: 'claims-listed', status: 'not-checked', reason: 'the target serves no coupon list' }),
        invariant({ id: 'list-order', status: 'violated', level: 'ref', counts: false }),
      ]),
    };
    const xml = renderLoadJunit(result);
    expect(child(byName(xml, 'audit stock: the stock invariant'), 'system-out')?.text).toBe(
      'expected ≤ 1000, observed 1000 (rule CPN-STOCK-01, must)',
    );
    const violated = byName(xml, 'audit per-user: the per-user invariant');
    expect(violated.attrs.classname).toBe(`${SUITE}.audit`);
    const f = child(violated, 'failure');
    expect(f?.attrs).toMatchObject({ type: 'audit-violated', message: 'per-user violated: expected ≤ 1 per user, observed 2 for 3 users' });
    expect(f?.text).toContain('- user 9001, request r-17, coupon C-1');
    expect(f?.text).toContain('- user 9002 (orders 17 and 23)');
    expect(child(byName(xml, 'audit claims-listed: the claims-listed invariant'), 'skipped')?.attrs.message).toBe(
      'not checked: the target serves no coupon list',
    );
    expect(child(byName(xml, 'audit list-order: the list-order invariant'), 'skipped')?.attrs.message).toMatch(
      /^violated, ref: does not fail this run/,
    );
    expect(parseXml(xml).attrs).toMatchObject({ tests: '6', failures: '1', errors: '0', skipped: '2' });
    expectCountsMatch(xml);
  });

  it('an audit that did not run is one skipped testcase saying why', () => {
    const xml = renderLoadJunit({ ...run(), audit: audit([], 'skipped', '--no-audit') });
    expect(child(byName(xml, 'audit'), 'skipped')?.attrs.message).toBe('audit skipped: --no-audit');
    expectCountsMatch(xml);
  });
});

describe('renderLoadJunit of a capacity search', () => {
  const NAME = 'capacity: the highest rate that held every gate, exact';
  const held = withSloVerdicts(run(), [gate('claim.p99<200ms')]);

  it("a capacity found: a passing testcase for the search first, with every step's line; then the held step's testcases", () => {
    const search = capacitySearch(
      [
        [100, 'held'],
        [200, 'held'],
        [400, 'broke'],
        [300, 'held'],
      ],
      'max-steps',
    );
    const xml = renderLoadJunit({ ...held, capacity: search });
    expect(cases(xml).map((c) => [c.attrs.classname, c.attrs.name])).toEqual([
      [`${SUITE}.capacity`, NAME],
      [`${SUITE}.run`, 'the run is valid (the generator kept up)'],
      [`${SUITE}.conformance`, 'every answer is conformant'],
      [`${SUITE}.slo`, 'SLO claim.p99<200ms'],
    ]);
    const c = byName(xml, NAME);
    expect(c.attrs.time).toBe('42.000');
    const out = child(c, 'system-out')?.text ?? '';
    expect(out.split('\n')[0]).toBe(`PASS: ${search.headline}`);
    expect(out).toContain(
      'step 3: 400/s, achieved 400/s, p99 4.00 ms, errors 0 (0.0 %), audit passed → broke: claim.p99<5ms (p99 of successes: 9 ms)',
    );
    expect(out).toContain('step 4: 300/s');
    expectCountsMatch(xml);
  });

  it('a step oversold fails the search with the headline and what broke, though its held step passed; the generator limit errs; Ctrl-C skips', () => {
    const oversold = capacitySearch(
      [
        [100, 'held'],
        [200, 'broke', OVERSOLD],
      ],
      'resolution',
    );
    const xml = renderLoadJunit({ ...held, capacity: oversold });
    const f = child(byName(xml, NAME), 'failure');
    expect(f?.attrs).toMatchObject({ type: 'capacity-not-exact', message: oversold.headline });
    expect(f?.attrs.message).toMatch(/breaks at 200\/s: the audit found violated: stock \(expected ≤ 20, observed 23\)$/);
    expect(f?.text).toContain(
      'step 2: 200/s, achieved 200/s, p99 2.00 ms, errors 0 (0.0 %), audit failed → broke: the audit found violated: stock (expected ≤ 20, observed 23)',
    );
    // The held step's own testcases still pass: only the search's fails, as exit 1 does.
    expect(parseXml(xml).attrs).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    expectCountsMatch(xml);

    const none = renderLoadJunit({ ...held, capacity: capacitySearch([[100, 'broke']], 'first-step-broke') });
    expect(child(byName(none, NAME), 'failure')?.attrs).toMatchObject({
      type: 'capacity-no-rate-held',
      message: 'no rate held: the first step, 100/s, broke: claim.p99<5ms (p99 of successes: 9 ms)',
    });
    const partial = renderLoadJunit({ ...held, capacity: capacitySearch([[100, 'held', { audit: 'partial' }]], 'max-steps') });
    expect(child(byName(partial, NAME), 'failure')?.attrs.type).toBe('capacity-not-verified');
    const limit = capacitySearch(
      [
        [100, 'held'],
        [200, 'generator-limit'],
      ],
      'generator-limit',
    );
    const invalid = renderLoadJunit({ ...held, capacity: limit });
    expect(child(byName(invalid, NAME), 'error')?.attrs).toMatchObject({ type: 'capacity-generator-limit', message: limit.headline });
    const stopped = renderLoadJunit({ ...held, capacity: capacitySearch([[100, 'not-judged']], 'interrupted') });
    expect(child(byName(stopped, NAME), 'skipped')?.attrs.message).toBe('interrupted: no rate held: interrupted before a step was judged');
    for (const x of [none, partial, invalid, stopped]) expectCountsMatch(x);
  });
});
