import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { assembleReport } from '../../src/engine/assemble.js';
import { renderConsole } from '../../src/report/render-console.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { CheckResult, CheckStatus, RuleLevel, RunReport, Waiver } from '../../src/report/types.js';
import { countsTowardVerdict, levelLabel, verdictLine } from '../../src/report/verdict.js';
import { makeReport } from './fixtures.js';

/** A result of a status and level; failed and errored ones carry a failure with a request and a curl line. */
function result(
  i: number,
  status: CheckStatus,
  level: RuleLevel = 'must',
  rules: readonly string[] = [level === 'ref' ? 'JOS-REF-03' : 'JDP-ADD-01'],
  message = '',
): CheckResult {
  const failing = status === 'failed' || status === 'errored';
  return {
    id: `check-${i}`,
    title: `check number ${i}`,
    suite: 'jd-promotion',
    rules,
    level,
    tags: [],
    status,
    message: message || (status === 'passed' ? '' : `${status} for a reason`),
    durationMs: 5,
    ...(failing
      ? {
          failure: {
            step: 'add',
            expected: 'error 19',
            actual: 'success',
            request: {
              httpMethod: 'POST',
              url: 'http://127.0.0.1:9/routerjson',
              operation: 'jingdong.seller.promotion.add',
              params: { method: 'jingdong.seller.promotion.add', sign: '***' },
            },
            response: { status: 200, body: `{"jingdong_seller_promotion_add_response":{"code":"0","pad":"${'x'.repeat(1500)}"}}` },
            curl: "curl -sS -X POST 'http://127.0.0.1:9/routerjson' --data-urlencode 'sign=***'",
          },
        }
      : {}),
  };
}

/** A report as the engine assembles it: the verdict computed, not written by hand. */
function assembled(results: readonly CheckResult[], opts: { strictRef?: boolean; waivers?: readonly Waiver[] } = {}): RunReport {
  return assembleReport({
    results,
    suites: ['jd-promotion'],
    rules: [],
    target: { url: 'http://127.0.0.1:9/routerjson', embedded: false },
    startedAt: new Date('2025-06-01T08:30:00Z'),
    durationMs: 100,
    waivers: opts.waivers ?? [],
    today: '2025-06-01',
    ...(opts.strictRef !== undefined ? { strictRef: opts.strictRef } : {}),
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('the label of a ref check follows the verdict rule of the run', () => {
  const results = [result(1, 'passed'), result(2, 'failed', 'ref')];

  it('strict ref (the embedded reference, --strict-ref): the ref failure counts, says so, and fails the run', () => {
    const report = assembled(results, { strictRef: true });
    expect(report.verdict).toBe('fail');
    expect(report.strictRef).toBe(true);
    expect(countsTowardVerdict(report.results[1]!, report)).toBe(true);
    expect(levelLabel(report.results[1]!, report)).toBe('ref, counts in this run (strict ref)');
    const console = renderConsole(report, { color: false });
    expect(console).toContain('JOS-REF-03 — ref, counts in this run (strict ref)');
    expect(console).not.toContain('does not fail the run');
    expect(lastLine(console)).toBe('verdict:  FAIL — 1 ref check failed (strict ref)');
    const md = renderMarkdown(report);
    expect(md).toContain('- **Rules:** `JOS-REF-03` — ref, counts in this run (strict ref)');
    expect(md.split('\n')[0]).toBe('## ❌ promoproof: fail — 1 ref check failed (strict ref)');
    expect(renderJunit(report)).toContain('rules: JOS-REF-03 — ref, counts in this run (strict ref)');
    expect(JSON.parse(renderJson(report))).toMatchObject({ verdict: 'fail', strictRef: true });
  });

  it('without strict ref: the ref failure does not count, says so, and the run passes, saying why', () => {
    const report = assembled(results, { strictRef: false });
    expect(report.verdict).toBe('pass');
    expect(countsTowardVerdict(report.results[1]!, report)).toBe(false);
    const console = renderConsole(report, { color: false });
    expect(console).toContain('JOS-REF-03 — ref, does not fail the run');
    expect(console).not.toContain('counts in this run');
    expect(lastLine(console)).toBe('verdict:  PASS — 2 checks, 0 must failures (1 ref failure does not fail the run)');
    expect(renderMarkdown(report)).toContain('- **Rules:** `JOS-REF-03` — ref, does not fail the run');
    expect(renderJunit(report)).toContain('rules: JOS-REF-03 — ref, does not fail the run');
    expect(JSON.parse(renderJson(report))).toMatchObject({ verdict: 'pass', strictRef: false });
  });
});

describe('the verdict line always gives its reason', () => {
  it('FAIL names what failed and errored, by level, and what did not count', () => {
    const report = assembled(
      [
        result(1, 'failed'),
        result(2, 'failed'),
        result(3, 'failed'),
        result(4, 'errored'),
        result(5, 'failed', 'ref'),
        result(6, 'errored', 'ref'),
        result(7, 'passed'),
      ],
      { strictRef: true },
    );
    expect(verdictLine(report)).toBe(
      'FAIL — 3 must checks failed, 1 must check errored, 1 ref check failed, 1 ref check errored (strict ref)',
    );
    const lenient = assembled([result(1, 'failed'), result(2, 'errored'), result(3, 'failed', 'ref'), result(4, 'failed', 'ref')], {
      strictRef: false,
    });
    expect(verdictLine(lenient)).toBe('FAIL — 1 must check failed, 1 must check errored (2 ref failures do not fail the run)');
  });

  it('errored must checks fail the run, and the line says errored', () => {
    const report = assembled([result(1, 'passed'), result(2, 'errored')]);
    expect(report.verdict).toBe('fail');
    expect(verdictLine(report)).toBe('FAIL — 1 must check errored');
  });

  it('an expired waiver fails the run; waived failures are said not to count', () => {
    const waivers: Waiver[] = [
      { rule: 'JDP-ADD-01', reason: 'known', expires: '2099-12-31' },
      { rule: 'JOS-03', reason: 'old', expires: '2020-01-01' },
    ];
    const report = assembled([result(1, 'passed', 'must', ['JOS-01']), result(2, 'failed'), result(3, 'failed')], { waivers });
    expect(report.verdict).toBe('fail');
    expect(verdictLine(report)).toBe('FAIL — 1 waiver expired (2 waived failures do not fail the run)');
  });

  it('PASS: all passed, or the count with 0 must failures and what did not count', () => {
    const all = Array.from({ length: 805 }, (_, i) => result(i, 'passed'));
    expect(verdictLine(assembled(all))).toBe('PASS — all 805 checks passed');
    const some = [...all.slice(2), result(1000, 'failed', 'ref'), result(1001, 'errored', 'ref')];
    expect(verdictLine(assembled(some))).toBe('PASS — 805 checks, 0 must failures (2 ref failures do not fail the run)');
    const mixed = [
      ...all.slice(4),
      result(1000, 'failed', 'ref'),
      result(1001, 'skipped'),
      result(1002, 'skipped'),
      result(1003, 'inconclusive'),
    ];
    expect(verdictLine(assembled(mixed))).toBe(
      'PASS — 805 checks, 0 must failures (2 skipped; 1 inconclusive; 1 ref failure does not fail the run)',
    );
    expect(verdictLine(assembled([...all.slice(1), result(1001, 'skipped')], { strictRef: true }))).toBe(
      'PASS — 805 checks, 0 must or ref failures (1 skipped)',
    );
  });

  it('every check skipped: not a pass but NO CHECKS RAN, with the reasons', () => {
    const skipped = [
      ...Array.from({ length: 117 }, (_, i) => result(i, 'skipped', 'must', ['JDP-SUSP-01'], 'target lacks capability test-control')),
      ...Array.from({ length: 3 }, (_, i) => result(200 + i, 'skipped', 'must', ['JDP-LIST-01'], 'target lacks capability sku-pool')),
    ];
    const report = assembled(skipped);
    expect(report.verdict).toBe('none');
    const line = 'NO CHECKS RAN — all 120 checks skipped (target lacks capability test-control ×117; target lacks capability sku-pool ×3)';
    expect(verdictLine(report)).toBe(line);
    expect(lastLine(renderConsole(report, { color: false }))).toBe(`verdict:  ${line}`);
    expect(renderMarkdown(report).split('\n')[0]).toBe(`## ⚠️ promoproof: no checks ran — ${line.slice('NO CHECKS RAN — '.length)}`);
    expect(renderConsole(report, { color: true })).toContain('\u001b[33mNO CHECKS RAN');
  });

  it('skipped and inconclusive only: nothing was verified either', () => {
    const report = assembled([
      result(1, 'skipped', 'must', ['JOS-03'], 'target lacks capability test-control'),
      result(2, 'inconclusive'),
      result(3, 'inconclusive'),
    ]);
    expect(report.verdict).toBe('none');
    expect(verdictLine(report)).toBe(
      'NOTHING CONCLUDED — none of 3 checks passed or failed (1 skipped: target lacks capability test-control ×1; 2 inconclusive)',
    );
  });

  it('the report schema accepts the verdict none and requires strictRef', () => {
    const schema: unknown = JSON.parse(readFileSync(new URL('../../specs/schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema as object);
    const none = JSON.parse(renderJson(assembled([result(1, 'skipped')]))) as Record<string, unknown>;
    expect(none).toMatchObject({ verdict: 'none', strictRef: false });
    expect(validate(none), JSON.stringify(validate.errors)).toBe(true);
    const { strictRef: _strictRef, ...without } = none;
    expect(validate(without)).toBe(false);
    expect(validate({ ...none, strictRef: 'yes' })).toBe(false);
  });
});

describe('the console caps a failing run', () => {
  const many = [
    ...Array.from({ length: 400 }, (_, i) => result(i, 'failed', 'must', ['JDP-ADD-03'])),
    ...Array.from({ length: 212 }, (_, i) => result(400 + i, 'failed', 'must', [`JDP-OM-0${(i % 3) + 1}`])),
    ...Array.from({ length: 10 }, (_, i) => result(700 + i, 'errored', 'must', ['JOS-09'])),
    result(999, 'passed'),
  ];
  const report = assembled(many);

  it('shows the first N failures in full and one line for the rest, by rule, naming the reports', () => {
    const out = renderConsole(report, {
      color: false,
      maxFailuresShown: 10,
      fullReports: ['reports/promoproof.json', 'reports/promoproof.html'],
    });
    expect(Buffer.byteLength(out)).toBeLessThan(60_000);
    expect(out).toContain('FAILURES (622, the first 10 in full)');
    expect(out.match(/✗ FAILED/g)).toHaveLength(10);
    expect(out).toContain(
      '  … and 612 more failures (602 failed, 10 errored; by rule: JDP-ADD-03 ×390, JDP-OM-01 ×71, JDP-OM-02 ×71, JDP-OM-03 ×70, JOS-09 ×10) — full details in reports/promoproof.json, reports/promoproof.html (--verbose prints them all)',
    );
    expect(lastLine(out)).toBe('verdict:  FAIL — 612 must checks failed, 10 must checks errored');
  });

  it('shows every failure with verbose, or when no cap is given (a report file)', () => {
    for (const out of [
      renderConsole(report, { color: false, maxFailuresShown: 10, verbose: true }),
      renderConsole(report, { color: false }),
    ]) {
      expect(out).toContain('FAILURES (622)');
      expect(out.match(/✗ FAILED|! ERRORED/g)).toHaveLength(622);
      expect(out).not.toContain('more failures');
    }
  });

  it('with a cap of 0 only counts them; without reports written it points to --verbose', () => {
    const out = renderConsole(report, { color: false, maxFailuresShown: 0 });
    expect(out).not.toContain('✗ FAILED');
    expect(out).toContain('  … and 622 failures (612 failed, 10 errored; by rule: ');
    expect(out).toContain(') — --verbose prints them all');
  });

  it('caps waived failures the same way', () => {
    const waivers: Waiver[] = [{ rule: 'JDP-ADD-03', reason: 'known', expires: '2099-12-31' }];
    const out = renderConsole(assembled(many, { waivers }), { color: false, maxFailuresShown: 5 });
    expect(out).toContain('WAIVED (400)');
    expect(out.match(/^ {2}~ /gm)).toHaveLength(5);
    expect(out).toContain('  … and 395 more waived failures (by rule: JDP-ADD-03 ×395) — --verbose prints them all');
  });

  it('the fixture report keeps its full detail without a cap', () => {
    expect(renderConsole(makeReport(), { color: false })).toContain('FAILURES (3)');
  });
});
