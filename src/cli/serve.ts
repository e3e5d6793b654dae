import { loadCatalogueFile, type CatalogueSku } from '../reference/catalogue.js';
import { DEFAULT_CREDENTIALS } from '../reference/credentials.js';
import { LoadError } from '../scenario/errors.js';
import { FAULTS, isFaultId, specMutationsById } from '../reference/faults.js';
import { buildServer } from '../reference/server.js';
import { TEST_CONTROL_PATH } from '../reference/test-control.js';
import { ALL_READINGS, isReadingId, READINGS, type ReadingId } from '../reference/readings.js';
import { intOption, listOption, stringOption, type Command } from './command.js';
import { CliError, EXIT } from './exit-codes.js';
import { readUserFile } from './files.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the reference JD promotion service (the embedded default target)',
  help: `Usage: promoproof serve [options]

Runs the reference implementation of the JD seller promotion service (jingdong.seller.promotion.*)
at http://HOST:PORT/routerjson until interrupted (Ctrl-C).

Options:
  --port N              port to listen on (default 8620; 0 picks a free port)
  --host H              address to bind (default 127.0.0.1)
  --app-key K           app_key accepted (default ${DEFAULT_CREDENTIALS.appKey})
  --app-secret S        app secret used to verify signatures (default: the test secret in the README)
  --access-token T      access_token accepted (default: the test token in the README)
  --fault NAME          switch on one deliberate rule violation (see --list-faults)
  --reading NAME        behave as the documents also allow, not as our own choice (repeatable,
                        comma-separated, or 'all'; see --list-readings): a stand-in for another
                        correct implementation, to try a client or a suite against
  --list-readings       list the readings with the choice of ours each departs from, and exit
  --catalogue FILE      the seller's SKUs (YAML or JSON, specs/schema/catalogue.schema.json);
                        default: the seeded test catalogue of 1,600 SKUs
  --test-control        enable the ${TEST_CONTROL_PATH}/ routes (move the clock, route reviews)
  --list-faults         list the faults with the rule each breaks, and exit
  --mutations           with --list-faults: also list the spec mutations (spec:…), usable as --fault too
  --json                with --list-faults: print JSON
  --log                 log every request (JSON lines on stdout; access_token, sign and the
                        secrets given are replaced by ***)
  -h, --help            show this help

Environment: PROMOPROOF_APP_SECRET and PROMOPROOF_ACCESS_TOKEN are read when the options are absent.`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'app-key': { type: 'string' },
    'app-secret': { type: 'string' },
    'access-token': { type: 'string' },
    fault: { type: 'string' },
    reading: { type: 'string', multiple: true },
    'list-readings': { type: 'boolean' },
    catalogue: { type: 'string' },
    'test-control': { type: 'boolean' },
    'list-faults': { type: 'boolean' },
    mutations: { type: 'boolean' },
    json: { type: 'boolean' },
    log: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    if (values['list-readings']) {
      const rows = Object.entries(READINGS).map(([name, r]) => ({ name, departsFrom: r.departsFrom, description: r.description, because: r.because }));
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
      const rows: { name: string; rule: string; description: string }[] = Object.entries(FAULTS).map(([name, f]) => ({ name, rule: f.rule, description: f.description }));
      if (values['mutations']) for (const m of specMutationsById().values()) rows.push({ name: m.id, rule: m.rules.join(','), description: m.description });
      if (values['json']) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        const w = Math.max(...rows.map((r) => r.name.length));
        io.stdout(`${rows.length} faults, one deliberate violation each (see --mutations for the spec mutations):\n`);
        for (const r of rows) io.stdout(`  ${r.name.padEnd(w)}  ${r.rule.padEnd(13)}  ${r.description}\n`);
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
    const app = buildServer({
      ...(catalogue ? { catalogue } : {}),
      credentials: { appKey: stringOption(values, 'app-key'), appSecret, accessToken },
      fault,
      readings: readings as ReadingId[],
      testControl: values['test-control'] === true,
      logger: values['log'] === true,
    });
    let address: string;
    try {
      address = await app.listen({ port, host });
    } catch (e) {
      throw new CliError(`cannot listen on ${host}:${port}: ${(e as Error).message}`, EXIT.usage);
    }
    const creds = app.promoproof.credentials;
    // Only the public test values are printed; secrets a user passes in are never echoed.
    const shown = (value: string, fallback: string) => (value === fallback ? value : '(as given)');
    io.stdout(
      [
        `promoproof reference JD promotion service listening on ${address}/routerjson`,
        `  app_key       ${creds.appKey}`,
        `  app_secret    ${shown(creds.appSecret, DEFAULT_CREDENTIALS.appSecret)}`,
        `  access_token  ${shown(creds.accessToken, DEFAULT_CREDENTIALS.accessToken)}`,
        `  fault         ${fault ?? 'none'}`,
        `  readings      ${readings.length > 0 ? [...new Set(readings)].join(', ') : 'none (our own choices)'}`,
        `  catalogue     ${app.promoproof.service.deps.catalogue.size} SKUs${catalogueFile ? ` from ${catalogueFile}` : ' (seeded test catalogue)'}`,
        `  test control  ${values['test-control'] ? `on (${address}${TEST_CONTROL_PATH}/)` : 'off'}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) resolve();
      io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    await app.close();
    return EXIT.ok;
  },
};
