import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/reference/server.js';
import type { RunReport } from '../../src/report/types.js';
import { SPECS_DIR } from '../../src/spec/load.js';
import { cli } from '../helpers/cli.js';
import { closedPort, startHttpServer } from '../helpers/http-server.js';

/** The preflight as the CLI prints it: one line on stderr, exit 3, and reports saying the run did not happen. */

let dir: string;
let server: FastifyInstance;
let origin: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-preflight-'));
  server = buildServer({});
  origin = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const FORMATS = ['json', 'junit', 'markdown', 'html'] as const;
const reportArgs = (name: string) => FORMATS.flatMap((f) => ['--report', `${f}=${dir}/${name}.${f}`]);
const read = (name: string, f: (typeof FORMATS)[number]) => readFileSync(`${dir}/${name}.${f}`, 'utf8');
const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(`${SPECS_DIR}schema/report.schema.json`, 'utf8')) as object);

/** stderr holds exactly one line, the preflight's. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('promoproof check: the preflight', () => {
  it('a wrong path: one line naming what came back and the path to try, exit 3, nothing run', async () => {
    const r = await cli(['check', '--target', `${origin}/`, '--rules', 'JOS-09', '--json', ...reportArgs('path')]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(
      new RegExp(
        `^promoproof check: preflight: ${origin}/ is not a JOS router: HTTP 404, application/json, \\d+ B, JOS error 1 .*; the JOS router is usually at the path /routerjson: try ${origin}/routerjson \\[PP_PREFLIGHT\\]$`,
      ),
    );
    // --json prints the report of the aborted run; it validates against the report schema.
    const printed = JSON.parse(r.stdout) as RunReport;
    expect(validate(printed), JSON.stringify(validate.errors)).toBe(true);
    expect(printed.aborted?.kind).toBe('wrong-protocol');
    expect(printed.preflight).toMatchObject({ ok: false, kind: 'wrong-protocol', details: { httpStatus: 404 } });
    expect(printed.results.map((x) => x.id)).toEqual(['preflight']);
  });

  it('wrong credentials: the JOS code and its message', async () => {
    const r = await cli(['check', '--target', `${origin}/routerjson`, '--rules', 'JOS-09', '--report', `json=${dir}/cred.json`], {
      env: { PROMOPROOF_APP_SECRET: 'not-the-secret' },
    });
    expect(r.code).toBe(3);
    const line = oneLine(r.stderr);
    expect(line).toContain('refused our credentials: JOS error 12 无效签名 (Invalid Signature)');
    expect(line).toContain('PROMOPROOF_APP_SECRET');
    expect(line).not.toContain('not-the-secret');
    expect(readFileSync(`${dir}/cred.json`, 'utf8')).not.toContain('not-the-secret');
  });

  it('test-control claimed but absent', async () => {
    const r = await cli([
      'check',
      '--target',
      `${origin}/routerjson`,
      '--capabilities',
      'test-control',
      '--rules',
      'JOS-09',
      '--report',
      `json=${dir}/tc.json`,
    ]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toContain(`preflight: the target claims test-control, but GET ${origin}/__promoproof/info answered HTTP 404`);
  });

  it('a clock beyond the JOS window', async () => {
    const s = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', date: new Date(Date.now() + 900_000).toUTCString() });
      res.end(JSON.stringify({ jingdong_seller_promotion_list_response: { code: '0', total_count: '0', promotion_v_o_s: [] } }));
    });
    try {
      const r = await cli(['check', '--target', `${s.origin}/routerjson`, '--rules', 'JOS-09', '--report', `json=${dir}/clock.json`]);
      expect(r.code).toBe(3);
      expect(oneLine(r.stderr)).toMatch(/preflight: the clock of .* is (899|900|901) s ahead of ours .*beyond the JOS ±360 s window/);
    } finally {
      await s.close();
    }
  });

  it('--no-preflight runs the suite anyway (and a wrong path then fails checks, exit 1)', async () => {
    const r = await cli(['check', '--target', `${origin}/`, '--rules', 'JOS-09', '--no-preflight', '--report', `json=${dir}/nopre.json`]);
    expect(r.code).toBe(1);
    const report = JSON.parse(read('nopre', 'json')) as RunReport;
    expect(report.results.length).toBeGreaterThan(1);
    expect(report.preflight).toBeUndefined();
    expect(report.aborted).toBeUndefined();
  });

  it('the embedded reference passes its preflight, recorded in the JSON report', async () => {
    const r = await cli(['check', '--rules', 'JOS-09', '--report', `json=${dir}/emb.json`]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(read('emb', 'json')) as RunReport;
    expect(report.preflight).toMatchObject({ ok: true, warnings: [] });
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('--list and --check-fixtures send nothing, so no preflight', async () => {
    const port = await closedPort();
    expect((await cli(['check', '--list', '--target', `http://127.0.0.1:${port}/routerjson`, '--rules', 'JOS-09'])).code).toBe(0);
    expect((await cli(['check', '--check-fixtures', '--target', `http://127.0.0.1:${port}/routerjson`, '--rules', 'JOS-09'])).code).toBe(0);
  });
});

describe('a failed attempt does not leave the previous reports looking current', () => {
  it('after a good run, a run against a dead port rewrites every report to say it did not happen', async () => {
    const good = await cli(['check', '--target', `${origin}/routerjson`, '--rules', 'JOS-09', ...reportArgs('stale')]);
    expect(good.code, good.stderr).toBe(0);
    const before = JSON.parse(read('stale', 'json')) as RunReport;
    const passedId = before.results.find((x) => x.status === 'passed')!.id;
    expect(read('stale', 'junit')).toContain(passedId);

    const port = await closedPort();
    const dead = await cli(['check', '--target', `http://127.0.0.1:${port}/routerjson`, '--rules', 'JOS-09', ...reportArgs('stale')]);
    expect(dead.code).toBe(3);
    expect(oneLine(dead.stderr)).toMatch(
      new RegExp(
        `^promoproof check: preflight: http://127\\.0\\.0\\.1:${port}/routerjson is unreachable: connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after \\d+ ms \\[PP_UNREACHABLE\\]$`,
      ),
    );

    const after = JSON.parse(read('stale', 'json')) as RunReport;
    expect(validate(after), JSON.stringify(validate.errors)).toBe(true);
    expect(after.verdict).toBe('fail');
    expect(after.aborted?.kind).toBe('unreachable');
    expect(after.target.url).toBe(`http://127.0.0.1:${port}/routerjson`);
    expect(after.results).toHaveLength(1);
    expect(after.results[0]).toMatchObject({ id: 'preflight', status: 'errored' });
    for (const f of FORMATS) {
      const text = read('stale', f);
      expect(text, f).not.toContain(passedId);
      expect(text, f).toContain('run aborted');
      expect(text, f).toContain('ECONNREFUSED');
    }
    // JUnit consumers show one error with the reason.
    expect(read('stale', 'junit')).toMatch(
      /<error message="run aborted \(unreachable\): preflight: http:\/\/127\.0\.0\.1:\d+\/routerjson is unreachable/,
    );
  });

  it('--no-preflight and a dead port: the same, from the reachability probe', async () => {
    const port = await closedPort();
    const r = await cli([
      'check',
      '--target',
      `http://127.0.0.1:${port}/routerjson`,
      '--rules',
      'JOS-09',
      '--no-preflight',
      '--report',
      `json=${dir}/probe.json`,
    ]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(
      /^promoproof check: target .* is unreachable: connection refused by .* \(ECONNREFUSED\) after \d+ ms \[PP_UNREACHABLE\]$/,
    );
    const after = JSON.parse(readFileSync(`${dir}/probe.json`, 'utf8')) as RunReport;
    expect(after.aborted?.kind).toBe('unreachable');
    expect(after.preflight).toBeUndefined();
  });
});
