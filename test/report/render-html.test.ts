import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import type { CheckResult } from '../../src/report/types.js';
import { deepFreeze, makeReport } from './fixtures.js';

describe('renderHtml', () => {
  const html = renderHtml(deepFreeze(makeReport()));

  it('is one self-contained document', () => {
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
    expect(html).toContain('Content-Security-Policy');
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
    expect(html).toContain('<details><summary>expected error code 19, got success</summary>');
    expect(html).toContain('7/10 rules covered.');
    expect(html).toContain('<code class="uncovered">JOS-REF-01</code>');
  });
});
