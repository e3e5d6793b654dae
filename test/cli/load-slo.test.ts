/**
 * `promoproof load` as a CI gate: SLOs from the profile and `--slo`, exit 5 when one is missed, the SLO
 * table on the console, `sloVerdicts` in the JSON report and the JUnit report; the exit order (1, then 5,
 * then 6); usage errors for a bad `--slo`; exit 5 documented wherever the exit codes are. Against the
 * embedded reference in its own process, with a tiny storm. No timing is asserted: the SLO that must
 * miss asks for a p99 under 1 µs (no HTTP exchange is that fast), the one that must hold allows 60 s
 * (above the request timeout).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { exitOf } from '../../src/cli/load-reports.js';
import { mainHelp } from '../../src/cli/main.js';
import { parseSlo } from '../../src/load/profile.js';
import { createRecorder } from '../../src/load/record.js';
import { withSloVerdicts } from '../../src/load/slo.js';
import type { LoadResult } from '../../src/load/types.js';
import { generator, meta, PLAN, SERVER_ERROR, SUCCESS } from '../load/recorded.js';
import { findAll, parseXml } from '../report/xml-check.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-load-slo-'));
const PROFILE = join(dir, 'slo-storm.yaml');
writeFileSync(
  PROFILE,
  `profile: slo-storm
title: A tiny claim storm with SLOs
description: |
  Ten coupons for a spike of 20 claims and half a second of claims after it.
apis: [jd-coupon, tencent-coupon-batch]
vars: { batch: "pp-\${fresh.name}", stock: 10 }
setup:
  - call: order/add_coupon
    api: tencent-coupon-batch
    params:
      dataSourceId: "\${target.dataSourceId}"
      coupons:
        - { external_coupon_id: "\${batch}", coupon_name: 秒杀券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10, store_count: "\${stock}", max_coupon_number_per_user: 1 }
users: { count: 100 }
mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: "\${user}", request_id: "\${requestId}" }
    refusals: [coupon.stock.empty, coupon.user.limit]
    soldOut: [coupon.stock.empty]
    stock: "\${stock}"
phases:
  - { phase: spike, requests: 20, operation: claim }
  - { phase: steady, duration: 500ms, rate: 40 }
slo: [claim.p99<60s, errors<=100%]
`,
);

const schema = JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('load SLO gates', () => {
  it('a missed SLO exits 5: the console table, the JSON verdicts and the JUnit failure say which, observed vs limit', async () => {
    const out = { json: join(dir, 'missed.json'), junit: join(dir, 'missed.xml') };
    const r = await cli([
      'load',
      '--profile',
      PROFILE,
      '--slo',
      'claim.p99<0.001ms',
      '--report',
      `json=${out.json}`,
      '--report',
      `junit=${out.junit}`,
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(EXIT.sloMissed);
    const report = JSON.parse(readFileSync(out.json, 'utf8')) as LoadResult;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    // The command line's claim.p99 replaced the profile's; the profile's errors SLO stays.
    expect(report.sloVerdicts?.map((v) => [v.slo, v.source, v.held])).toEqual([
      ['errors<=100%', 'profile', true],
      ['claim.p99<0.001ms', 'command-line', false],
    ]);
    expect(report.sloVerdicts?.[1]?.observed).toBeGreaterThan(0.001);
    expect(r.stdout).toMatch(/SLOs over the measured window: 1 of 2 not held/);
    expect(r.stdout).toMatch(
      /\n {2}MISSED {2}claim\.p99<0\.001ms {2}p99 of \d+ successes of claim: [\d.]+ ms, not < 0\.001 ms \(--slo\)\n/,
    );
    const junit = parseXml(readFileSync(out.junit, 'utf8'));
    const failures = findAll(junit, 'failure');
    expect(failures.map((f) => f.attrs.type)).toEqual(['slo-missed']);
    expect(failures[0]?.attrs.message).toMatch(/^claim\.p99<0\.001ms \(command-line\): observed [\d.]+ ms, limit < 0\.001 ms$/);
    expect(findAll(junit, 'testcase').map((c) => c.attrs.name)).toEqual(
      expect.arrayContaining([
        'the run is valid (the generator kept up)',
        'every answer is conformant',
        'SLO errors<=100%',
        'SLO claim.p99<0.001ms',
      ]),
    );
  }, 60_000);

  it('SLOs that hold exit 0 (or 6 when this machine could not keep up)', async () => {
    const r = await cli(['load', '--profile', PROFILE, '--slo', 'claim.p99<60s', '--json', '--report', `json=${join(dir, 'held.json')}`]);
    expect([EXIT.ok, EXIT.invalidRun], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as LoadResult;
    expect(report.sloVerdicts?.map((v) => [v.slo, v.source, v.held])).toEqual([
      ['errors<=100%', 'profile', true],
      ['claim.p99<60s', 'command-line', true],
    ]);
    expect(r.code === EXIT.invalidRun).toBe(!report.generator.valid);
  }, 60_000);

  it('a --slo that does not parse, or names an operation the mix lacks, is a usage error before anything runs', async () => {
    const unknown = await cli(['load', '--profile', PROFILE, '--slo', 'clam.p99<1s']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toMatch(/--slo 'clam\.p99<1s' names operation 'clam', which the mix of slo-storm does not have.*claim/);
    expect(unknown.stderr).not.toMatch(/starting the embedded reference/);
    const bad = await cli(['load', '--profile', PROFILE, '--slo', 'claim.p99<200']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/a latency needs a time unit.*\[PP_USAGE\]/);
    const klass = await cli(['load', '--profile', PROFILE, '--slo', 'claim.transport.p99<1s']);
    expect(klass.code).toBe(EXIT.usage);
    expect(klass.stderr).toMatch(/transport errors have no latency/);
  });
});

describe('the exit code of a load run (exitOf)', () => {
  /** A run with `bad` 5xx answers among 50 successes, gated on `slos`, its generator valid or not. */
  function result(bad: number, slos: readonly string[], valid = true): LoadResult {
    const r = createRecorder(PLAN);
    for (let i = 0; i < 50; i++) r.record('steady', 'claim', SUCCESS, 1000, i);
    for (let i = 0; i < bad; i++) r.record('steady', 'claim', SERVER_ERROR, 1000, 50 + i);
    r.phaseDone('steady', { intended: 50 + bad, intendedRatePerS: 25, elapsedMs: 2000 });
    const run = r.result(meta({ generator: valid ? generator() : generator(false, ['late']) }));
    return withSloVerdicts(
      run,
      slos.map((text) => ({ ...parseSlo(text), text, source: 'profile' as const })),
    );
  }

  it('is 1 for non-conformant answers, else 5 for an SLO missed or not measured, else 6 for an invalid run, else 0', () => {
    expect(exitOf(result(1, ['claim.p99<1ms'], false))).toBe(EXIT.checkFailed);
    expect(exitOf(result(0, ['claim.p99<0.5ms'], false))).toBe(EXIT.sloMissed);
    expect(exitOf(result(0, ['verify.p99<1s']))).toBe(EXIT.sloMissed);
    expect(exitOf(result(0, ['claim.p99<2ms'], false))).toBe(EXIT.invalidRun);
    expect(exitOf(result(0, ['claim.p99<2ms', 'errors<1%']))).toBe(EXIT.ok);
    expect(exitOf(result(0, []))).toBe(EXIT.ok);
  });
});

describe('exit 5 is documented', () => {
  it('in the README table, promoproof --help and load --help', async () => {
    expect(EXIT.sloMissed).toBe(5);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('### Problem codes'));
    expect(table).toMatch(/^\| 5 \| load: an SLO was missed/m);
    expect(mainHelp()).toMatch(/\b5 a load SLO missed/);
    const help = await cli(['load', '--help']);
    expect(help.stdout).toMatch(/\b5 an SLO missed or not measured/);
    expect(help.stdout).toContain('--slo SLO');
    expect(help.stdout).toMatch(/--report FORMAT=PATH\s+json, html, markdown, junit or console/);
  });
});
