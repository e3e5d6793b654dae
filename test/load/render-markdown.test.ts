/**
 * The load run as a pull-request comment (src/load/render-markdown.ts): the verdict line first, the
 * rates, the table per operation and class, the SLOs and the audit when present, the baseline when
 * given, link-free, and a target's text unable to change the layout.
 */
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/load/baseline.js';
import { renderLoadMarkdown } from '../../src/load/render-markdown.js';
import type { LoadResult } from '../../src/load/types.js';
import { capacitySearch, OVERSOLD } from './capacity-fixture.js';
import { cleanRun, partOneRun, richRun } from './report-fixture.js';

/** The text outside code spans and fenced blocks: what GitHub renders as Markdown. */
function prose(md: string): string {
  return md.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2\s*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

describe('renderLoadMarkdown', () => {
  it('opens with the verdict and its reason: a failed audit and a 5xx fail the run, naming both', () => {
    const md = renderLoadMarkdown(richRun({ nonConformant: true }));
    const first = md.split('\n')[0] ?? '';
    expect(first).toMatch(
      /^## ❌ promoproof load: FAIL — 2 non-conformant answers \(claim: HTTP 503 ×1; list: not-json ×1\); the audit found a violated invariant: stock \(expected pp-P1: ≤ 1000, observed pp-P1: 1003 handed out\)$/,
    );
  });

  it('says PASS with what held for a clean run, and SLO MISSED for a run whose SLO missed', () => {
    expect(renderLoadMarkdown(cleanRun()).split('\n')[0]).toBe(
      '## ✅ promoproof load: PASS — no non-conformant answer, the audit held, all 2 SLOs held, the generator kept up',
    );
    const missed: LoadResult = { ...richRun(), audit: cleanRun().audit };
    expect(renderLoadMarkdown(missed).split('\n')[0]).toMatch(
      /^## ⚠️ promoproof load: SLO MISSED — 1 of 2 SLOs not held: claim\.p99\\<200ms/,
    );
  });

  it("opens a capacity search's comment with the search's verdict: a step oversold fails it though the held step passed", () => {
    const search = capacitySearch(
      [
        [100, 'held'],
        [200, 'broke', OVERSOLD],
      ],
      'resolution',
    );
    const md = renderLoadMarkdown({ ...cleanRun(), capacity: search });
    const lines = md.split('\n');
    expect(lines[0]).toBe(
      '## ❌ promoproof load --find-capacity: FAIL — holds 100/s (claim p99 1.00 ms), exact; breaks at 200/s: the audit found violated: stock (expected ≤ 20, observed 23)',
    );
    expect(md).toContain('> a step that was not exact fails the search whatever rate held: exactness does not get a capacity');
    expect(md).toContain('### Capacity search: 2 steps');
    expect(md).not.toContain('PASS');
  });

  it('gives the run, the rates and one row per operation and class with its latencies in ms', () => {
    const md = renderLoadMarkdown(richRun());
    expect(md).toMatch(
      /\*\*Profile\*\* `claim-storm` .*· \*\*Target\*\* `http:\/\/127\.0\.0\.1:8620\/routerjson` \(embedded reference\) · \*\*Model\*\* open, latency from the intended send/,
    );
    expect(md).toMatch(
      /\*\*Rate\*\* intended [\d.,]+\/s · achieved [\d.,]+\/s \([\d.]+ % of intended\) · sent 6,803 of 6,800 · not sent 60 · sold out: claim at 1\.0\d s/,
    );
    expect(md).toContain('| Operation | Class | Count | Share | p50 | p90 | p99 | p99.9 | max |');
    expect(md).toMatch(/\| `claim` \| success \| 1,000 \| [\d.]+ % \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    expect(md).toMatch(/\| {2}\| refusal \| 2,900 \|/);
    // A transport error has no latency: a dash, never a 0.
    expect(md).toMatch(/\| {2}\| transport \| 1 \| <0\.1 % \| — \| \| \| \| \|/);
    expect(md).toMatch(/- `claim` refusal codes: `coupon\.stock\.empty` ×2,784, `coupon\.weird` ×116 \*\*\(unexpected\)\*\*/);
    expect(md).not.toMatch(/\b0 ms\b/);
  });

  it('shows the SLOs and the audit with their verdicts, the examples of a violation, and where an SLO came from', () => {
    const md = renderLoadMarkdown(richRun());
    expect(md).toContain('### SLOs: 1 of 2 not held');
    expect(md).toMatch(/\| ❌ missed \| `claim\.p99<200ms` \| p99 of 1,000 successes of claim: 301\.5 ms, not \\< 200 ms \| profile \|/);
    expect(md).toMatch(/\| ✅ held \| `errors<0\.1%` \| .* \| `--slo` \|/);
    expect(md).toContain('### ❌ Audit: failed');
    expect(md).toMatch(
      /\| ❌ violated \| `stock` successes ≤ stock, per batch \| pp-P1: ≤ 1000 \| pp-P1: 1003 handed out \| user 6659388004256, request cf8afda9-1v, coupon PPC7QK2M9XR4; user 6659388004257/,
    );
    expect(md).toContain('Unknown outcomes resolved by lookup: 1 made, 1 not made, 0 unresolved.');
    // A report of load part 1 has neither.
    const old = renderLoadMarkdown(partOneRun());
    expect(old).not.toContain('### SLOs');
    expect(old).not.toContain('Audit');
  });

  it('compares with a baseline: the regressions beyond noise, the noise rule, the count within it', () => {
    const before = cleanRun();
    const slower = richRun();
    const md = renderLoadMarkdown(slower, { baseline: compareWithBaseline(slower, before, 'reports/old.json') });
    expect(md).toMatch(/### ❌ Compared with the baseline: \d+ regressions? beyond noise/);
    expect(md).toContain('Baseline started 2026-11-11T00:00:00.000Z (`reports/old.json`); noise: a latency percentile within 10 % or 1 ms');
    expect(md).toMatch(/\| ❌ regression \| audit stock \| held → violated \(worse\) \|/);
    expect(md).toMatch(/\| ❌ regression \| SLO claim\.p99\\<200ms \| held → missed \(worse\) \|/);
    expect(md).toMatch(/\d+ metrics? within noise/);
    const same = renderLoadMarkdown(before, { baseline: compareWithBaseline(before, before) });
    expect(same).toContain('### ✅ Compared with the baseline: no regression beyond noise');
  });

  it('is link-free, and what a target said cannot change the layout', () => {
    const md = renderLoadMarkdown(richRun({ nonConformant: true }));
    const text = prose(md);
    // Nothing GitHub would make a link: no Markdown link, no bare URL or e-mail address, no HTML anchor.
    expect(text).not.toMatch(/(?<!\\)\]\(/);
    expect(text).not.toMatch(/:\/\//);
    expect(text).not.toMatch(/www\.|@[a-z]/i);
    expect(md).not.toMatch(/<a\s/i);
    expect(text).not.toContain('<script>');
    expect(md).toContain('bad \\<script\\>alert(1)\\</script\\> \\| \\`tick\\` \\[link\\](`http://evil.example/x)` \\*\\*bold\\*\\*');
    // Control characters of the target's text are shown, never sent to the reader's screen.
    expect(md).not.toMatch(/[\u001b\u202e]/);
    expect(md).toContain('\\x1b');
    // Every table row keeps its column count.
    for (const line of md.split('\n').filter((l) => l.startsWith('| ❌ violated') || l.startsWith('| ✅ held')))
      expect(line.replace(/\\\|/g, '').split('|').length, line).toBeGreaterThanOrEqual(5);
    expect(md.length).toBeLessThan(65_536);
  });

  it('puts the samples of answers that were not a success in a folded block with their curl lines', () => {
    const md = renderLoadMarkdown(richRun({ nonConformant: true }));
    expect(md).toMatch(/<details>\n<summary>Samples of answers that were not a success \(\d+\)<\/summary>/);
    expect(md).toMatch(/- `claim` non-conformant: HTTP 503/);
    expect(md).toContain('  ```sh\n  curl -X POST http://127.0.0.1:8620/routerjson\n  ```');
  });
});
