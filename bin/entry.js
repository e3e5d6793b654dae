// @ts-check
// Which code bin/promoproof.js runs: the compiled CLI in dist/, or the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by `npm run build` after tsc (so also by `npm ci`, through `prepare`). */
export const BUILD_STAMP = 'dist/.build-stamp';

/**
 * 'dist' (compiled, the fast start) or 'src' (the sources through tsx, a dev dependency: about half a
 * second more). 'src' when PROMOPROOF_DEV=1, when dist/ was never built, or when a .ts file under
 * src/ is newer than the build stamp: a checkout being edited runs what is being edited, never a
 * stale build, until the next `npm run build`. An installed package has no src/ and runs dist/. The
 * check costs a stat per source file (a millisecond or two).
 * @param {string} root the package's root folder
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {'dist' | 'src'}
 */
export function cliEntry(root, env = process.env) {
  if (!existsSync(join(root, 'src'))) return 'dist';
  if (env['PROMOPROOF_DEV'] === '1') return 'src';
  return distIsFresh(root) ? 'dist' : 'src';
}

/**
 * Whether dist/ holds a build not older than the sources (true when there are no sources).
 * @param {string} root
 * @returns {boolean}
 */
export function distIsFresh(root) {
  let stamp;
  try {
    stamp = statSync(join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return false;
  }
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) return false;
  return newestSource(join(root, 'src')) <= stamp;
}

/**
 * The newest modification time (ms) of the .ts files under dir, -Infinity when there are none.
 * @param {string} dir
 * @returns {number}
 */
export function newestSource(dir) {
  let newest = -Infinity;
  let names;
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return newest;
  }
  for (const name of names) {
    if (!name.endsWith('.ts')) continue;
    const t = statSync(join(dir, name)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}
