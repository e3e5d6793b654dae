#!/usr/bin/env node
// `npm run readme:examples`: reruns every command the README shows with its output and writes that
// output back, so the README's example outputs come from the command, never typed by hand.
//
// An example is a marker comment naming the command's arguments, then a ```text block:
//
//   <!-- example: load --profile claim-storm -->
//   ```text
//   $ npx promoproof load --profile claim-storm
//   …stdout and stderr as the command wrote them, in order…
//   exit 0
//   ```
//
// Each command runs as `node bin/promoproof.js ARGS` with NO_COLOR from the project's root, as a
// newcomer runs it (its reports land in reports/, as theirs would), stdout and stderr into one pipe (so
// their lines keep their order), and the block ends with its exit code.
// `npm run readme:examples -- load` reruns only the examples whose arguments start with `load`;
// `npm run readme:examples -- files` runs none and rewrites only the files the README shows whole.
// Load examples are measured: run them on a quiet machine (nothing else running), as `npm run bench`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmeFile = join(root, 'README.md');
const only = process.argv.slice(2).join(' ');
const MARKER = /^( *)<!-- example: (.+?) -->\n\1```text\n(?:[\s\S]*?\n)??\1```\n/gm;

/** Splits a marker's arguments as a shell would for the simple words the README uses ('…' quoted). */
function words(args) {
  return [...args.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** Runs one example from the project's root: its output and its exit code. */
function run(args) {
  // One pipe for both streams: `2>&1` through the shell keeps the order the command wrote them in.
  const quoted = words(args)
    .map((w) => `'${w.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const r = spawnSync('bash', ['-c', `node bin/promoproof.js ${quoted} 2>&1`], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  if (r.error) throw r.error;
  return { lines: r.stdout.replace(/\s+$/, '').split('\n'), code: r.status ?? 1 };
}

const readme = readFileSync(readmeFile, 'utf8');
let count = 0;
const next = readme.replace(MARKER, (block, indent, args) => {
  if (only !== '' && !args.startsWith(only)) return block;
  process.stderr.write(`$ npx promoproof ${args}\n`);
  const { lines, code } = run(args);
  count++;
  process.stderr.write(`  exit ${code}, ${lines.length} lines\n`);
  const body = [`$ npx promoproof ${args}`, ...lines, `exit ${code}`].map((l) => (l === '' ? '' : indent + l));
  return `${indent}<!-- example: ${args} -->\n${indent}\`\`\`text\n${body.join('\n')}\n${indent}\`\`\`\n`;
});
// A file the README shows whole: `<!-- file: PATH -->` then a fenced block, rewritten from the file
// (no command run; test/cli/readme-figures.test.ts keeps each one equal to its file).
const FILE_MARKER = /^<!-- file: (.+?) -->\n```(\w*)\n[\s\S]*?\n?```\n/gm;
let files = 0;
const withFiles = next.replace(FILE_MARKER, (_block, path, lang) => {
  files++;
  const text = readFileSync(join(root, path), 'utf8').replace(/\n+$/, '');
  return `<!-- file: ${path} -->\n\`\`\`${lang}\n${text}\n\`\`\`\n`;
});
writeFileSync(readmeFile, withFiles);
process.stderr.write(`${count} example(s) and ${files} file(s) rewritten in README.md\n`);
