import { describe, expect, it } from 'vitest';
import { renderConsole } from '../../src/report/render-console.js';
import { SKIP_REASON, deepFreeze, makePassingReport, makeReport } from './fixtures.js';

const ESC = '\u001b[';

describe('renderConsole', () => {
  const plain = renderConsole(deepFreeze(makeReport()), { color: false });

  it('has no ANSI escapes without colour, even with a hostile response body', () => {
    expect(plain).not.toContain('\u001b');
    expect(plain).toContain('\\x1b[31mred');
    expect(plain).not.toContain('\u0000');
    expect(plain).toContain('\\x00');
    expect(plain).not.toContain('\u202e');
    expect(plain).toContain('优惠券不存在');
  });

  it('has ANSI escapes with colour', () => {
    expect(renderConsole(makeReport(), { color: true })).toContain(ESC);
  });

  it('starts with a header naming target, suites and duration', () => {
    const first = plain.split('\n')[0] ?? '';
    expect(first).toContain('http://127.0.0.1:8710');
    expect(first).toContain('jd-promotion, jos-transport');
    expect(first).toContain('1.53 s');
  });

  it('shows failures first, in full, before the summary', () => {
    const failures = plain.indexOf('FAILURES (3)');
    const summary = plain.indexOf('1 passed, 2 failed, 1 errored, 3 skipped, 1 inconclusive (1 waived)');
    expect(failures).toBeGreaterThan(0);
    expect(summary).toBeGreaterThan(failures);
    for (const id of ['PROMO-ADD-002[3]', 'JOS-SIGN-003', 'JOS-TIME-002']) {
      const at = plain.indexOf(id);
      expect(at).toBeGreaterThan(failures);
      expect(at).toBeLessThan(summary);
    }
    expect(plain).toMatch(/✗ FAILED\s+PROMO-ADD-002\[3\]\s+rejects discount \| percentage above 100/);
    expect(plain).toMatch(/! ERRORED\s+JOS-SIGN-003/);
    expect(plain).toMatch(/\? INCONCLUSIVE\s+JOS-TIME-002/);
    expect(plain).toContain('JD-PROMO-02, JOS-01 — must');
    expect(plain).toContain('scenarios/jd-promotion/add.yaml:41');
    expect(plain).toContain('expected: error_response.code = "19"');
    expect(plain).toContain('POST http://127.0.0.1:8710/routerjson');
    expect(plain).toContain('operation: jingdong.seller.promotion.add');
    expect(plain).toMatch(/^ +access_token=\*\*\*$/m);
    expect(plain).toMatch(/^ +v=2\.0$/m);
    expect(plain).toContain('200 (application/json;charset=UTF-8, truncated)');
    expect(plain).toContain("curl -sS -X POST 'http://127.0.0.1:8710/routerjson'");
  });

  it('cuts the response body to 20 lines unless verbose', () => {
    expect(plain).toContain('line 20 | of the body');
    expect(plain).not.toContain('line 21 | of the body');
    expect(plain).toContain('41 more lines');
    const verbose = renderConsole(makeReport(), { color: false, verbose: true });
    expect(verbose).toContain('line 61 | of the body');
    expect(verbose).toContain('PASSED (1)');
    expect(plain).not.toContain('PASSED (1)');
  });

  it('lists waived failures apart, with reason and expiry, not among the failures', () => {
    const waived = plain.indexOf('WAIVED (1)');
    expect(waived).toBeGreaterThan(plain.indexOf('FAILURES'));
    expect(plain.indexOf('PROMO-LIST-004')).toBeGreaterThan(waived);
    expect(plain).toContain('known platform bug, ticket JOS-4411 (expires 2099-12-31)');
  });

  it('groups skipped checks that share a reason', () => {
    expect(plain).toContain(`${SKIP_REASON} (3): COUPON-UP-001, COUPON-UP-002, COUPON-UP-003`);
  });

  it('ends with coverage, uncovered rule ids and the verdict', () => {
    const lines = plain.trimEnd().split('\n');
    expect(lines.at(-2)).toContain('7/10 rules covered (70%); uncovered: JD-PROMO-08, JD-PROMO-09, JOS-REF-01');
    expect(lines.at(-1)).toBe('verdict:  FAIL — 1 must check failed, 1 must check errored (1 waived failure does not fail the run)');
  });

  it('shows expired waivers and a passing verdict', () => {
    const expired = renderConsole(makeReport({ expiredWaivers: [{ rule: 'JOS-03', reason: 'clock drift', expires: '2024-01-31' }] }), {
      color: false,
    });
    expect(expired).toContain('JOS-03: clock drift (expired 2024-01-31)');
    expect(expired).toContain('1 waiver expired');
    const pass = renderConsole(makePassingReport(), { color: false });
    expect(pass).not.toContain('FAILURES');
    expect(pass.trimEnd().split('\n').at(-1)).toBe(
      'verdict:  PASS — 5 checks, 0 must failures (3 skipped; 1 waived failure does not fail the run)',
    );
  });
});
