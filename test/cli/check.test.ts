import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/reference/server.js';
import type { RunReport } from '../../src/report/types.js';
import { SPECS_DIR } from '../../src/spec/load.js';
import { cli } from '../helpers/cli.js';
import { tmpSuite } from '../helpers/tmp-suite.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as RunReport;

describe('promoproof check against the embedded reference', () => {
  it('passes every check of every suite, writes every report, and covers every JOS, JDP, TCC, CPN and UCP rule (exit 0)', async () => {
    const r = await cli([
      'check',
      '--report',
      `json=${dir}/r.json`,
      '--report',
      `junit=${dir}/r.xml`,
      '--report',
      `markdown=${dir}/r.md`,
      '--report',
      `html=${dir}/r.html`,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = readJson(`${dir}/r.json`);
    expect(report.summary.failed + report.summary.errored + report.summary.inconclusive + report.summary.skipped).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(300);
    expect(report.verdict).toBe('pass');
    expect(report.coverage.uncovered).toEqual([]);
    expect(report.coverage.rules.every((x) => /^(JOS|JDP|TCC|CPN|UCP)-/.test(x.id))).toBe(true);
    expect(report.suites).toEqual(['jd-promotion', 'tencent-coupon-batch', 'jd-coupon', 'yoho-user-coupon']);
    for (const prefix of ['JOS-', 'JDP-', 'TCC-', 'CPN-', 'UCP-'])
      expect(report.coverage.rules.some((x) => x.id.startsWith(prefix))).toBe(true);
    // Each result names its API and protocol.
    const pairs = new Set(report.results.map((x) => `${x.api} ${x.protocol}`));
    expect([...pairs].sort()).toEqual([
      'jd-coupon jos',
      'jd-promotion jos',
      'tencent-coupon-batch tencent-data-api',
      'yoho-user-coupon yoho-gateway',
    ]);
    const validate = new Ajv({ strict: false }).compile(
      JSON.parse(readFileSync(`${SPECS_DIR}schema/report.schema.json`, 'utf8')) as object,
    );
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(`${dir}/r.xml`, 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(`${dir}/r.md`, 'utf8')).toContain('✅');
    expect(readFileSync(`${dir}/r.html`, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(r.stdout).toContain('verdict');
  }, 60_000);

  it('fails with exit 1 when a must check fails, naming the rule, expected and actual', async () => {
    const r = await cli(['check', '--fault', 'name-limit-11', '--rules', 'JDP-ADD-01', '--report', `json=${dir}/f.json`]);
    expect(r.code).toBe(1);
    const failed = readJson(`${dir}/f.json`).results.filter((x) => x.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.rules).toContain('JDP-ADD-01');
    expect(failed[0]!.failure?.curl).toMatch(/^curl /);
    expect(r.stdout).toContain('JDP-ADD-01');
  });

  it('honours waivers: a waived failure passes the run, an expired waiver fails it', async () => {
    writeFileSync(`${dir}/w.yaml`, 'waivers:\n  - { rule: JDP-ADD-01, reason: known off-by-one, expires: "2999-12-31" }\n');
    const waived = await cli([
      'check',
      '--fault',
      'name-limit-11',
      '--rules',
      'JDP-ADD-01',
      '--waivers',
      `${dir}/w.yaml`,
      '--report',
      `json=${dir}/w.json`,
    ]);
    expect(waived.code).toBe(0);
    expect(readJson(`${dir}/w.json`).summary.waived).toBeGreaterThan(0);
    writeFileSync(`${dir}/x.yaml`, 'waivers:\n  - { rule: JDP-ADD-09, reason: old, expires: "2020-01-01" }\n');
    const expired = await cli(['check', '--rules', 'JDP-ADD-01', '--waivers', `${dir}/x.yaml`, '--report', `json=${dir}/x.json`]);
    expect(expired.code).toBe(1);
    expect(readJson(`${dir}/x.json`).expiredWaivers).toEqual([{ rule: 'JDP-ADD-09', reason: 'old', expires: '2020-01-01' }]);
  });

  it('exits 2 with file:line:column for a broken scenario, and for usage errors', async () => {
    const s = tmpSuite({
      'bad.yaml':
        'suite: jd-promotion\nscenarios:\n  - id: x\n    title: t\n    covers: [JDP-ADD-01]\n    level: maybe\n    steps: [{ call: jingdong.seller.promotion.list }]\n',
    });
    try {
      const r = await cli(['check', '--scenarios', s.root], { cwd: s.root });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('jd-promotion/bad.yaml:6:12:');
      expect(r.stderr).toContain('nothing was run');
    } finally {
      s.cleanup();
    }
    expect((await cli(['check', '--concurrency', 'lots'])).code).toBe(2);
    expect((await cli(['check', '--bogus'])).code).toBe(2);
    expect((await cli(['check', '--report', 'pdf=x.pdf'])).code).toBe(2);
    expect((await cli(['check', '--fault', 'nope'])).code).toBe(2);
    expect((await cli(['check', '--rules', 'NOTHING-*'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('exits 3 when the target is unreachable', async () => {
    const r = await cli(['check', '--target', 'http://127.0.0.1:1/routerjson', '--rules', 'JOS-09', '--timeout-ms', '2000']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('unreachable');
  });

  it('lists the planned checks with --list', async () => {
    const r = await cli(['check', '--list', '--rules', 'JOS-03']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gen-jos-skew-past-outside');
  });

  it('--help on every command, and NO_COLOR turns colours off', async () => {
    for (const cmd of ['check', 'serve', 'sign']) {
      const r = await cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: promoproof ${cmd}`);
    }
    expect((await cli(['--help'])).code).toBe(0);
    const colored = await cli(['check', '--rules', 'JDP-ADD-01', '--report', `json=${dir}/c.json`], { isTty: true });
    expect(colored.stdout).toContain('\u001b[');
    const plain = await cli(['check', '--rules', 'JDP-ADD-01', '--report', `json=${dir}/c.json`], { isTty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });
});

describe('secrets never reach a report or the console', () => {
  const SECRET = 'S3cr3t-app-secret-9f8e7d';
  const TOKEN = 'T0ken-access-5a4b3c2d';
  let server: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    // A target with its own credentials and a fault, so that failures (with requests and curl lines) are reported.
    server = buildServer({
      credentials: { appKey: 'merchant-key', appSecret: SECRET, accessToken: TOKEN },
      fault: 'name-limit-11',
      testControl: true,
    });
    url = `${await server.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
  });
  afterAll(async () => server.close());

  it('keeps the app secret and the token out of every format and of stdout and stderr', async () => {
    writeFileSync(
      `${dir}/target.yaml`,
      `url: ${url}\ncredentials:\n  jos:\n    appKey: merchant-key\n    appSecret: \${env:SHOP_SECRET}\n    accessToken: \${env:SHOP_TOKEN}\ncapabilities: [test-control]\nfixtures:\n  referenceCatalogue: true\n`,
    );
    const formats = ['json', 'junit', 'markdown', 'html', 'console'];
    const r = await cli(
      [
        'check',
        '--target-config',
        `${dir}/target.yaml`,
        '--rules',
        'JDP-ADD-01',
        '--rules',
        'JOS-08',
        '--verbose',
        ...formats.flatMap((f) => ['--report', `${f}=${dir}/s.${f}`]),
      ],
      {
        env: { SHOP_SECRET: SECRET, SHOP_TOKEN: TOKEN },
      },
    );
    expect(r.code).toBe(1);
    const texts = [r.stdout, r.stderr, ...formats.map((f) => readFileSync(`${dir}/s.${f}`, 'utf8'))];
    for (const t of texts) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain(TOKEN);
    }
    expect(readFileSync(`${dir}/s.json`, 'utf8')).toContain('access_token');
  });

  it('reports a missing environment variable of a target config at its line', async () => {
    writeFileSync(
      `${dir}/t2.yaml`,
      `url: ${url}\ncredentials:\n  jos:\n    appKey: k\n    appSecret: \${env:NOT_SET_ANYWHERE}\n    accessToken: t\n`,
    );
    const r = await cli(['check', '--target-config', `${dir}/t2.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t2\.yaml:5:\d+: environment variable NOT_SET_ANYWHERE is not set/);
  });
});
