import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import type { CheckResult } from '../../src/report/types.js';
import { deepFreeze, makeMixedReport, makeReport } from './fixtures.js';

describe('renderHtml', () => {
  const html = renderHtml(deepFreeze(makeReport()));

  it('is one self-contained document', () => {
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<link|<img|<iframe|src=|@import|url\(|https?:\/\/(?!127\.0\.0\.1:8710)/i);
    // One inline script, allowed by its hash; nothing else may run or load.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toBe('');
    const hash = createHash('sha256').update(scripts[0]![2]!, 'utf8').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('shows everything without JavaScript: the filters stay hidden until the script runs', () => {
    expect(html).toMatch(/<form id="filters"[^>]* hidden>/);
    const rows = html.match(/<tr class="result[^>]*>/g) ?? [];
    expect(rows).toHaveLength(8);
    expect(rows.join('')).not.toContain('hidden');
    expect(html).toContain('showing 8 of 8 checks');
    expect(html).toMatch(/<tr class="result g-failed lvl-must" data-status="failed" data-level="must" data-rules="\d+ \d+">/);
  });

  it('offers every rule id of the results in the rule filter, escaped', () => {
    expect(html).toContain('<option value="">all rules</option>');
    for (const id of ['JD-PROMO-01', 'JD-PROMO-02', 'JOS-01', 'JOS-07'])
      expect(html).toMatch(new RegExp(`<option value="\\d+">${id}</option>`));
    const evil: CheckResult = { ...makeReport().results[0]!, rules: ['"><script>x</script>'] };
    const out = renderHtml(makeReport({ results: [evil] }));
    expect(out).toContain('<option value="0">&quot;&gt;&lt;script&gt;x&lt;/script&gt;</option>');
    expect(out.match(/<script/g)).toHaveLength(1);
  });

  it('marks ref checks and says whether their failures count, as strictRef does', () => {
    const lenient = renderHtml(deepFreeze(makeMixedReport(false)));
    expect(lenient).toMatch(/<tr class="result g-failed lvl-ref" data-status="failed" data-level="ref"/);
    expect(lenient).toContain(
      '<span class="badge ref" title="ref, does not fail the run">ref</span> <span class="ref-note">does not fail the run</span>',
    );
    expect(lenient).toContain('In this run they do not count against the verdict');
    expect(lenient).toContain('1 ref check failed or errored: reported, not counted.');
    expect(lenient).toContain('<span class="verdict fail">FAIL</span>');
    const strict = renderHtml(deepFreeze(makeMixedReport(true)));
    expect(strict).toContain('<span class="ref-note counts">counts in this run</span>');
    expect(strict).not.toContain('<span class="ref-note">');
    expect(strict).toContain('1 ref check failed (strict ref)');
    expect(strict).toContain('In this run they count against the verdict');
    expect(strict).toContain('1 ref check failed or errored and counted.');
    // A passed ref check is marked ref, without a note.
    expect(strict).toMatch(
      /<tr class="result g-passed lvl-ref"[^>]*>.*<td class="level"><span class="badge ref" title="[^"]*">ref<\/span><\/td>/,
    );
  });

  it('shows a run that verified nothing as such, not as a failure', () => {
    const skipped = makeReport().results.filter((r) => r.status === 'skipped');
    const out = renderHtml(
      makeReport({
        verdict: 'none',
        results: skipped,
        summary: { total: 3, passed: 0, failed: 0, errored: 0, skipped: 3, inconclusive: 0, waived: 0 },
      }),
    );
    expect(out).toContain('<span class="verdict none">NO CHECKS RAN</span>');
    expect(out).not.toContain('FAIL');
  });

  it('escapes the hostile body and every text field', () => {
    expect(html).not.toContain("<script>alert('pwned')");
    expect(html).toContain('&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; ]]&gt; &amp; &amp;amp;');
    expect(html).not.toContain('\u0000');
    expect(html).not.toContain('\u202e');
    expect(html).toContain('优惠券不存在');
    const evil: CheckResult = { ...makeReport().results[0]!, id: '"><img src=x>', title: "it's <b>bold</b>" };
    const out = renderHtml(makeReport({ results: [evil] }));
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
    expect(out).toContain('&quot;&gt;&lt;img src=x&gt;');
    expect(out).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt;');
  });

  it('shows summary cards, results grouped by status with failures first, and coverage', () => {
    expect(html).toMatch(/<span class="n s-failed">2<\/span><span class="l">failed<\/span>/);
    const order = ['id="failed"', 'id="errored"', 'id="inconclusive"', 'id="waived"', 'id="skipped"', 'id="passed"'].map((g) =>
      html.indexOf(`<tbody ${g}>`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('<details><summary><span class="q">expected error code 19, got success</span></summary>');
    expect(html).toContain('7/10 rules covered.');
    expect(html).toContain('<code class="uncovered">JOS-REF-01</code>');
  });
});
