#!/usr/bin/env node
// `npm run coverage:readme`: writes the README's coverage table (between its markers) from the last
// `npm run coverage` (reports/coverage/coverage-summary.json), so the figure comes from the command.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const summary = JSON.parse(readFileSync(`${root}reports/coverage/coverage-summary.json`, 'utf8'));
const folders = new Map();
for (const [file, s] of Object.entries(summary)) {
  if (file === 'total') continue;
  const folder = relative(root, file).split('/').slice(0, -1).join('/');
  const f = folders.get(folder) ?? { lines: [0, 0], branches: [0, 0] };
  f.lines[0] += s.lines.covered;
  f.lines[1] += s.lines.total;
  f.branches[0] += s.branches.covered;
  f.branches[1] += s.branches.total;
  folders.set(folder, f);
}
const pct = ([c, t]) => (t === 0 ? '–' : `${((100 * c) / t).toFixed(1)} %`);
const t = summary.total;
const rows = [...folders.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([f, s]) => `| \`${f}/\` | ${pct(s.lines)} | ${pct(s.branches)} |`);
const table = [
  `From \`npm run coverage\` on ${new Date().toISOString().slice(0, 10)} (v8, \`src/\`, the tests of \`npm test\`; the self-test's`,
  'runs are not counted, so `src/reference/spec-mutations.ts` shows as untested here):',
  '',
  '| folder | lines | branches |',
  '|---|---|---|',
  ...rows,
  `| **all of src/** | **${pct([t.lines.covered, t.lines.total])}** | **${pct([t.branches.covered, t.branches.total])}** |`,
].join('\n');
const readmeFile = `${root}README.md`;
const readme = readFileSync(readmeFile, 'utf8');
const begin = '<!-- coverage:begin (npm run coverage && npm run coverage:readme writes this table) -->';
const end = '<!-- coverage:end -->';
const from = readme.indexOf(begin);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} block`);
writeFileSync(readmeFile, `${readme.slice(0, from + begin.length)}\n${table}\n${readme.slice(to)}`);
console.log(
  `README coverage table written: lines ${pct([t.lines.covered, t.lines.total])}, branches ${pct([t.branches.covered, t.branches.total])}`,
);
