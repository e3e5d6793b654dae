/**
 * How to start one of our own modules in a worker thread, the thread twin of ./fork-command.ts: from
 * the build, its `.js` as the worker's entry; from the TypeScript sources (tests, PROMOPROOF_DEV), a
 * one-line bootstrap that registers tsx's ESM hooks in the new thread and then imports the `.ts`.
 * Node 20 does not apply a worker's `execArgv: ['--import', tsx]` to the worker's own entry (measured:
 * ERR_UNKNOWN_FILE_EXTENSION), hence the bootstrap. Only our own flags: a parent's --inspect or
 * test-runner flags must not reach the thread.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the module `entryBase` (relative to `moduleUrl`, without extension) in a new worker thread. */
export function startModuleWorker(moduleUrl: string, entryBase: string, options: Omit<WorkerOptions, 'eval' | 'execArgv'> = {}): Worker {
  const fromSources = moduleUrl.endsWith('.ts');
  const entry = new URL(`${entryBase}.${fromSources ? 'ts' : 'js'}`, moduleUrl);
  if (!fromSources) return new Worker(entry, { ...options, execArgv: [] });
  const bootstrap = `import(${JSON.stringify(tsxEsmApi(moduleUrl))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}

/**
 * The file URL of tsx's ESM API (`tsx/esm/api`, its `import` condition), found from `moduleUrl`. Its
 * CommonJS twin cannot be used: its register() resolves its hooks module at a path that does not exist
 * (tsx 4.23: `dist/esm/api/esm/index.mjs`).
 */
function tsxEsmApi(moduleUrl: string): string {
  const pkgFile = createRequire(moduleUrl).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const api = pkg.exports?.['./esm/api'];
  const file = typeof api === 'object' ? api.import?.default : undefined;
  if (file === undefined)
    throw new Error(
      `tsx at ${dirname(pkgFile)} has no ESM API (exports['./esm/api'].import): cannot run a worker from the TypeScript sources`,
    );
  return pathToFileURL(join(dirname(pkgFile), file)).href;
}
