#!/usr/bin/env node
// `npm run scaleout:install`: installs the scale-out path (Artillery, pinned in scaleout/package-lock.json)
// apart from the default install, so `npm ci` stays as small as it is. Artillery 2 needs Node >= 22.18:
// under an older Node this says how to run it instead and exits 2 (a usage error), installing nothing.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oldest Node Artillery 2.0.34 runs on (its engines field). */
const MIN = [22, 18];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  process.stderr.write(
    `scaleout:install: Artillery needs Node >= ${MIN.join('.')}; this is Node ${process.versions.node}.\n` +
      'Run it under Node 22 from the npm registry instead:\n' +
      '  npx --package=node@22 -- npm run scaleout:install\n',
  );
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.env['npm_execpath'];
const [cmd, args] = npm ? [process.execPath, [npm]] : ['npm', []];
const run = spawnSync(cmd, [...args, '--prefix', join(root, 'scaleout'), 'ci', '--no-audit', '--no-fund'], {
  stdio: 'inherit',
  // No browser download (Artillery's Playwright engine is not used, and the download fails offline); no telemetry.
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ARTILLERY_DISABLE_TELEMETRY: 'true' },
});
process.exit(run.status ?? 1);
