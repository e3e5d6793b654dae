// @ts-check
// `node --import ./test/helpers/trace-imports.mjs …` appends the URL of every file module the process
// resolves (ours, node_modules, tsx) to the file named by PROMOPROOF_TRACE_IMPORTS, one per line.
import { register } from 'node:module';

const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith('file:')) appendFileSync(process.env.PROMOPROOF_TRACE_IMPORTS, resolved.url + '\\n');
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
