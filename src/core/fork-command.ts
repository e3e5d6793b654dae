/**
 * How to fork one of our own modules as a child process: from the build, its `.js` with plain node;
 * from the TypeScript sources (tests, PROMOPROOF_DEV), its `.ts` through the tsx loader, resolved from
 * here by absolute URL so that the working folder need not see node_modules. Only our own flags: a
 * parent's --inspect or test-runner flags must not reach the child.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The entry `entryBase` (relative to `moduleUrl`, without extension) and the node flags it needs. */
export function forkCommand(moduleUrl: string, entryBase: string): { readonly entry: string; readonly execArgv: readonly string[] } {
  const fromSources = moduleUrl.endsWith('.ts');
  const entry = fileURLToPath(new URL(`${entryBase}.${fromSources ? 'ts' : 'js'}`, moduleUrl));
  if (!fromSources) return { entry, execArgv: [] };
  return { entry, execArgv: ['--import', pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href] };
}
