import { LIMITS } from '../core/defaults.js';
import { loadCatalogueFile, type CatalogueSku } from '../apis/jd-promotion/catalogue.js';
import { LIVE_SUCCESS_SUFFIX, SUCCESS_SUFFIXES, type SuccessSuffix } from '../protocols/jos/envelope.js';
import { LoadError } from '../core/errors.js';
import { faultDescription, faultRules, isFaultId, namedFaults, specMutationIds } from '../reference/faults.js';
import { buildServer } from '../reference/server.js';
import { ALL_READINGS, isReadingId, READINGS } from '../apis/readings.js';
import { intOption, listOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { readUserFile } from './files.js';
import { renderServeBanner } from './serve-banner.js';

/** Runs `promoproof serve` (its name, help and options: serveCommand in commands.ts). */
export async function run(values: Values, _positionals: string[], io: CliIo): Promise<ExitCode> {
  if (values['list-readings']) {
    const rows = Object.entries(READINGS).map(([name, r]) => ({
      name,
      departsFrom: r.departsFrom,
      description: r.description,
      because: r.because,
    }));
    if (values['json']) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      const w = Math.max(...rows.map((r) => r.name.length));
      io.stdout(`${rows.length} readings the documents allow besides our own choices:\n`);
      for (const r of rows) io.stdout(`  ${r.name.padEnd(w)}  ${r.departsFrom.padEnd(11)}  ${r.description} (${r.because})\n`);
    }
    return EXIT.ok;
  }
  const readings = listOption(values, 'reading').flatMap((r) => (r === 'all' ? [...ALL_READINGS] : [r]));
  const unknownReading = readings.find((r) => !isReadingId(r));
  if (unknownReading !== undefined) throw new CliError(`unknown reading '${unknownReading}'; see 'promoproof serve --list-readings'`);
  if (values['list-faults']) {
    const rows: { name: string; api: string; rule: string; description: string }[] = namedFaults().map((f) => ({
      name: f.id,
      api: f.api,
      rule: f.rule,
      description: f.description,
    }));
    if (values['mutations'])
      for (const m of specMutationIds())
        rows.push({ name: m.id, api: m.api, rule: faultRules(m.id).join(','), description: faultDescription(m.id) });
    if (values['json']) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      const w = Math.max(...rows.map((r) => r.name.length));
      io.stdout(`${rows.length} faults, one deliberate violation each (see --mutations for the spec mutations):\n`);
      for (const api of new Set(rows.map((r) => r.api))) {
        io.stdout(`${api}:\n`);
        for (const r of rows.filter((x) => x.api === api)) io.stdout(`  ${r.name.padEnd(w)}  ${r.rule.padEnd(13)}  ${r.description}\n`);
      }
    }
    return EXIT.ok;
  }
  const fault = stringOption(values, 'fault');
  if (fault !== undefined && !isFaultId(fault)) throw new CliError(`unknown fault '${fault}'; see 'promoproof serve --list-faults'`);
  const port = intOption(values, 'port', 8620, { max: 65535 });
  const host = stringOption(values, 'host') ?? '127.0.0.1';
  const appSecret = stringOption(values, 'app-secret') ?? io.env['PROMOPROOF_APP_SECRET'];
  const accessToken = stringOption(values, 'access-token') ?? io.env['PROMOPROOF_ACCESS_TOKEN'];
  const catalogueFile = stringOption(values, 'catalogue');
  let catalogue: CatalogueSku[] | undefined;
  if (catalogueFile !== undefined) {
    const { abs, text } = readUserFile('catalogue', catalogueFile, io.cwd);
    try {
      catalogue = loadCatalogueFile(abs, text);
    } catch (e) {
      if (e instanceof LoadError) throw new CliError(e.message);
      throw e;
    }
  }
  const suffix = stringOption(values, 'success-suffix') ?? LIVE_SUCCESS_SUFFIX;
  if (!SUCCESS_SUFFIXES.includes(suffix as SuccessSuffix))
    throw new CliError(`--success-suffix must be one of ${SUCCESS_SUFFIXES.join(', ')}, not '${suffix}'`);
  const strictParams = values['strict-params'] === true;
  const app = buildServer({
    ...(catalogue ? { catalogue } : {}),
    credentials: { appKey: stringOption(values, 'app-key'), appSecret, accessToken },
    fault,
    readings,
    testControl: values['test-control'] === true,
    logger: values['log'] === true,
    strictParams,
    successSuffix: suffix as SuccessSuffix,
  });
  let address: string;
  try {
    address = await app.listen({ port, host, backlog: LIMITS.listenBacklog });
  } catch (e) {
    throw new CliError(`cannot listen on ${host}:${port}: ${(e as Error).message}`, EXIT.usage);
  }
  io.stdout(
    renderServeBanner({
      origin: address,
      jos: app.promoproof.credentials,
      fault,
      readings,
      strictParams,
      successSuffix: suffix,
      liveSuccessSuffix: LIVE_SUCCESS_SUFFIX,
      catalogue: `${app.promoproof.service.deps.catalogue.size} SKUs${catalogueFile ? ` from ${catalogueFile}` : ' (seeded test catalogue)'}`,
      testControl: values['test-control'] === true,
    }),
  );
  await new Promise<void>((resolve) => {
    if (io.stopSignal.aborted) resolve();
    io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  await app.close();
  return EXIT.ok;
}
