#!/usr/bin/env node
// @ts-check
// Runs the compiled CLI (dist/cli/main.js, built by `npm run build`; `npm ci` builds it through the
// `prepare` script). A development checkout whose dist/ is missing or older than src/, or any
// checkout with PROMOPROOF_DEV=1, runs the TypeScript sources through tsx instead, silently: slower
// to start, never stale (see entry.js). src/cli/main.ts runs the CLI when imported from here.
import { fileURLToPath } from 'node:url';
import { cliEntry } from './entry.js';

const root = fileURLToPath(new URL('../', import.meta.url));

if (cliEntry(root) === 'dist') {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
