import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { mainHelp } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

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
});
