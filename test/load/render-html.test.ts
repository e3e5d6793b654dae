/**
 * The load run as one HTML page (src/load/render-html.ts), read as text: the verdict, the four charts
 * as inline SVG with their data points, the tables (operations, SLOs, audit, baseline), a CSP that
 * allows nothing to load or run, no external URL, and a target's text escaped. The page in a real
 * browser: test/load/html-browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/load/baseline.js';
import { LOAD_HTML_CSP, renderLoadHtml } from '../../src/load/render-html.js';
import { capacitySearch } from './capacity-fixture.js';
import { cleanRun, partOneRun, richRun } from './report-fixture.js';

/** Each chart's drawn series: its name and how many points it plots. */
function chartSeries(html: string): { title: string; series: { name: string; points: number; d: string }[] }[] {
  return [...html.matchAll(/<svg class="chart"[^>]*>\n<title>([^<]*)<\/title>([\s\S]*?)<\/svg>/g)].map((m) => ({
    title: m[1] ?? '',
    series: [...(m[2] ?? '').matchAll(/<path class="[^"]*" data-series="([^"]*)" data-points="(\d+)" d="([^"]*)"/g)].map((p) => ({
      name: p[1] ?? '',
      points: Number(p[2]),
      d: p[3] ?? '',
    })),
  }));
}

describe('renderLoadHtml', () => {
  it('headlines the verdict and its reason, with the run and its figures', () => {
    const html = renderLoadHtml(richRun({ nonConformant: true }));
    expect(html).toMatch(/<h1>promoproof load <span class="verdict fail">FAIL<\/span><\/h1>/);
    expect(html).toMatch(
      /<p class="reason">2 non-conformant answers \(claim: HTTP 503 ×1; list: not-json ×1\); the audit found a violated invariant: stock/,
    );
    expect(html).toContain('<title>promoproof load fail: claim-storm</title>');
    expect(html).toMatch(/<span class="n">6,804<\/span><span class="l">sent<\/span>/);
    expect(html).toMatch(/<span class="n">1\.0\d s<\/span><span class="l">sold out at<\/span>/);
    expect(renderLoadHtml(cleanRun())).toMatch(/<span class="verdict pass">PASS<\/span>/);
  });

  it("headlines a capacity search's verdict, not its held step's: the generator's limit came first (exit 6)", () => {
    const search = capacitySearch(
      [
        [100, 'held'],
        [200, 'generator-limit'],
      ],
      'generator-limit',
    );
    const html = renderLoadHtml({ ...cleanRun(), capacity: search });
    expect(html).toContain('<h1>promoproof load --find-capacity <span class="verdict invalid">GENERATOR LIMIT</span></h1>');
    expect(html).toContain('<title>promoproof load --find-capacity generator limit: claim-storm</title>');
    expect(html).toMatch(
      /<p class="reason">holds 100\/s \(claim p99 1\.00 ms\), exact; the generator&#39;s limit, not the target&#39;s, was reached at 200\/s/,
    );
    expect(html).not.toContain('PASS');
    // The search's section follows: its steps, the headline not repeated.
    expect(html).toContain('<h2 id="capacity">Capacity search: 2 steps</h2>');
    expect(html.split(search.headline.slice(0, 30)).length).toBe(2);
  });

  it('draws the four charts as inline SVG, each series with its data points', () => {
    const charts = chartSeries(renderLoadHtml(richRun()));
    expect(charts.map((c) => c.title.split(',')[0])).toEqual([
      'Latency over time per outcome class (p99 solid',
      'Achieved against intended throughput over time',
      'Outcome classes over time',
      'Latency by percentile per operation and class',
    ]);
    const [latency, throughput, classes, distribution] = charts;
    // 30 one-second buckets: the spike's successes in the first, list reads' in every one; refusals from the second on.
    expect(latency?.series.map((s) => s.name)).toEqual(
      [
        'success p99',
        'success p50',
        'refusal p99',
        'refusal p50',
        'non-conformant p99',
        'non-conformant p50',
        'unknown p99',
        'unknown p50',
      ].filter((n) => !n.startsWith('non-conformant')),
    );
    expect(latency?.series.find((s) => s.name === 'refusal p99')?.points).toBe(29);
    expect(latency?.series.find((s) => s.name === 'success p99')?.points).toBe(30);
    expect(throughput?.series.map((s) => [s.name, s.points])).toEqual([
      ['intended', 30],
      ['sent (achieved)', 30],
      ['answered', 30],
      ['not sent (every connection busy)', 30],
    ]);
    expect(classes?.series.map((s) => s.name)).toEqual(['success', 'refusal', 'transport', 'unknown']);
    expect(classes?.series.find((s) => s.name === 'refusal')?.points).toBe(29);
    // Percentiles from 0 to 99.97 % (the most answers 2,900: 3.5 nines) in steps of 0.05 nines, largest first.
    expect(distribution?.series.map((s) => s.name)).toEqual([
      'claim · refusal (2,900)',
      'list · success (2,900)',
      'claim · success (1,000)',
      'list · unknown (2)',
    ]);
    expect(distribution?.series[0]?.points).toBe(71);
    for (const c of charts)
      for (const s of c.series) {
        expect(s.points, `${c.title}: ${s.name}`).toBeGreaterThan(0);
        expect(s.d, `${c.title}: ${s.name}`).toMatch(/^M[\d.]+ [\d.]+/);
      }
  });

  it('draws latency on a log scale when it spans decades, and labels the percentile axis in nines', () => {
    const html = renderLoadHtml(richRun());
    expect(html).toMatch(/<text class="tick"[^>]*>90 %<\/text>/);
    expect(html).toMatch(/<text class="tick"[^>]*>99\.9 %<\/text>/);
    expect(html).toMatch(/<text class="tick"[^>]*>1000<\/text>/);
    expect(html).toContain('log scale');
  });

  it('lists every operation and class, the SLOs, the audit with its examples, the phases and the generator', () => {
    const html = renderLoadHtml(richRun());
    expect(html).toMatch(
      /<tr><td><code>claim<\/code><\/td><td class="class"><span class="swatch k-success"><\/span>success<\/td><td class="num">1,000<\/td>/,
    );
    expect(html).toMatch(/<code>coupon\.weird<\/code> ×116 <span class="s-fail">\(unexpected\)<\/span>/);
    expect(html).toMatch(/<h2 id="slos">SLOs: <span class="s-fail">1 of 2 not held<\/span><\/h2>/);
    expect(html).toMatch(/<span class="s-fail">missed<\/span><\/td><td><code>claim\.p99&lt;200ms<\/code>/);
    expect(html).toMatch(/<h2 id="audit">Audit: <span class="s-fail">failed<\/span><\/h2>/);
    expect(html).toContain('<li>user 6659388004256, request cf8afda9-1v, coupon PPC7QK2M9XR4</li>');
    expect(html).toMatch(/<td>after<\/td><td>steady<\/td><td class="num">5,800<\/td>/);
    expect(html).toContain('Valid: the generator kept up');
    const old = renderLoadHtml(partOneRun());
    expect(old).not.toContain('id="slos"');
    expect(old).not.toContain('id="audit"');
  });

  it('compares with a baseline: regressions beyond noise shown, the rest folded away', () => {
    const now = richRun();
    const html = renderLoadHtml(now, { baseline: compareWithBaseline(now, cleanRun(), 'old.json') });
    expect(html).toMatch(/<h2 id="baseline">Compared with the baseline: <span class="s-fail">\d+ regressions? beyond noise<\/span>/);
    expect(html).toMatch(
      /<td><span class="s-fail">regression<\/span><\/td><td>audit stock<\/td><td class="num">held<\/td><td class="num">violated<\/td>/,
    );
    expect(html).toMatch(/<details><summary>\d+ more within noise or not compared<\/summary>/);
    expect(html).toContain('noise: a latency percentile within 10 % or 1 ms');
  });

  it('says when a report has no time series, and still draws the distribution', () => {
    const html = renderLoadHtml(partOneRun());
    expect(html).toContain('This report has no time series');
    expect(chartSeries(html).map((c) => c.title.split(' ')[0])).toEqual(['Latency']);
  });

  it('loads and runs nothing: its CSP allows only the inline style sheet; no script, no external URL', () => {
    const html = renderLoadHtml(richRun({ nonConformant: true }), { baseline: compareWithBaseline(richRun(), cleanRun()) });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${LOAD_HTML_CSP}">`);
    expect(LOAD_HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\s(src|srcset|action|xlink:href)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // Every link stays on the page.
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    // The only absolute URLs are the text of the target and of curl lines (escaped text, never a link).
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(
      new Set(['http://127.0.0.1:8620/routerjson', 'http://evil.example/x', 'http://www.w3.org/2000/svg'].filter((u) => html.includes(u))),
    );
  });

  it('escapes what a target said', () => {
    const html = renderLoadHtml(richRun());
    expect(html).toContain('bad &lt;script&gt;alert(1)&lt;/script&gt; | `tick` [link](http://evil.example/x) **bold** \\x1b[31m\\u202e');
    expect(html).not.toMatch(/[\u001b\u202e]/);
  });
});
