/**
 * End to end: the reference as a third-party add_coupon server (the Tencent coupon batch API only,
 * not embedded), described by a target config as a user writes one, checked by the real runner.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { targetSecrets } from '../../src/engine/targets/secrets.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { ADD_COUPON_PATH } from '../../src/protocols/tencent-data-api/sign.js';
import { buildServer } from '../../src/reference/server.js';
import { REPORT_FORMATS, REPORTERS, redactSecrets } from '../../src/report/index.js';
import type { RunReport } from '../../src/report/types.js';
import { loadRules } from '../../src/spec/load.js';
import { cli } from '../helpers/cli.js';

const SUITE = 'tencent-coupon-batch';
/** Another app secret than the one the reference takes: long, with characters URL-encoding changes. */
const WRONG_SECRET = 'Wr0ng+Secret/of-the-shop';

function configText(origin: string, appSecret: string = TENCENT_TEST_CREDENTIALS.appSecret): string {
  return `apis:
  tencent-coupon-batch:
    url: ${origin}
    credentials:
      appId: ${TENCENT_TEST_CREDENTIALS.appId}
      appSecret: "${appSecret}"
    options:
      dataSourceId: "77"
`;
}

/** The config's target, with the clock the runner knows here (the server runs in this process); the CLI test estimates it. */
const targetOf = (origin: string, appSecret?: string): Target => ({
  ...loadTargetConfig('tencent.yaml', {}, configText(origin, appSecret)),
  clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
});

async function listen(server: FastifyInstance): Promise<string> {
  return server.listen({ port: 0, host: '127.0.0.1' });
}

/** The TCC rules of level must, from the rule catalogue. */
const mustRules = () =>
  loadRules()
    .filter((r) => r.id.startsWith('TCC-') && r.level === 'must')
    .map((r) => r.id);

const notPassed = (r: RunReport) => r.results.filter((x) => x.status !== 'passed').map((x) => `${x.id} ${x.status}: ${x.message}`);
/**
 * Through the CLI the target's clock is estimated from Date headers (±tens of ms), so a timestamp one
 * second outside the ±300 s window may land within a second of its edge: the runner then says
 * inconclusive, which is its honest verdict and does not fail the run. Anything else must pass.
 */
const notPassedNorEdge = (r: RunReport) =>
  r.results
    .filter((x) => x.status !== 'passed' && !(x.status === 'inconclusive' && x.id.startsWith('gen-tencent-skew-')))
    .map((x) => `${x.id} ${x.status}: ${x.message}`);

let dir: string;
let server: FastifyInstance;
let origin: string;
let faulty: FastifyInstance;
let faultyOrigin: string;
let passing: RunReport;
let failing: RunReport;
let refused: RunReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-tencent-'));
  server = buildServer({});
  faulty = buildServer({ fault: 'tcc-coupons-cap-51' });
  [origin, faultyOrigin] = await Promise.all([listen(server), listen(faulty)]);
  // The three runs at once: each spends most of a second waiting on Date-header samples of the clock.
  const run = (target: Target) => runConformance({ target, suites: [SUITE], preflight: true });
  [passing, failing, refused] = await Promise.all([
    run(targetOf(origin)),
    run(targetOf(faultyOrigin)),
    run(targetOf(origin, WRONG_SECRET)),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([server.close(), faulty.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the reference as a third-party add_coupon server, from a target config', () => {
  it('the config gives one endpoint, not embedded, with the data source', () => {
    const target = targetOf(origin);
    expect(target.embedded).toBe(false);
    expect(target.endpoints).toEqual({
      [SUITE]: { url: origin, credentials: { ...TENCENT_TEST_CREDENTIALS }, options: { dataSourceId: '77' } },
    });
  });

  it('passes every check, covers every TCC must rule, names the origin, and each result its API and protocol', () => {
    const report = passing;
    expect(notPassed(report)).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.summary.failed).toBe(0);
    expect(report.summary.errored).toBe(0);
    expect(report.summary.passed).toBe(report.summary.total);
    expect(report.summary.total).toBeGreaterThan(100);
    expect(report.suites).toEqual([SUITE]);
    expect(report.target).toEqual({ url: origin, embedded: false });
    expect(report.preflight?.ok).toBe(true);
    // Every TCC must rule is covered by at least one check.
    const must = mustRules();
    expect(must.length).toBeGreaterThanOrEqual(13);
    for (const id of must) {
      const rule = report.coverage.rules.find((r) => r.id === id);
      expect(rule, id).toBeDefined();
      expect(rule?.level, id).toBe('must');
      expect(rule?.checks, id).toBeGreaterThan(0);
    }
    expect(report.coverage.uncovered).toEqual([]);
    expect(report.coverage.rules.every((r) => r.id.startsWith('TCC-'))).toBe(true);
    for (const r of report.results) {
      expect(r.api, r.id).toBe(SUITE);
      expect(r.protocol, r.id).toBe('tencent-data-api');
      expect(r.suite, r.id).toBe(SUITE);
    }
    // The run uploaded into the configured data source (77), not the embedded reference's (101).
    const stored = server.couponBatch.store.list();
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(stored.map((c) => c.dataSourceId))).toEqual(new Set(['77']));
    expect(server.couponBatch.store.list('101')).toEqual([]);
  });

  it('with the fault tcc-coupons-cap-51: the 51-coupon case fails (with the request recorded), nothing else does', () => {
    const report = failing;
    expect(report.verdict).toBe('fail');
    expect(report.target.url).toBe(faultyOrigin);
    const failed = report.results.filter((r) => r.status === 'failed' || r.status === 'errored');
    expect(failed.map((r) => r.id)).toEqual(['gen-add-coupon-coupons-max-items-over']);
    const [check] = failed;
    expect(check?.level).toBe('must');
    expect(check?.rules).toEqual(['TCC-02']);
    expect(check?.failure?.expected).toBe('any error');
    expect(check?.failure?.actual).toBe('success');
    const request = check?.failure?.request;
    expect(request?.httpMethod).toBe('POST');
    expect(request?.url).toBe(`${faultyOrigin}${ADD_COUPON_PATH}`);
    expect(request?.operation).toBe('order/add_coupon');
    expect(Object.keys(request?.params ?? {})).toEqual(['app_id', 'nonce', 'sign', 'timestamp', 'signature']);
    // The test credentials: the signature is shown, so the curl line replays as it is.
    expect(request?.params['signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(request?.body).toContain('"dataSourceId":"77"');
    // The recorded body is cut to 4 KiB; the curl line holds the whole request: 51 coupons.
    const curl = check?.failure?.curl ?? '';
    expect(curl).toContain(`${faultyOrigin}${ADD_COUPON_PATH}?`);
    expect(curl).toContain('--data-binary');
    expect(curl.split('"external_coupon_id"').length - 1).toBe(51);
    expect(check?.failure?.response?.status).toBe(200);
    expect(check?.failure?.response?.body).toContain('"retcode":0');
  });

  it('with another app secret: the must checks fail on the signature, and the secret is in no report of any format', () => {
    const target = targetOf(origin, WRONG_SECRET);
    expect(targetSecrets(target)).toEqual([WRONG_SECRET]);
    const report = refused;
    expect(report.verdict).toBe('fail');
    const mustFailed = report.results.filter((r) => r.level === 'must' && r.status === 'failed');
    expect(mustFailed.length).toBeGreaterThan(50);
    // The reason is plain: the target refuses the signature.
    expect(mustFailed.filter((r) => r.message.includes('40004')).length).toBeGreaterThan(50);
    for (const r of mustFailed) {
      const req = r.failure?.request;
      if (req) expect(req.params['signature'], r.id).toBe('***');
      if (r.failure?.curl) expect(r.failure.curl, r.id).toContain('signature=***');
    }
    const encodings = [WRONG_SECRET, encodeURIComponent(WRONG_SECRET), new URLSearchParams({ s: WRONG_SECRET }).toString().slice(2)];
    const raw = JSON.stringify(report);
    for (const e of encodings) expect(raw).not.toContain(e);
    // As the CLI renders: redacted by the target's secrets, then every format.
    const safe = redactSecrets(report, targetSecrets(target));
    expect(REPORT_FORMATS).toEqual(['console', 'json', 'junit', 'markdown', 'html']);
    for (const format of REPORT_FORMATS) {
      const text = REPORTERS[format].render(safe, { color: false, verbose: true });
      expect(text.length, format).toBeGreaterThan(100);
      for (const e of encodings) expect(text, format).not.toContain(e);
      // Nor in a form an HTML or XML renderer escapes.
      expect(text, format).not.toContain('Wr0ng');
    }
  });
});

describe('the CLI against a third-party add_coupon server', () => {
  it('check --suite tencent-coupon-batch --target-config <file> --report json=<file>: exit 0 and the JSON report', async () => {
    const config = join(dir, 'tencent.yaml');
    const out = join(dir, 'report.json');
    writeFileSync(config, configText(origin));
    // Against the same server as the runs above: a suite can be run again against one data source.
    const r = await cli(['check', '--suite', SUITE, '--target-config', config, '--report', `json=${out}`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    expect(notPassedNorEdge(report)).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.suites).toEqual([SUITE]);
    expect(report.target).toEqual({ url: origin, embedded: false });
    expect(report.summary.total).toBeGreaterThan(100);
    expect(report.preflight?.ok).toBe(true);
    expect(new Set(report.results.map((x) => `${x.api} ${x.protocol}`))).toEqual(new Set([`${SUITE} tencent-data-api`]));
    expect(r.stdout).toContain('verdict');
  });

  it('a secret from the environment that the target refuses: exit 1, and the secret in neither the output nor the report', async () => {
    const config = join(dir, 'tencent-env.yaml');
    const out = join(dir, 'wrong.json');
    writeFileSync(config, configText(origin, '${env:YOUSHU_APP_SECRET}'));
    const r = await cli(['check', '--suite', SUITE, '--rules', 'TCC-02', '--target-config', config, '--report', `json=${out}`], {
      env: { YOUSHU_APP_SECRET: WRONG_SECRET },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const text = readFileSync(out, 'utf8');
    const report = JSON.parse(text) as RunReport;
    expect(report.verdict).toBe('fail');
    expect(report.summary.failed).toBeGreaterThan(0);
    for (const s of [text, r.stdout, r.stderr]) expect(s).not.toContain('Wr0ng');
  });

  it('the same config without the variable set: a usage error naming it (file:line:column), nothing sent', async () => {
    const config = join(dir, 'tencent-unset.yaml');
    writeFileSync(config, configText(origin, '${env:YOUSHU_APP_SECRET}'));
    const r = await cli(['check', '--suite', SUITE, '--target-config', config, '--report', `json=${join(dir, 'unset.json')}`]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(1);
    expect(r.stderr).toContain('environment variable YOUSHU_APP_SECRET is not set');
    expect(r.stderr).toMatch(/tencent-unset\.yaml:6:\d+/);
  });
});
