/**
 * `promoproof load` end to end, in-process, against the embedded reference in its own process: a short
 * profile written for the test (a spike and a second of steady claims on a small stock), the JSON
 * report, exactness of the storm as the generator saw it, the request cap, an interrupted run that
 * still writes its report, loopback only, and usage errors. No timing is asserted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/reference/server.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { LoadResult } from '../../src/load/types.js';
import { runCli } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-load-cli-'));
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
slo: [claim.p99<60s]
`,
);

const schema = JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function readReport(path: string): LoadResult {
  return JSON.parse(readFileSync(path, 'utf8')) as LoadResult;
}

describe('promoproof load', () => {
  it('runs a profile against the embedded reference: the storm hands out exactly the stock, the report validates', async () => {
    const out = join(dir, 'run.json');
    const r = await cli(['load', '--profile', PROFILE, '--report', `json=${out}`]);
    expect([EXIT.ok, EXIT.invalidRun], r.stderr + r.stdout).toContain(r.code);
    const report = readReport(out);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.stoppedBy).toBe('completed');
    expect(report.model).toBe('open');
    expect(report.latencyFrom).toBe('intended-send');
    const claim = report.totals.operations['claim'];
    expect(claim?.classes.success.count).toBe(30);
    expect(claim?.classes['non-conformant'].count).toBe(0);
    expect((claim?.count ?? 0) + report.totals.notSent).toBe(160);
    expect(report.soldOut?.operation).toBe('claim');
    expect(report.phases.map((p) => p.phase)).toEqual(['spike', 'steady']);
    expect(r.stdout).toMatch(/claim\s+success\s+30\b/);
    expect(r.stdout).toMatch(/Reports: /);
  }, 60_000);

  it('the closed model runs the same profile on autocannon and says its figures are closed-loop', async () => {
    const r = await cli([
      'load',
      '--profile',
      PROFILE,
      '--model',
      'closed',
      '--connections',
      '8',
      '--json',
      '--report',
      `json=${join(dir, 'closed.json')}`,
    ]);
    expect([EXIT.ok, EXIT.invalidRun], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as LoadResult;
    expect(report.model).toBe('closed');
    expect(report.latencyFrom).toBe('actual-send');
    expect(report.totals.operations['claim']?.classes.success.count).toBe(30);
  }, 60_000);

  it('--requests caps the run, warm-up and spike included', async () => {
    const r = await cli(['load', '--profile', PROFILE, '--requests', '80', '--json', '--report', `json=${join(dir, 'cap.json')}`]);
    const report = JSON.parse(r.stdout) as LoadResult;
    expect(report.stoppedBy).toBe('request-cap');
    expect(report.totals.sent + report.totals.notSent).toBe(80);
  }, 60_000);

  it('an interrupted run stops and still writes its report', async () => {
    const stop = new AbortController();
    const out = join(dir, 'interrupted.json');
    // Stopped once the live line shows answers (the reference up, the storm under way): a fixed delay
    // would stop a slow machine's run before its reference had started.
    let stopping = false;
    const running = cli(['load', '--profile', PROFILE, '--duration', '30s', '--report', `json=${out}`], {
      signal: stop.signal,
      isTty: true,
      env: { NO_COLOR: '1' },
      onStderr: (t) => {
        if (stopping || !/· [1-9][\d,]* answers/.test(t)) return;
        stopping = true;
        setTimeout(() => stop.abort(), 1_000);
      },
    });
    // A bound of its own, should the line never come (the test then fails on what it shows).
    const bound = setTimeout(() => stop.abort(), 40_000);
    void running.finally(() => clearTimeout(bound));
    const r = await running;
    expect(r.code, r.stderr + r.stdout).not.toBe(EXIT.internal);
    const report = readReport(out);
    expect(report.stoppedBy, r.stderr).toBe('interrupted');
    // On a terminal, a live progress line (rewritten in place): elapsed / planned, rate, p99, answers.
    expect(r.stderr).toMatch(/\r\u001b\[2K\d+(\.\d+)? s \/ \d+(\.\d+)? s · [\d,.]+\/s · p99 .* answers/);
    expect(r.stdout).not.toContain('\u001b[3');
    expect(report.totals.sent).toBeLessThan(3_000);
  }, 60_000);

  it('fires at loopback only unless --allow-host names the host', async () => {
    const config = join(dir, 'remote.yaml');
    writeFileSync(
      config,
      `apis:\n  jd-coupon:\n    url: http://198.51.100.7:8620/routerjson\n    credentials: { appKey: k, appSecret: s, accessToken: t }\n`,
    );
    const r = await cli(['load', '--profile', PROFILE, '--target-config', config]);
    expect(r.code, r.stderr).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/loopback addresses only.*--allow-host 198\.51\.100\.7/);
  });

  it('lists the bundled profiles, and a missing profile is a usage error naming it', async () => {
    const list = await cli(['load', '--list']);
    expect(list.code).toBe(EXIT.ok);
    for (const name of ['claim-storm', 'verify-steady', 'mixed-sale-day', 'promotion-read']) expect(list.stdout).toContain(name);
    const missing = await cli(['load', '--profile', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/nope\.yaml/);
    const none = await cli(['load']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toMatch(/--profile/);
  });
});

describe('secrets never reach a load report or the console', () => {
  const SECRET = 'S3cr3t-load-secret-7a6b5c';
  const TOKEN = 'T0ken-load-access-1d2e3f';
  let server: ReturnType<typeof buildServer>;
  let url: string;
  beforeAll(async () => {
    server = buildServer({ credentials: { appKey: 'merchant-key', appSecret: SECRET, accessToken: TOKEN } });
    url = `${await server.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
  });
  afterAll(async () => server.close());

  it('keeps the app secret and the token out of the JSON and console reports, stdout and stderr, samples included', async () => {
    const profile = join(dir, 'refused-reads.yaml');
    writeFileSync(
      profile,
      `profile: refused-reads
title: Reads of a promotion that does not exist
description: |
  Every answer a refusal, so that samples with curl lines are kept.
apis: [jd-promotion]
users: { count: 10 }
mix:
  - { name: get, call: jingdong.seller.promotion.get, weight: 1, params: { promo_id: 999999999 }, refusals: any }
phases:
  - { phase: steady, duration: 500ms, rate: 40 }
`,
    );
    const config = join(dir, 'secret-target.yaml');
    writeFileSync(
      config,
      `url: ${url}\ncredentials:\n  jos:\n    appKey: merchant-key\n    appSecret: \${env:SHOP_SECRET}\n    accessToken: \${env:SHOP_TOKEN}\n`,
    );
    // Every format the command writes: each renders the samples (curl lines) its own way.
    const formats = ['json', 'console', 'html', 'markdown', 'junit'] as const;
    const out = Object.fromEntries(formats.map((f) => [f, join(dir, `secret.${f}`)])) as Record<(typeof formats)[number], string>;
    const r = await cli(
      ['load', '--profile', profile, '--target-config', config, ...formats.flatMap((f) => ['--report', `${f}=${out[f]}`])],
      {
        env: { SHOP_SECRET: SECRET, SHOP_TOKEN: TOKEN },
        isTty: true,
      },
    );
    const json = readFileSync(out.json, 'utf8');
    const report = JSON.parse(json) as LoadResult;
    // The samples hold curl lines: the proof that the path that could leak was taken.
    expect(report.samples.length).toBeGreaterThan(0);
    expect(report.samples.some((s) => s.curl?.includes('access_token'))).toBe(true);
    for (const t of [r.stdout, r.stderr, ...formats.map((f) => readFileSync(out[f], 'utf8'))]) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain(TOKEN);
    }
  }, 30_000);

  it("--find-capacity stopped by Ctrl-C during a step: every report holds the steps so far and the search's verdict, and no secret", async () => {
    const profile = join(dir, 'refused-reads-capacity.yaml');
    // A hundred sends a step (a busy machine's late send stays within the generator's 1 %), every answer a refusal with a curl line kept.
    writeFileSync(
      profile,
      `profile: refused-reads-capacity
title: Reads of a promotion that does not exist, stepped
description: |
  Every answer a refusal, so that samples with curl lines are kept.
apis: [jd-promotion]
users: { count: 10 }
mix:
  - { name: get, call: jingdong.seller.promotion.get, weight: 1, params: { promo_id: 999999999 }, refusals: any }
phases:
  - { phase: steady, duration: 1s, rate: 100 }
`,
    );
    const config = join(dir, 'secret-target-capacity.yaml');
    writeFileSync(
      config,
      `url: ${url}\ncredentials:\n  jos:\n    appKey: merchant-key\n    appSecret: \${env:SHOP_SECRET}\n    accessToken: \${env:SHOP_TOKEN}\n`,
    );
    const formats = ['json', 'console', 'html', 'markdown', 'junit'] as const;
    const out = Object.fromEntries(formats.map((f) => [f, join(dir, `capacity-secret.${f}`)])) as Record<(typeof formats)[number], string>;
    // Ctrl-C 600 ms into the first step (of 1 s, no setup: its sends are under way), whatever this machine's pace.
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      [
        'load',
        '--profile',
        profile,
        '--target-config',
        config,
        '--find-capacity',
        '--step-duration',
        '1s',
        '--max-steps',
        '4',
        ...formats.flatMap((f) => ['--report', `${f}=${out[f]}`]),
      ],
      {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
          if (t.startsWith('step 1: stepping up')) setTimeout(() => stop.abort(), 600);
        },
        env: { SHOP_SECRET: SECRET, SHOP_TOKEN: TOKEN, NO_COLOR: '1' },
        isTty: false,
        cwd: dir,
        stopSignal: stop.signal,
      },
    );
    const report = readReport(out.json);
    expect(code, stderr + stdout).toBe(EXIT.ok);
    const c = report.capacity;
    expect(c?.stoppedBy).toBe('interrupted');
    expect(c?.steps.map((s) => [s.step, s.verdict, s.reasons])).toEqual([[1, 'not-judged', ['the step stopped early (interrupted)']]]);
    expect(c?.steps[0]?.sent).toBeGreaterThan(0);
    expect(report.stoppedBy).toBe('interrupted');
    // Every report says the search's verdict (not the stopped step's) and lists the step.
    expect(readFileSync(out.markdown, 'utf8')).toMatch(/^## ⏹️ promoproof load --find-capacity: INTERRUPTED — no rate held: interrupted/);
    expect(readFileSync(out.markdown, 'utf8')).toMatch(/^\| 1 \| 100 \|.*not-judged: the step stopped early \(interrupted\) \|$/m);
    expect(readFileSync(out.html, 'utf8')).toContain('<span class="verdict interrupted">INTERRUPTED</span>');
    expect(readFileSync(out.console, 'utf8')).toMatch(/^1\s+100\s.*not-judged: the step stopped early \(interrupted\)$/m);
    expect(readFileSync(out.console, 'utf8')).toContain('INTERRUPTED: no rate held: interrupted before a step was judged');
    expect(readFileSync(out.junit, 'utf8')).toContain(
      '<skipped message="interrupted: no rate held: interrupted before a step was judged"/>',
    );
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    // The stopped step's run is the report's: its samples hold curl lines, the path that could leak.
    expect(report.samples.some((s) => s.curl?.includes('access_token'))).toBe(true);
    for (const t of [stdout, stderr, ...formats.map((f) => readFileSync(out[f], 'utf8'))]) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain(TOKEN);
    }
  }, 60_000);
});

describe('load --target-config', () => {
  let server: ReturnType<typeof buildServer>;
  let origin: string;
  beforeAll(async () => {
    server = buildServer();
    origin = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => server.close());

  it('runs the same profile against a server named by a target config: setup through its Tencent face, claims over its JOS router', async () => {
    const config = join(dir, 'platform.yaml');
    writeFileSync(
      config,
      `apis:
  tencent-coupon-batch:
    url: ${origin}
    credentials: { appId: ${TENCENT_TEST_CREDENTIALS.appId}, appSecret: ${TENCENT_TEST_CREDENTIALS.appSecret} }
    options: { dataSourceId: "101" }
  jd-coupon:
    url: ${origin}/routerjson
    credentials: { appKey: ${DEFAULT_CREDENTIALS.appKey}, appSecret: ${DEFAULT_CREDENTIALS.appSecret}, accessToken: ${DEFAULT_CREDENTIALS.accessToken} }
`,
    );
    const r = await cli([
      'load',
      '--profile',
      PROFILE,
      '--target-config',
      config,
      '--json',
      '--report',
      `json=${join(dir, 'config.json')}`,
    ]);
    expect([EXIT.ok, EXIT.invalidRun], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as LoadResult;
    expect(report.target).toEqual({ url: origin, embedded: false });
    expect(report.totals.operations['claim']?.classes.success.count).toBe(30);
    expect(r.stderr).not.toMatch(/starting the embedded reference/);
  }, 30_000);
});
