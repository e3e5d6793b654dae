import { APIS } from '../../src/apis/index.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { READINGS } from '../../src/apis/readings.js';
import { namedFaults } from '../../src/reference/faults.js';
import { cli } from '../helpers/cli.js';

describe('README stays in step with the code', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents exactly the exit codes the CLI uses', () => {
    const section = readme.slice(readme.indexOf('### Exit codes'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('lists exactly the problem codes promoproof reports, with their meaning', () => {
    const section = readme.slice(readme.indexOf('### Problem codes'), readme.indexOf('### Test credentials'));
    const documented = [...section.matchAll(/^\| `(PP_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(documented).toEqual(Object.entries(ERROR_CODES));
  });

  it('opens with the two newcomer commands', () => {
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toContain('npx promoproof check');
    expect(firstBlock).toContain('npm test');
  });

  it('states the number of faults', () => {
    expect(readme).toContain(`the ${namedFaults().length} faults`);
  });
});

describe('promoproof serve', () => {
  it('prints every face with its path and the test credentials of each protocol, serves, and stops on the signal', async () => {
    const stop = new AbortController();
    const run = cli(['serve', '--port', '0', '--test-control'], { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 400));
    stop.abort();
    const r = await run;
    expect(r.code).toBe(0);
    const origin = /listening on (http:\/\/127\.0\.0\.1:\d+): 4 APIs/.exec(r.stdout)?.[1];
    expect(origin).toBeDefined();
    for (const api of APIS.values()) expect(r.stdout).toContain(api.title);
    expect(r.stdout).toContain('POST or GET /routerjson');
    expect(r.stdout).toContain('jingdong.seller.promotion.* (16 methods)');
    expect(r.stdout).toContain('promoproof.coupon.* (7 methods)');
    expect(r.stdout).toContain('POST /data-api/v1/order/add_coupon');
    expect(r.stdout).toContain('POST or GET /gateway');
    expect(r.stdout).toContain('app.coupons.*, app.promotion.* (5 methods)');
    for (const secret of ['promoproof-app-secret', 'promoproof-tencent-secret', 'promoproof-yoho-test-key'])
      expect(r.stdout).toContain(secret);
    expect(r.stdout).toContain(`${origin}/__promoproof/coupon-platform/`);
  });

  it('never prints a secret given to it', async () => {
    const stop = new AbortController();
    const run = cli(['serve', '--port', '0', '--app-secret', 'my-real-secret-123'], {
      signal: stop.signal,
      env: { PROMOPROOF_ACCESS_TOKEN: 'my-real-token-456' },
    });
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    const r = await run;
    expect(r.stdout).not.toContain('my-real-secret-123');
    expect(r.stdout).not.toContain('my-real-token-456');
    expect(r.stdout).toContain('(as given)');
  });

  it('lists the faults with their rules, as text and JSON', async () => {
    const text = await cli(['serve', '--list-faults']);
    expect(text.stdout).toContain('skew-7-minutes');
    const json = await cli(['serve', '--list-faults', '--json']);
    const rows = JSON.parse(json.stdout) as { name: string; rule: string }[];
    expect(rows).toHaveLength(namedFaults().length);
    expect(rows.find((r) => r.name === 'suspend-from-4')?.rule).toBe('JDP-SUSP-01');
  });

  it('lists the readings, serves with them, and refuses an unknown one', async () => {
    const json = await cli(['serve', '--list-readings', '--json']);
    const rows = JSON.parse(json.stdout) as { name: string; departsFrom: string }[];
    expect(rows.map((r) => r.name)).toEqual(Object.keys(READINGS));
    expect(rows.every((r) => /-REF-/.test(r.departsFrom))).toBe(true);
    const stop = new AbortController();
    const run = cli(['serve', '--port', '0', '--reading', 'filters-ignored,drafts-kept'], { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    expect((await run).stdout).toContain('readings      filters-ignored, drafts-kept');
    const bad = await cli(['serve', '--reading', 'lenient']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown reading 'lenient'");
  });

  it('serves a catalogue from a file, and reports a broken one at its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promoproof-cat-'));
    try {
      writeFileSync(
        join(dir, 'cat.yaml'),
        'skus:\n  - { skuId: 1001, wareId: 1, name: 红星二锅头, itemNum: "456", jdPrice: "20.0" }\n  - { skuId: 1002, wareId: 1, name: 500ml, jdPrice: "18.8" }\n',
      );
      const stop = new AbortController();
      const run = cli(['serve', '--port', '0', '--catalogue', join(dir, 'cat.yaml')], { signal: stop.signal });
      await new Promise((r) => setTimeout(r, 300));
      stop.abort();
      expect((await run).stdout).toContain('catalogue     2 SKUs from');
      writeFileSync(join(dir, 'bad.yaml'), 'skus:\n  - { skuId: 1001, wareId: 1, name: x, jdPrice: "20.05.1" }\n');
      const bad = await cli(['serve', '--catalogue', join(dir, 'bad.yaml')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/bad\.yaml:2:\d+: skus\.0\.jdPrice: must match pattern/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown fault and a bad port with exit 2', async () => {
    expect((await cli(['serve', '--fault', 'nope'])).code).toBe(2);
    expect((await cli(['serve', '--port', '70000'])).code).toBe(2);
  });
});

describe('promoproof sign', () => {
  it('makes a freshly signed request the reference accepts', async () => {
    const { buildServer } = await import('../../src/reference/server.js');
    const r = await cli(['sign', '--method', 'jingdong.seller.promotion.list', '--app-json', '{"page":1,"size":5}', '--form']);
    expect(r.code).toBe(0);
    const app = buildServer();
    const res = await app.inject({
      method: 'POST',
      url: '/routerjson',
      payload: r.stdout.trim(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(JSON.parse(res.body)).toHaveProperty('jingdong_seller_promotion_list_responce.code', '0');
    const curl = await cli(['sign', '--method', 'jingdong.seller.promotion.get', '--url', 'http://127.0.0.1:9/routerjson']);
    expect(curl.stdout).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:9\/routerjson' .*--data-urlencode 'sign=[0-9A-F]{32}'/);
  });

  it('refuses a missing method, a non-object JSON and an unknown sign method with exit 2', async () => {
    expect((await cli(['sign'])).code).toBe(2);
    expect((await cli(['sign', '--method', 'm', '--app-json', '[1]'])).code).toBe(2);
    expect((await cli(['sign', '--method', 'm', '--sign-method', 'sha1'])).code).toBe(2);
  });
});

describe('every error line ends with its code', () => {
  it('a usage error, a path that cannot be read, an unreachable target', async () => {
    const usage = await cli(['check', '--concurrency', '0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--concurrency must be an integer from 1 to 256, got 0 \[PP_USAGE\]\n$/);
    const path = await cli(['check', '--waivers', 'no/such/waivers.yaml']);
    expect(path.code).toBe(2);
    expect(path.stderr).toMatch(/cannot read waivers file 'no\/such\/waivers\.yaml'.* \[PP_PATH\]\n$/);
    const down = await cli(['check', '--target', 'http://127.0.0.1:9/routerjson', '--rules', 'JOS-01', '--timeout-ms', '500']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/\[PP_UNREACHABLE\]\n$/);
  });
});
