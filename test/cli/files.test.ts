import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliRun } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-files-'));
  writeFileSync(join(dir, 'a-file'), 'not a folder\n');
  mkdirSync(join(dir, 'a-folder'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2, one line on stderr naming the file and ending with the code PP_PATH, no stack trace. */
function expectFileError(r: CliRun, line: RegExp | string) {
  expect(r.code, r.stderr).toBe(2);
  const text = r.stderr.trimEnd();
  expect(text.split('\n')).toHaveLength(1);
  expect(text).toMatch(/ \[PP_PATH\]$/);
  const message = text.replace(/ \[PP_PATH\]$/, '');
  if (typeof line === 'string') expect(message).toBe(line);
  else expect(message).toMatch(line);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('a path the user names that cannot be read or written is a usage error naming it', () => {
  it('check --waivers: a missing file', async () => {
    const r = await cli(['check', '--waivers', 'x.yaml'], { cwd: dir });
    expectFileError(r, "promoproof check: cannot read waivers file 'x.yaml': no such file");
  });

  it('check --waivers: a folder', async () => {
    const r = await cli(['check', '--waivers', 'a-folder'], { cwd: dir });
    expectFileError(r, "promoproof check: cannot read waivers file 'a-folder': is a folder, not a file");
  });

  it('check --target-config: a missing file (also with --list and --check-fixtures)', async () => {
    for (const extra of [[], ['--list'], ['--check-fixtures']]) {
      const r = await cli(['check', '--target-config', 'shop.yaml', ...extra], { cwd: dir });
      expectFileError(r, "promoproof check: cannot read target config file 'shop.yaml': no such file");
    }
  });

  it('check --scenarios: a missing folder, and a file given as the folder', async () => {
    expectFileError(
      await cli(['check', '--list', '--scenarios', 'nowhere'], { cwd: dir }),
      "promoproof check: cannot read scenarios folder 'nowhere': no such folder",
    );
    expectFileError(
      await cli(['check', '--list', '--scenarios', 'a-file'], { cwd: dir }),
      "promoproof check: cannot read scenarios folder 'a-file': not a folder",
    );
  });

  it('check --report: a path that cannot be written, before anything runs', async () => {
    // Under a file (ENOTDIR): works as root too, where a read-only folder would not stop a write.
    const r = await cli(['check', '--rules', 'JDP-ADD-01', '--report', 'json=a-file/out/r.json'], { cwd: dir });
    expectFileError(r, /^promoproof check: cannot write json report file 'a-file\/out\/r\.json': /);
    const folder = await cli(['check', '--rules', 'JDP-ADD-01', '--report', 'junit=a-folder'], { cwd: dir });
    expectFileError(folder, "promoproof check: cannot write junit report file 'a-folder': is a folder, not a file");
  });

  it.skipIf(process.getuid?.() === 0)('check --report: a read-only folder', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    try {
      const r = await cli(['check', '--rules', 'JDP-ADD-01', '--report', 'json=ro/r.json'], { cwd: dir });
      expectFileError(r, "promoproof check: cannot write json report file 'ro/r.json': permission denied");
    } finally {
      chmodSync(ro, 0o700);
    }
  });

  it('check --waivers: a file with several problems lists them all at once, exit 2', async () => {
    writeFileSync(join(dir, 'bad-waivers.yaml'), 'waivers:\n  - rule: JDP-ADD-01\n    expires: "2026-13-01"\n    owner: me\n');
    const r = await cli(['check', '--waivers', 'bad-waivers.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-waivers\.yaml:2:5: .*missing 'reason'/);
    expect(r.stderr).toMatch(/bad-waivers\.yaml:3:14: .*'2026-13-01' is not a date/);
    expect(r.stderr).toMatch(/bad-waivers\.yaml:4:5: .*unknown key 'owner'/);
    expect(r.stderr).toContain('3 problem(s); nothing was run.');
  });

  it('serve --catalogue: a missing file', async () => {
    const r = await cli(['serve', '--port', '0', '--catalogue', 'skus.yaml'], { cwd: dir });
    expectFileError(r, "promoproof serve: cannot read catalogue file 'skus.yaml': no such file");
  });

  it('sign reads no file: its only inputs are options and the environment', async () => {
    const r = await cli(['sign', '--method', 'jingdong.seller.promotion.get', '--form'], { cwd: dir });
    expect(r.code).toBe(0);
  });
});
