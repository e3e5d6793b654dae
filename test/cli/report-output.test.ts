import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { targetUrl } from '../../src/engine/target.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { josSign, parseSignMethod } from '../../src/protocols/jos/sign.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import type { RunReport } from '../../src/report/types.js';
import { cli } from '../helpers/cli.js';
import { referenceAsTarget } from '../helpers/reference-target.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-out-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as RunReport;
const verdictOf = (stdout: string) => /^verdict: +(.*)$/m.exec(stdout)?.[1];

/** The parameters of a curl line as the report prints it (`--data-urlencode 'k=v'`, shell-quoted). */
function curlParams(curl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of curl.matchAll(/--data-urlencode '((?:[^']|'\\'')*)'/g)) {
    const pair = m[1]!.replace(/'\\''/g, "'");
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

const FORMATS = ['console', 'json', 'junit', 'markdown', 'html'] as const;
const reportArgs = (name: string) => FORMATS.flatMap((f) => ['--report', `${f}=${dir}/${name}.${f}`]);

describe('the label of a ref failure and the exit code follow the verdict rule of the run', () => {
  it('embedded reference (strict ref): a failed ref check counts, is labelled so, and fails the run', async () => {
    const r = await cli(['check', '--fault', 'sign-checked-first', '--rules', 'JOS-REF-03', '--report', `json=${dir}/strict.json`]);
    expect(r.code, r.stdout).toBe(EXIT.checkFailed);
    expect(r.stdout).toContain('JOS-REF-03 — ref, counts in this run (strict ref)');
    expect(r.stdout).not.toContain('does not fail the run');
    expect(verdictOf(r.stdout)).toBe('FAIL — 1 ref check failed (strict ref)');
    expect(readJson(`${dir}/strict.json`)).toMatchObject({ verdict: 'fail', strictRef: true });
  });

  it('a third-party target: the same failure does not count and is labelled so, unless --strict-ref', async () => {
    const { server, target } = await referenceAsTarget({ fault: 'sign-checked-first' });
    try {
      const r = await cli([
        'check',
        '--target',
        targetUrl(target),
        '--rules',
        'JOS-REF-03',
        '--rules',
        'JOS-06',
        '--report',
        `json=${dir}/lenient.json`,
      ]);
      expect(r.code, r.stdout).toBe(EXIT.ok);
      expect(r.stdout).toContain('JOS-REF-03 — ref, does not fail the run');
      expect(verdictOf(r.stdout)).toMatch(/^PASS — \d+ checks, 0 must failures \(1 ref failure does not fail the run\)$/);
      expect(readJson(`${dir}/lenient.json`)).toMatchObject({ verdict: 'pass', strictRef: false });
      const strict = await cli([
        'check',
        '--target',
        targetUrl(target),
        '--rules',
        'JOS-REF-03',
        '--strict-ref',
        '--report',
        `json=${dir}/strict2.json`,
      ]);
      expect(strict.code).toBe(EXIT.checkFailed);
      expect(strict.stdout).toContain('ref, counts in this run (strict ref)');
      expect(verdictOf(strict.stdout)).toBe('FAIL — 1 ref check failed (strict ref)');
    } finally {
      await server.close();
    }
  });
});

describe('a run in which every check was skipped', () => {
  it('says NO CHECKS RAN with the reason and exits 4, not 0', async () => {
    const { server, target } = await referenceAsTarget();
    try {
      const r = await cli(['check', '--target', targetUrl(target), '--rules', 'JDP-CHECK-02', '--report', `json=${dir}/none.json`]);
      expect(r.code, r.stdout).toBe(EXIT.nothingRan);
      expect(EXIT.nothingRan).toBe(4);
      expect(verdictOf(r.stdout)).toMatch(/^NO CHECKS RAN — all (\d+) checks skipped \(target lacks capability test-control ×\1\)$/);
      expect(readJson(`${dir}/none.json`).verdict).toBe('none');
    } finally {
      await server.close();
    }
  });
});

describe('curl lines', () => {
  it('with the documented test credentials: runnable as printed, in every format; the sign verifies and the replay is answered alike', async () => {
    const { server, target } = await referenceAsTarget({ fault: 'name-limit-11' });
    try {
      const r = await cli(['check', '--target', targetUrl(target), '--rules', 'JDP-ADD-01', ...reportArgs('test')]);
      expect(r.code).toBe(EXIT.checkFailed);
      const failed = readJson(`${dir}/test.json`).results.filter((x) => x.status === 'failed' && x.failure?.curl !== undefined);
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed.map((x) => x.failure!)) {
        const params = curlParams(f.curl!);
        expect(params).toEqual(f.request!.params);
        expect(params['access_token']).toBe(DEFAULT_CREDENTIALS.accessToken);
        const { sign, ...rest } = params;
        expect(sign).toBe(josSign(rest, DEFAULT_CREDENTIALS.appSecret, parseSignMethod(rest['sign_method'])!));
      }
      // Replayed as printed (within the timestamp window), the request is answered as it was in the run.
      const f = failed[0]!.failure!;
      const replay = await fetch(targetUrl(target), { method: 'POST', body: new URLSearchParams(curlParams(f.curl!)) });
      const answer = JSON.parse(await replay.text()) as Record<string, { code?: string }>;
      const recorded = JSON.parse(f.response!.body) as Record<string, { code?: string }>;
      expect(Object.keys(answer)).toEqual(Object.keys(recorded));
      expect(answer['error_response']).toBeUndefined();
      for (const format of FORMATS) {
        const text = readFileSync(`${dir}/test.${format}`, 'utf8');
        expect(text, format).toContain(`access_token=${DEFAULT_CREDENTIALS.accessToken}`);
        expect(text, format).not.toContain('sign=***');
        expect(text, format).not.toContain(DEFAULT_CREDENTIALS.appSecret);
      }
      expect(r.stdout).toMatch(/--data-urlencode 'sign=[0-9A-F]{32}'/);
    } finally {
      await server.close();
    }
  });

  it('with real credentials: token and sign redacted in every format and on stdout; the secret and the token nowhere', async () => {
    const SECRET = 'Real-app-secret-4e5f6a';
    const TOKEN = 'Real-access-token-1b2c3d';
    const server = buildServer({ credentials: { appKey: 'shop-key', appSecret: SECRET, accessToken: TOKEN }, fault: 'name-limit-11' });
    const url = `${await server.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
    try {
      writeFileSync(
        `${dir}/real.yaml`,
        `url: ${url}\ncredentials:\n  jos:\n    appKey: shop-key\n    appSecret: \${env:SHOP_SECRET}\n    accessToken: \${env:SHOP_TOKEN}\nfixtures:\n  referenceCatalogue: true\n`,
      );
      const r = await cli(['check', '--target-config', `${dir}/real.yaml`, '--rules', 'JDP-ADD-01', ...reportArgs('real')], {
        env: { SHOP_SECRET: SECRET, SHOP_TOKEN: TOKEN },
      });
      expect(r.code).toBe(EXIT.checkFailed);
      for (const [name, text] of [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
        ...FORMATS.map((f) => [f, readFileSync(`${dir}/real.${f}`, 'utf8')]),
      ] as const) {
        expect(text, name).not.toContain(SECRET);
        expect(text, name).not.toContain(TOKEN);
        if (name === 'stderr') continue;
        expect(text, name).toContain('access_token=***');
        expect(text, name).toContain('sign=***');
        expect(text, name).not.toMatch(/sign=[0-9A-F]{32}/);
      }
      expect(readFileSync(`${dir}/real.markdown`, 'utf8')).toContain('token and signature redacted');
    } finally {
      await server.close();
    }
  });
});

describe('a run with many failures', () => {
  it('prints the first failures in full and one line counting the rest by rule, naming the reports written', async () => {
    const reports = ['--report', `json=${dir}/many.json`, '--report', `markdown=${dir}/many.md`, '--report', `html=${dir}/many.html`];
    const r = await cli(['check', '--fault', 'envelope-unwrapped', '--rules', 'JDP-OM-*', ...reports]);
    expect(r.code).toBe(EXIT.checkFailed);
    const failures = readJson(`${dir}/many.json`).results.filter((x) => x.status === 'failed' || x.status === 'errored').length;
    expect(failures).toBeGreaterThan(100);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(60_000);
    expect(r.stdout).toContain(`FAILURES (${failures}, the first 10 in full)`);
    expect(r.stdout.match(/^ {2}✗ FAILED/gm)).toHaveLength(10);
    const rest = new RegExp(
      `^ {2}… and ${failures - 10} more failures \\(by rule: JDP-OM-\\d\\d ×\\d+, .*\\) — full details in ${dir}/many\\.json, ${dir}/many\\.html \\(--verbose prints them all\\)$`,
      'm',
    );
    expect(r.stdout).toMatch(rest);
    expect(verdictOf(r.stdout)).toMatch(/^FAIL — \d+ must checks failed/);

    const two = await cli(['check', '--fault', 'envelope-unwrapped', '--rules', 'JDP-OM-*', '--max-failures-shown', '2', ...reports]);
    expect(two.stdout.match(/^ {2}✗ FAILED/gm)).toHaveLength(2);
    expect(two.stdout).toContain(`… and ${failures - 2} more failures`);
    const verbose = await cli(['check', '--fault', 'envelope-unwrapped', '--rules', 'JDP-OM-*', '--verbose', ...reports]);
    expect(verbose.stdout.match(/^ {2}✗ FAILED/gm)).toHaveLength(failures);
    expect(verbose.stdout).not.toContain('more failures');
    expect((await cli(['check', '--max-failures-shown', 'many'])).code).toBe(EXIT.usage);
  }, 60_000);
});
