import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadError, type LoadProblem } from '../../src/core/errors.js';
import { loadSuite } from '../../src/scenario/load-suite.js';

/** A scratch scenarios/ root holding one suite (jd-promotion unless named) made of the given files. */
export function tmpSuite(files: Record<string, string>, suite = 'jd-promotion'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'promoproof-suite-'));
  mkdirSync(join(root, suite));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, suite, name), text);
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The load problems of a scratch suite of these files ([] when it loads); `keep` is handed the suite's
 * cleanup, for the test's afterEach.
 */
export function suiteProblems(files: Record<string, string>, keep: (cleanup: () => void) => void, suite = 'jd-promotion'): LoadProblem[] {
  const s = tmpSuite(files, suite);
  keep(s.cleanup);
  try {
    loadSuite(suite, s.root, s.root);
  } catch (e) {
    if (e instanceof LoadError) return [...e.problems];
    throw e;
  }
  return [];
}
