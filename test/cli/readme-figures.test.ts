import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_DEFAULTS } from '../../src/core/defaults.js';
import { planChecks } from '../../src/engine/conformance.js';

/**
 * The README's performance figures are written by `npm run bench -- --readme`, never typed. What a
 * test can keep true without timing anything: the table exists, and it describes today's suite and
 * today's default concurrency (else the figures are of something that no longer runs).
 */
describe('README figures come from npm run bench -- --readme', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const begin = readme.indexOf('<!-- bench:begin');
  const end = readme.indexOf('<!-- bench:end -->');
  const table = readme.slice(begin, end);
  const regenerate = 'the suite changed since the table was written: run npm run bench -- --readme';

  it('has the table between its markers, written by the bench', () => {
    expect(begin).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(begin);
    expect(table).toMatch(/Measured with `npm run bench` on \d{4}-\d{2}-\d{2}, Node v\d+/);
    expect(table).toContain('promoproof --help');
  });

  it('describes the suite as it is today', () => {
    const checks = planChecks({});
    const calls = checks.reduce((n, c) => n + c.steps.filter((s) => s.kind === 'call').length, 0);
    expect(table, regenerate).toContain(`(${checks.length} checks, ${calls} calls,`);
  });

  it('marks the default concurrency among the latency rows', () => {
    expect(table, regenerate).toContain(`concurrency ${CHECK_DEFAULTS.concurrency} (the default)`);
  });
});

describe('README coverage figure comes from npm run coverage:readme', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- coverage:begin'), readme.indexOf('<!-- coverage:end -->'));

  it('has the table with a row per src/ folder and the total', () => {
    expect(table).toMatch(/From `npm run coverage` on \d{4}-\d{2}-\d{2}/);
    expect(table).toMatch(/\| \*\*all of src\/\*\* \| \*\*\d+\.\d %\*\* \| \*\*\d+\.\d %\*\* \|/);
    for (const folder of ['src/engine/', 'src/protocols/jos/', 'src/reference/', 'src/report/']) expect(table).toContain(`| \`${folder}\``);
  });

  it('states the Node versions package.json supports', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.19');
    expect(readme).toContain('Node 20 (≥ 20.19)');
    expect(readme).toContain('`engines` in\n`package.json` says `>=20.19`');
  });

  it('names each Node line CI tests, and CI tests each line the README names', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    const loop = /for lts in ([\d ]+); do/.exec(ci)?.[1]?.split(' ') ?? [];
    expect(loop.length).toBeGreaterThan(0);
    expect(readme).toContain(`Requirements: Node.js ${loop.slice(0, -1).join(', ')} or ${loop.at(-1)} (the LTS lines`);
    expect(readme).toContain(`CI runs the tests on Node 20, ${loop.join(', ').replace(/, (\d+)$/, ' and $1')}.`);
  });
});

describe('files the README shows whole are the files', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/^<!-- file: (.+?) -->\n```\w*\n([\s\S]*?)\n```\n/gm)];

  it('shows the test service binding whole', () => {
    expect(blocks.map((b) => b[1])).toContain('test/fixtures/bindings/rest-coupon.yaml');
  });

  it.each(blocks.map((b) => [b[1] ?? '', b[2] ?? '']))('%s is as the file has it (npm run readme:examples -- files)', (path, shown) => {
    const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8').replace(/\n+$/, '');
    expect(shown).toBe(text);
  });
});
