import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { mainHelp } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';
import { APIS } from '../../src/apis/index.js';
import { defaultSuites } from '../../src/engine/conformance.js';

describe('promoproof --help', () => {
  it('names every exit code, 70 included', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    const line = r.stdout.slice(r.stdout.indexOf('Exit codes:'));
    for (const code of Object.values(EXIT)) expect(line).toMatch(new RegExp(`\\b${code} [a-z]`));
    expect(line).toContain('70 promoproof itself failed');
    expect(mainHelp()).toBe(r.stdout);
  });

  it('check --help names exit code 70 too', async () => {
    const r = await cli(['check', '--help']);
    expect(r.stdout).toMatch(/\b70 promoproof itself failed/);
  });

  it('load --help, promoproof --help and the README name exit 7 (a partial audit), for a run and a capacity search', async () => {
    expect(EXIT.auditPartial).toBe(7);
    const r = await cli(['load', '--help']);
    const exits = r.stdout.slice(r.stdout.indexOf('Exit codes'));
    const [plain = '', capacity = ''] = exits.split('With --find-capacity');
    for (const code of [EXIT.checkFailed, EXIT.sloMissed, EXIT.invalidRun, EXIT.auditPartial, EXIT.ok])
      for (const part of [plain, capacity]) expect(part).toMatch(new RegExp(`\\b${code} [a-z]`));
    expect(plain).toMatch(/\b7 the audit was partial/);
    expect(mainHelp()).toMatch(/\b7 a partial\s+load audit/);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme.slice(readme.indexOf('### Exit codes'))).toMatch(/^\| 7 \| load: the audit after the run was partial/m);
  });

  it('check --help says a run without --suite checks every API the target serves', async () => {
    const r = await cli(['check', '--help']);
    const suite = r.stdout.slice(r.stdout.indexOf('--suite NAME'), r.stdout.indexOf('--rules'));
    expect(suite).toContain('every API the target');
    expect(suite).not.toMatch(/default jd-promotion/);
    expect(defaultSuites()).toHaveLength(APIS.size);
  });

  it('serve --help names every face and its path', async () => {
    const r = await cli(['serve', '--help']);
    for (const path of ['/routerjson', '/data-api/v1/order/add_coupon', '/gateway']) expect(r.stdout).toContain(path);
    for (const family of ['jingdong.seller.promotion.*', 'promoproof.coupon.*', 'app.coupons.*']) expect(r.stdout).toContain(family);
  });
});
