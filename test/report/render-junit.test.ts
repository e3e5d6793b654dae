import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/render-junit.js';
import { deepFreeze, makeMixedReport, makeReport, makeResults } from './fixtures.js';
import { findAll, parseXml, type XmlElement } from './xml-check.js';

describe('renderJunit', () => {
  const xml = renderJunit(deepFreeze(makeReport()));
  const root = parseXml(xml);
  const cases = findAll(root, 'testcase');
  const byId = (id: string): XmlElement => {
    const found = cases.find((c) => c.attrs.name?.startsWith(`${id} `));
    if (!found) throw new Error(`no testcase ${id}`);
    return found;
  };

  it('is well-formed XML with counts that match its testcases', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'promoproof', tests: '8', failures: '1', errors: '1', skipped: '5', time: '1.534' });
    expect(cases).toHaveLength(8);
    expect(findAll(root, 'failure')).toHaveLength(1);
    expect(findAll(root, 'error')).toHaveLength(1);
    expect(findAll(root, 'skipped')).toHaveLength(5);
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['jd-promotion', 'jos-transport']);
    for (const suite of suites) {
      const own = suite.children.filter((c) => c.name === 'testcase');
      expect(Number(suite.attrs.tests)).toBe(own.length);
      expect(Number(suite.attrs.failures)).toBe(own.filter((c) => c.children.some((x) => x.name === 'failure')).length);
      expect(Number(suite.attrs.errors)).toBe(own.filter((c) => c.children.some((x) => x.name === 'error')).length);
      expect(Number(suite.attrs.skipped)).toBe(own.filter((c) => c.children.some((x) => x.name === 'skipped')).length);
      for (const c of own) expect(c.attrs.classname).toBe(suite.attrs.name);
    }
  });

  it('names testcases "<id> <title>" with times in seconds to three decimals', () => {
    expect(byId('PROMO-ADD-001').attrs.name).toBe('PROMO-ADD-001 adds a full-reduction promotion');
    expect(byId('PROMO-ADD-002[3]').attrs.time).toBe('0.048');
    expect(byId('JOS-SIGN-003').attrs.time).toBe('1.003');
    for (const c of cases) expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
  });

  it('puts rule ids and level in properties', () => {
    const props = findAll(byId('PROMO-ADD-002[3]'), 'property').map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toEqual(
      expect.arrayContaining([
        ['rule', 'JD-PROMO-02'],
        ['rule', 'JOS-01'],
        ['level', 'must'],
      ]),
    );
  });

  it('describes a failure with its type, expected / actual, request, response and curl', () => {
    const failure = findAll(byId('PROMO-ADD-002[3]'), 'failure')[0];
    expect(failure?.attrs).toEqual({ message: 'expected error code 19, got success', type: 'JD-PROMO-02' });
    expect(failure?.text).toContain('expected: error_response.code = "19"');
    expect(failure?.text).toContain('actual: jingdong_seller_promotion_add_responce.code = "0"');
    expect(failure?.text).toContain('request: POST http://127.0.0.1:8710/routerjson');
    expect(failure?.text).toContain('360buy_param_json={"name":"50% | off","discount":"150"}');
    expect(failure?.text).toContain('curl: curl -sS');
    expect(failure?.text).toContain("<script>alert('pwned')</script> ]]> & &amp;");
    expect(failure?.text).toContain('优惠券不存在');
    expect(findAll(byId('JOS-SIGN-003'), 'error')[0]?.attrs.message).toBe('ECONNRESET: socket hang up');
  });

  it('escapes the hostile body', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('&lt;script&gt;');
    expect(xml).toContain('\\x00');
  });

  it('renders skipped, inconclusive and waived checks as skipped', () => {
    expect(findAll(byId('COUPON-UP-002'), 'skipped')[0]?.attrs.message).toMatch(/^target has no sandbox shop/);
    expect(findAll(byId('JOS-TIME-002'), 'skipped')[0]?.attrs.message).toMatch(/^inconclusive: clock of the target/);
    const waived = byId('PROMO-LIST-004');
    expect(findAll(waived, 'skipped')[0]?.attrs.message).toBe('waived: known platform bug, ticket JOS-4411 (expires 2099-12-31)');
    expect(findAll(waived, 'failure')).toHaveLength(0);
  });

  it('reports expired waivers as failed testcases, so the JUnit view fails with the verdict', () => {
    const report = makeReport({ expiredWaivers: [{ rule: 'JOS-03', reason: 'clock <drift>', expires: '2024-01-31' }] });
    const withExpired = parseXml(renderJunit(report));
    expect(withExpired.attrs).toMatchObject({ tests: '9', failures: '2', errors: '1', skipped: '5' });
    const suite = findAll(withExpired, 'testsuite').at(-1);
    expect(suite?.attrs).toMatchObject({ name: 'promoproof.expired-waivers', tests: '1', failures: '1' });
    expect(findAll(suite!, 'failure')[0]?.attrs).toEqual({
      message: 'waiver for JOS-03 expired on 2024-01-31: clock <drift>',
      type: 'expired-waiver',
    });
  });
});

describe('renderJunit fails exactly when the verdict does', () => {
  const refCase = (strictRef: boolean) => {
    const root = parseXml(renderJunit(deepFreeze(makeMixedReport(strictRef))));
    return findAll(root, 'testcase').find((c) => c.attrs.name?.startsWith('REF-SEQ-002 '))!;
  };

  it('renders a failed ref check that does not count in this run as skipped, with its details', () => {
    const c = refCase(false);
    expect(findAll(c, 'failure')).toHaveLength(0);
    expect(findAll(c, 'skipped')[0]?.attrs.message).toMatch(/^failed ref, does not fail the run: accepted an empty seq/);
    expect(renderJunit(makeMixedReport(false))).toContain('pass --strict-ref to count it');
  });

  it('renders it as a failure under strict ref', () => {
    const c = refCase(true);
    expect(findAll(c, 'failure')).toHaveLength(1);
    expect(findAll(c, 'skipped')).toHaveLength(0);
  });

  it('adds one errored testcase when the run verified nothing (verdict none, exit 4)', () => {
    const results = makeResults().map((r) => ({
      ...r,
      status: 'skipped' as const,
      message: 'target lacks capability test-control',
      waived: undefined,
      failure: undefined,
    }));
    const report = makeReport({
      results,
      verdict: 'none',
      summary: { total: results.length, passed: 0, failed: 0, errored: 0, skipped: results.length, inconclusive: 0, waived: 0 },
    });
    const root = parseXml(renderJunit(deepFreeze(report)));
    expect(root.attrs).toMatchObject({ errors: '1', failures: '0', tests: String(results.length + 1) });
    const errors = findAll(root, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.attrs.message).toMatch(/^NO CHECKS RAN/);
    expect(findAll(root, 'testsuite').map((s) => s.attrs.name)).toContain('promoproof.verdict');
  });
});
