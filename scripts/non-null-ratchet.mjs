#!/usr/bin/env node
// Non-null assertions (`x!`) may not grow: the count per file is pinned in non-null-baseline.json and
// may only fall. Biome's noNonNullAssertion finds them (a warning, so the older code still lints);
// this turns the warning into a ratchet. `node scripts/non-null-ratchet.mjs --update` pins today's counts.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const baselineFile = fileURLToPath(new URL('non-null-baseline.json', import.meta.url));
const out = execFileSync('npx', ['biome', 'lint', '.', '--only=style/noNonNullAssertion', '--reporter=json', '--max-diagnostics=none'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  stdio: ['ignore', 'pipe', 'ignore'],
});
const counts = {};
for (const d of JSON.parse(out).diagnostics) {
  const file = d.location?.path?.file ?? String(d.location?.path);
  counts[file] = (counts[file] ?? 0) + 1;
}
const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
if (process.argv.includes('--update')) {
  writeFileSync(baselineFile, `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(`non-null assertions pinned: ${Object.values(sorted).reduce((a, b) => a + b, 0)} in ${Object.keys(sorted).length} files`);
  process.exit(0);
}
const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'));
const grown = Object.entries(sorted).filter(([f, n]) => n > (baseline[f] ?? 0));
const fallen = Object.entries(baseline).filter(([f, n]) => (sorted[f] ?? 0) < n);
for (const [f, n] of grown)
  console.error(`${f}: ${n} non-null assertions, ${baseline[f] ?? 0} allowed — say why the value is there instead of \`!\``);
if (grown.length > 0) process.exit(1);
const total = Object.values(sorted).reduce((a, b) => a + b, 0);
console.log(
  `non-null assertions: ${total}, none new${fallen.length > 0 ? ` (${fallen.length} files have fewer: node scripts/non-null-ratchet.mjs --update pins the lower counts)` : ''}`,
);
