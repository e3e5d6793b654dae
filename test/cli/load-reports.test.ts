/**
 * `promoproof load`'s reports for people, end to end against the embedded reference: without --report
 * it writes JSON, HTML, Markdown and JUnit under reports/; `--report html=… markdown=…` writes those;
 * `--baseline` compares with an earlier run in the console, the Markdown and the HTML, and refuses a
 * report of another profile (or no report at all) before running anything. No timing is asserted.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { parseBaseline } from '../../src/load/baseline.js';
import type { LoadResult } from '../../src/load/types.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-load-reports-'));
const PROFILE = join(dir, 'tiny-storm.yaml');
writeFileSync(
  PROFILE,
  `profile: tiny-storm
title: A tiny claim storm
description: |
  Thirty coupons for a spike of 60 claims and a second of claims after it.
apis: [jd-coupon, tencent-coupon-batch]
vars: { batch: "pp-\${fresh.name}", stock: 30 }
setup:
  - call: order/add_coupon
    api: tencent-coupon-batch
    params:
      dataSourceId: "\${target.dataSourceId}"
      coupons:
        - { external_coupon_id: "\${batch}", coupon_name: 秒杀券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10, store_count: "\${stock}", max_coupon_number_per_user: 1 }
users: { count: 200 }
mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: "\${user}", request_id: "\${requestId}" }
    refusals: [coupon.stock.empty, coupon.user.limit]
    soldOut: [coupon.stock.empty]
    stock: "\${stock}"
phases:
  - { phase: spike, requests: 60, operation: claim }
  - { phase: steady, duration: 1s, rate: 100 }
run: { connections: 64 }
`,
);

/** The exit codes of a run that completed: held, or invalid on a busy machine. */
const RAN = [EXIT.ok, EXIT.invalidRun];

describe('promoproof load: the reports people read', () => {
  const work = join(dir, 'work');

  it('writes JSON, HTML, Markdown and JUnit under reports/ by default', async () => {
    const r = await cli(['load', '--profile', PROFILE, '--no-audit'], { cwd: work });
    expect(RAN, r.stderr + r.stdout).toContain(r.code);
    expect(r.stdout).toContain(
      'Reports: reports/promoproof-load.json, reports/promoproof-load.html, reports/promoproof-load.md, reports/promoproof-load-junit.xml',
    );
    const report = JSON.parse(readFileSync(join(work, 'reports/promoproof-load.json'), 'utf8')) as LoadResult;
    // Every second of the run in the series, every measured answer in it.
    const inSeries = report.series?.buckets.reduce((n, b) => n + Object.values(b.classes).reduce((m, c) => m + c.count, 0), 0);
    expect(inSeries).toBe(report.totals.operations['claim']?.count);
    const html = readFileSync(join(work, 'reports/promoproof-load.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(4);
    const md = readFileSync(join(work, 'reports/promoproof-load.md'), 'utf8');
    expect(md).toMatch(/^## (✅|⚠️) promoproof load: (PASS|INVALID) — /);
    expect(md).toMatch(/\| `claim` \| success \| 30 \|/);
    expect(readFileSync(join(work, 'reports/promoproof-load-junit.xml'), 'utf8')).toMatch(/^<\?xml/);
  }, 60_000);

  it('--baseline compares with an earlier run of the profile, in the console, the Markdown and the HTML', async () => {
    const old = join(work, 'reports/promoproof-load.json');
    const md = join(dir, 'compared.md');
    const html = join(dir, 'compared.html');
    const r = await cli(
      ['load', '--profile', PROFILE, '--no-audit', '--baseline', old, '--report', `markdown=${md}`, '--report', `html=${html}`],
      {
        cwd: work,
      },
    );
    expect(RAN, r.stderr + r.stdout).toContain(r.code);
    expect(r.stdout).toMatch(
      /Compared with the baseline \(started [^)]*promoproof-load\.json\): (no regression beyond noise|\d+ regressions? beyond noise)/,
    );
    expect(r.stdout).toMatch(/metrics? within noise.*; noise: a latency percentile within 10 % or 1 ms/);
    expect(r.stdout).toContain(`Reports: ${md}, ${html}`);
    expect(readFileSync(md, 'utf8')).toMatch(/### (✅|❌) Compared with the baseline/);
    expect(readFileSync(html, 'utf8')).toContain('<h2 id="baseline">Compared with the baseline');
    // Only the reports asked for.
    expect(existsSync(join(dir, 'compared.json'))).toBe(false);
  }, 60_000);

  it('refuses a baseline of another profile, or a file that is not a load report, before running anything', async () => {
    const report = readFileSync(join(work, 'reports/promoproof-load.json'), 'utf8');
    const other = join(dir, 'other.json');
    writeFileSync(other, report.replace('"name": "tiny-storm"', '"name": "verify-steady"'));
    expect(parseBaseline(readFileSync(other, 'utf8'), other).profile.name).toBe('verify-steady');
    const r = await cli(['load', '--profile', PROFILE, '--baseline', other], { cwd: work });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(
      `--baseline ${other}: a run of profile verify-steady, not tiny-storm: a baseline compares two runs of the same profile`,
    );
    expect(r.stderr).not.toContain('starting the embedded reference');

    const notReport = join(dir, 'check.json');
    writeFileSync(notReport, JSON.stringify({ format: 'promoproof/1', results: [] }));
    const n = await cli(['load', '--profile', PROFILE, '--baseline', notReport], { cwd: work });
    expect(n.code).toBe(EXIT.usage);
    expect(n.stderr).toMatch(/not a load report \(its format is "promoproof\/1"/);

    const missing = await cli(['load', '--profile', PROFILE, '--baseline', join(dir, 'nowhere.json')], { cwd: work });
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/nowhere\.json/);
  });

  it('names the report formats it knows when given another', async () => {
    const r = await cli(['load', '--profile', PROFILE, '--report', 'pdf=x.pdf'], { cwd: work });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("unknown format 'pdf' (known: json, console, junit, html, markdown)");
  });
});
