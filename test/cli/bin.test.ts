import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP, cliEntry } from '../../bin/entry.js';
import type { RunReport } from '../../src/report/types.js';
import { VERSION } from '../../src/version.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

// The other CLI tests run the sources in-process (test/helpers/cli.ts); these run bin/promoproof.js
// as users do after `npm ci`: a process, the compiled dist/ (built here when missing or stale).

const BIN = join(ROOT, 'bin', 'promoproof.js');
const TRACER = join(ROOT, 'test', 'helpers', 'trace-imports.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promoproof-bin-'));
  ensureBuilt();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bin/promoproof.js in a scratch folder; answers its output and the files it resolved. */
function bin(args: string[], env: Record<string, string> = {}) {
  const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', TRACER, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', PROMOPROOF_TRACE_IMPORTS: trace, ...env },
    timeout: 60_000,
  });
  const loaded = readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => u.replace(pathToFileURL(ROOT).href, ''));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

describe('bin/promoproof.js', () => {
  it('runs the compiled CLI when dist/ is fresh', () => {
    // Rebuilt just now unless someone edited src/ since: then it would rightly choose the sources.
    ensureBuilt();
    expect(cliEntry(ROOT, {})).toBe('dist');
  });

  it.each(['--help', 'check --help', 'serve --help', 'sign --help'])(
    'promoproof %s loads dist/ only: no tsx, fastify, ajv or yaml',
    (line) => {
      ensureBuilt();
      const r = bin(line.split(' '));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^(promoproof \d|Usage: promoproof)/);
      expect(r.loaded).toContain('dist/cli/main.js');
      expect(r.loaded.filter((u) => !u.startsWith('dist/') && !u.startsWith('bin/'))).toEqual([]);
    },
  );

  it('checks against the embedded reference from dist/, finding specs/ and scenarios/ from any folder', () => {
    ensureBuilt();
    const r = bin(['check', '--rules', 'JDP-ADD-01', '--no-generated', '--report', 'json=out/r.json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.loaded).toContain('dist/cli/check.js');
    expect(r.loaded.some((u) => u.startsWith('src/'))).toBe(false);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'r.json'), 'utf8')) as RunReport;
    expect(report.verdict).toBe('pass');
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.tool.version).toBe(VERSION);
  }, 60_000);

  it('runs the sources through tsx with PROMOPROOF_DEV=1', () => {
    const r = bin(['--version'], { PROMOPROOF_DEV: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.loaded).toContain('src/cli/main.ts');
    expect(r.loaded.some((u) => u.startsWith('dist/'))).toBe(false);
  }, 30_000);
});

describe('cliEntry: dist/ or the sources', () => {
  /** A package root with the given files, each with its modification time in seconds. */
  function fakeRoot(files: Record<string, number>): string {
    const root = mkdtempSync(join(dir, 'root-'));
    for (const [name, mtime] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), '');
      utimesSync(join(root, name), mtime, mtime);
    }
    return root;
  }
  const built = { 'dist/cli/main.js': 2000, [BUILD_STAMP]: 2000 };

  it('dist/ when built after the last change of src/', () => {
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000, 'src/a/b.ts': 2000, ...built }), {})).toBe('dist');
  });
  it('the sources when a .ts file of src/ changed after the build (other files do not count)', () => {
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000, 'src/a/b.ts': 3000, ...built }), {})).toBe('src');
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000, 'src/a/.b.ts.swp': 3000, ...built }), {})).toBe('dist');
  });
  it('the sources when dist/ was never built, or its build did not finish (no stamp)', () => {
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000 }), {})).toBe('src');
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000, 'dist/cli/main.js': 2000 }), {})).toBe('src');
  });
  it('the sources with PROMOPROOF_DEV=1; dist/ always in an installed package (no src/)', () => {
    expect(cliEntry(fakeRoot({ 'src/cli/main.ts': 1000, ...built }), { PROMOPROOF_DEV: '1' })).toBe('src');
    expect(cliEntry(fakeRoot({ ...built }), { PROMOPROOF_DEV: '1' })).toBe('dist');
  });
});
