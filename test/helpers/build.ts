import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from '../../bin/entry.js';

/** The package root (the checkout). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs `npm run build` unless dist/ is at least as new as every source (bin/entry.js): a no-op after
 * `npm ci` (which builds through `prepare`), a few seconds after an edit of src/.
 */
export function ensureBuilt(): void {
  if (!distIsFresh(ROOT)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', shell: process.platform === 'win32' });
}
