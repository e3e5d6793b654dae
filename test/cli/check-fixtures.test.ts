import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-fixtures-'));
  // A target nobody listens on (a request would exit 3), with secrets from unset variables and a
  // catalogue of ten SKUs, two per ware, 100.0 … 109.0 yuan.
  const skus = Array.from(
    { length: 10 },
    (_, i) => `    - { id: ${700_000 + i}, ware: ${70 + Math.floor(i / 2)}, price: "${100 + i}.0" }`,
  ).join('\n');
  writeFileSync(
    join(dir, 'shop.yaml'),
    `url: http://127.0.0.1:1/routerjson\ncredentials:\n  jos:\n    appKey: k\n    appSecret: \${env:UNSET_SECRET}\n    accessToken: \${env:UNSET_TOKEN}\ncapabilities: [test-control]\nfixtures:\n  skus:\n${skus}\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('promoproof check --check-fixtures', () => {
  it('against the reference catalogue: every check served (exit 0), nothing sent', async () => {
    const r = await cli(['check', '--check-fixtures']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Fixtures: 1600 SKUs \(the reference's catalogue\); \d+ checks planned, no request sent\.\n/);
    expect(r.stdout).toContain('The fixtures serve every check.');
  });

  it('against a small catalogue: the checks it cannot serve, grouped by reason, and what to add (exit 1)', async () => {
    const r = await cli([
      'check',
      '--check-fixtures',
      '--target-config',
      join(dir, 'shop.yaml'),
      '--rules',
      'JDP-SKU-03',
      '--rules',
      'JDP-SKU-04',
      '--rules',
      'JDP-SKU-05',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Fixtures: 10 SKUs (the fixtures of ');
    expect(r.stdout).toMatch(/The fixtures cannot serve \d+ check\(s\) \(\d+ must\); they would be skipped:/);
    // one reason, then what to add, then the checks it stops, each with its source
    expect(r.stdout).toMatch(
      /\n {2}skus\.gifts needs 5 SKUs whose price total is below another SKU's price \(the lowest of skus\.mains\): the 5 cheapest total 510\.0 yuan, the lowest of skus\.mains, picked from the dearest, costs 108\.0 yuan\n {4}→ add 5 SKUs priced above 1\.0 yuan and at most 21\.5 yuan each\n {4}gift-five-gifts \[must\] scenarios\/jd-promotion\/bundles-gifts\.yaml:\d+\n/,
    );
    expect(r.stdout).toMatch(
      / {2}skus\.products needs 8 SKUs priced above 15\.0 yuan, of distinct wares: the fixtures have such SKUs of only 5 wares\n {4}→ add 3 SKUs priced above 15\.0 yuan, of 3 more wares\n {4}bundle-eight-products \[must\] .*\n {4}bundle-eighth-product-in-later-batch \[must\] /,
    );
    expect(r.stdout).toContain('it names sku[400] by position, the fixtures list 10 SKUs');
    expect(r.stdout).toContain('To serve them, add to fixtures.skus of the target config:\n  - ');
  });

  it('--json: a machine-readable list', async () => {
    const r = await cli(['check', '--check-fixtures', '--json', '--target-config', join(dir, 'shop.yaml'), '--rules', 'JDP-SKU-05']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      fixtures: { skus: number };
      checks: number;
      served: number;
      unserved: { id: string; level: string; source: { file: string; line: number }; reason: string; add: string }[];
    };
    expect(out.fixtures.skus).toBe(10);
    expect(out.served + out.unserved.length).toBe(out.checks);
    const five = out.unserved.find((u) => u.id === 'gift-five-gifts');
    expect(five).toMatchObject({ level: 'must', source: { file: 'scenarios/jd-promotion/bundles-gifts.yaml' } });
    expect(five!.reason).toContain('skus.gifts needs 5 SKUs');
    expect(five!.add).toMatch(/^add 5 SKUs/);
  });

  it('--list marks the checks the fixtures cannot serve', async () => {
    const r = await cli(['check', '--list', '--target-config', join(dir, 'shop.yaml'), '--rules', 'JDP-SKU-05']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /(^|\n)gift-five-gifts {2}\[must\] .* {2}\[fixtures cannot serve it: add 5 SKUs priced above 1\.0 yuan and at most 21\.5 yuan each\]\n/,
    );
    expect(r.stdout).toMatch(/\d+ checks; the fixtures cannot serve \d+ \(--check-fixtures says why\)\n$/);
    const plain = await cli(['check', '--list', '--rules', 'JDP-SKU-05']);
    expect(plain.stdout).not.toContain('fixtures cannot serve');
  });

  it('is in --help', async () => {
    const r = await cli(['check', '--help']);
    expect(r.stdout).toContain('--check-fixtures');
  });
});
