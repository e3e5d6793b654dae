import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { APIS } from '../apis/index.js';
import { draftBinding } from '../bind/draft.js';
import { OpenApiError, readOpenApi } from '../bind/openapi.js';
import { SPECS_DIR } from '../spec/load.js';
import { listOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { readUserFile, writableUserFile } from './files.js';

/** The APIs a draft binds when --api is not given: the coupon life cycle and its batch upload. */
export const DEFAULT_BIND_APIS = ['tencent-coupon-batch', 'jd-coupon'] as const;

/** Runs `promoproof bind` (its name, help and options: bindCommand in commands.ts). */
export async function run(values: Values, _positionals: string[], io: CliIo): Promise<ExitCode> {
  const file = stringOption(values, 'openapi');
  if (file === undefined) throw new CliError("--openapi FILE is required (the service's OpenAPI 3 document)");
  const names = listOption(values, 'api');
  const ids = names.length > 0 ? names : [...DEFAULT_BIND_APIS];
  for (const id of ids) if (!APIS.has(id)) throw new CliError(`--api: no API '${id}' (known: ${[...APIS.keys()].join(', ')})`);
  const url = stringOption(values, 'url');
  if (url !== undefined && !/^https?:\/\/[^/]+/.test(url)) throw new CliError(`--url must be an http(s) origin, got ${url}`);
  const out = stringOption(values, 'out');
  const outAbs = out === undefined ? undefined : writableUserFile('draft', out, io.cwd);
  // Read first so a missing file is a PP_PATH naming it; the parser then reads it again itself.
  const { abs } = readUserFile('OpenAPI', file, io.cwd);
  let doc: Awaited<ReturnType<typeof readOpenApi>>;
  try {
    doc = await readOpenApi(abs);
  } catch (e) {
    if (e instanceof OpenApiError) throw new CliError(e.message.replaceAll(abs, file), EXIT.usage, 'PP_OPENAPI');
    throw e;
  }
  const schemaRef = relative(outAbs === undefined ? io.cwd : dirname(outAbs), resolve(SPECS_DIR, 'schema/target-config.schema.json'));
  const draft = draftBinding(doc, {
    apis: ids.flatMap((id) => {
      const def = APIS.get(id);
      return def === undefined ? [] : [{ compiled: def.compiled(), ...(def.options !== undefined ? { options: def.options } : {}) }];
    }),
    ...(url !== undefined ? { url: url.replace(/\/+$/, '') } : {}),
    schemaRef,
    source: file,
  });
  if (outAbs !== undefined) writeFileSync(outAbs, draft.yaml);
  if (values['json']) io.stdout(`${JSON.stringify({ draft: draft.config, matches: draft.matches, todos: draft.todos }, null, 2)}\n`);
  else if (outAbs === undefined) io.stdout(draft.yaml);
  const matched = draft.matches.filter((m) => m.service !== undefined).length;
  io.stderr(
    `promoproof bind: ${matched} of ${draft.matches.length} operations matched, ${draft.todos} TODO${draft.todos === 1 ? '' : 's'} to complete${outAbs !== undefined ? `; wrote ${out}` : ''}. A draft: confirm every guess before you rely on it.\n`,
  );
  return EXIT.ok;
}
