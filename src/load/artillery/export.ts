/**
 * `promoproof load --profile NAME --export artillery --workers N --out DIR`: a load profile made into an
 * Artillery test that N workers run (`artillery run-fargate --count N`, or N local processes), with
 * promoproof's own request building, answer judging and figures inside (runtime.ts, plugin.ts).
 *
 * The export runs the profile's setup against the target once, here, before any worker starts (the
 * batches uploaded, the ids learnt), and writes DIR:
 * - `script.yml`: one worker's share of the phases, the pool, the mix as weighted scenarios (script.ts);
 * - `setup.json`: what every worker needs (setup-file.ts);
 * - `processor.mjs` and `artillery-plugin-promoproof/`: two small files that import promoproof's built
 *   modules (dist/) by absolute URL — Artillery 2 on Node ≥ 22.18 loads both with `import()`;
 * - `README.txt`: the exact commands, local and on Fargate.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECK_DEFAULTS } from '../../core/defaults.js';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import type { Target } from '../../engine/target.js';
import { createLoadAudit } from '../audit.js';
import { compileMix } from '../mix.js';
import type { LoadedProfile } from '../profile.js';
import { LOAD_DEFAULTS, type LoadOverrides, planPhases } from '../run-load.js';
import { runProfileSetup } from '../setup.js';
import { unsendableMessage, unsendableOperations } from '../unsendable.js';
import { plannedArrivals, workerPhases } from './schedule.js';
import { poolPerWorker, renderArtilleryScript } from './script.js';
import { type ArtillerySetup, SETUP_FORMAT } from './setup-file.js';

/** The Artillery version the export is written for (scaleout/package.json pins it). */
export const ARTILLERY_VERSION = '2.0.34';

/** What an export needs. */
export interface ArtilleryExportInput {
  readonly profile: LoadedProfile;
  readonly target: Target;
  /** The target config the target came from, absolute: every worker loads it again with its own environment. */
  readonly targetConfig: string;
  readonly workers: number;
  /** The folder written, absolute (made when missing). */
  readonly outDir: string;
  readonly overrides?: LoadOverrides;
  readonly signal?: AbortSignal;
  /** Where promoproof's built modules are (default: this package's dist/); a test may point elsewhere. */
  readonly distDir?: string;
  /** The folder a relative profile path is read against (default: the process's). */
  readonly cwd?: string;
}

/** What an export wrote and planned. */
export interface ArtilleryExport {
  readonly files: readonly string[];
  readonly setup: ArtillerySetup;
  /** Requests one worker sends, and all of them. */
  readonly perWorker: number;
  readonly total: number;
  /** The requests the profile plans, before the division (a share that does not divide evenly rounds). */
  readonly planned: number;
  readonly poolPerWorker: number;
  /** The highest arrival rate one worker is asked for, per second, over its paced phases (a spike's spread is not pacing). */
  readonly peakRatePerWorker: number;
}

/** About what one Artillery worker core sends per second with promoproof's processor (README: ~5 ms of CPU a request on a two-core machine). */
export const WORKER_RATE_HINT_PER_S = 200;

/** Thrown when promoproof's build is missing: the processor cannot load TypeScript sources. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** Runs the setup and writes the export (see the module comment). Throws SetupError when the setup fails. */
export async function exportArtillery(input: ArtilleryExportInput): Promise<ArtilleryExport> {
  const { doc, file } = input.profile;
  const o = input.overrides ?? {};
  const distDir = input.distDir ?? join(PACKAGE_ROOT, 'dist');
  const runtime = join(distDir, 'load', 'artillery', 'runtime.js');
  if (!existsSync(runtime))
    throw new ExportError(`${runtime} is missing: the Artillery processor runs promoproof's build; run \`npm run build\` first`);
  const unsendable = unsendableOperations(doc, input.target);
  if (unsendable.length > 0) throw new ExportError(unsendableMessage(doc.profile, unsendable));
  const planned = planPhases(doc, o);
  // Refused before the setup touches the target: a rate too small to share.
  const phases = workerPhases(planned, input.workers);
  const timeoutMs = o.timeoutMs ?? doc.run?.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  const connections = o.connections ?? doc.run?.connections ?? LOAD_DEFAULTS.connections;
  const maxBodyBytes = CHECK_DEFAULTS.maxBodyBytes;

  const started = performance.now();
  const vars = await runProfileSetup(doc, file, input.target, {
    timeoutMs,
    maxBodyBytes,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const setupMs = Math.round(performance.now() - started);
  // Compiled once here: the mix must reach the target, and its user base is the one every worker shares.
  const mix = compileMix({ profile: doc, target: input.target, vars, maxBodyBytes });
  // The audit's counts before the storm are read now, before any worker starts: the import reconciles from them.
  const audit = createLoadAudit({ profile: doc, target: input.target, timeoutMs, maxBodyBytes });
  await audit.begin({ vars, userBase: mix.userBase, signal: input.signal });
  const pool = poolPerWorker({ connections, workers: input.workers, phases });
  const setup: ArtillerySetup = {
    format: SETUP_FORMAT,
    exportedAt: new Date().toISOString(),
    profile: { name: doc.profile, file: isAbsolute(file) ? file : resolve(input.cwd ?? process.cwd(), file) },
    targetConfig: input.targetConfig,
    workers: input.workers,
    runTag: randomBytes(3).toString('hex').slice(0, 5),
    vars,
    userBase: mix.userBase,
    timeoutMs,
    maxBodyBytes,
    phases: planned,
    operations: mix.operations.map((op) => op.name),
    poolPerWorker: pool,
    setupMs,
    auditBefore: audit.statisticsBefore(),
  };
  const first = mix.operations[0];
  const scriptInput = {
    profile: doc.profile,
    workers: input.workers,
    phases,
    operations: mix.operations.map((op) => ({ name: op.name, weight: op.weight })),
    origin: first?.origin ?? 'http://127.0.0.1',
    connections,
    timeoutMs,
    processor: './processor.mjs',
  };
  mkdirSync(join(input.outDir, 'artillery-plugin-promoproof'), { recursive: true });
  const written: [string, string][] = [
    ['script.yml', renderArtilleryScript(scriptInput)],
    ['setup.json', `${JSON.stringify(setup, null, 2)}\n`],
    ['processor.mjs', processorModule(distDir)],
    [
      'artillery-plugin-promoproof/package.json',
      `${JSON.stringify({ name: 'artillery-plugin-promoproof', private: true, type: 'module', main: 'index.js' }, null, 2)}\n`,
    ],
    ['artillery-plugin-promoproof/index.js', pluginModule(distDir)],
    ['lead.mjs', leadModule(distDir)],
  ];
  const counts = plannedArrivals(phases, input.workers);
  written.push([
    'README.txt',
    readme({ dir: input.outDir, profile: doc.profile, workers: input.workers, perWorker: counts.perWorker, total: counts.total }),
  ]);
  for (const [name, text] of written) writeFileSync(join(input.outDir, name), text);
  return {
    files: written.map(([name]) => join(input.outDir, name)),
    setup,
    perWorker: counts.perWorker,
    total: counts.total,
    planned: planned.reduce((s, p) => s + p.intended, 0),
    poolPerWorker: pool,
    peakRatePerWorker: Math.max(
      0,
      ...phases.map((p) =>
        'arrivalRate' in p.artillery ? Math.max(p.artillery.arrivalRate, 'rampTo' in p.artillery ? p.artillery.rampTo : 0) : 0,
      ),
    ),
  };
}

/** The processor: promoproof's runtime over this folder's setup.json; its functions are the script's hooks. */
function processorModule(distDir: string): string {
  const url = pathToFileURL(join(distDir, 'load', 'artillery', 'runtime.js')).href;
  return `// promoproof's Artillery processor (written by promoproof load --export artillery): promoproof's own
// request building, answer classifier and audit log, from its build (${relative(PACKAGE_ROOT, distDir) || '.'}).
import { fileURLToPath } from 'node:url';
import { createArtilleryProcessor, flushProcessors } from ${JSON.stringify(url)};

const processor = createArtilleryProcessor(fileURLToPath(new URL('./setup.json', import.meta.url)));
export const promoproofArrive = processor.promoproofArrive;
export const promoproofRequest = processor.promoproofRequest;
export const promoproofAnswer = processor.promoproofAnswer;
export const promoproofError = processor.promoproofError;
// The audit's data of this worker, when the thread or process ends (the plugin flushes it earlier when Artillery unloads plugins).
process.on('exit', flushProcessors);
`;
}

/** The plugin: the lead process writes the merged metrics to runs/; a worker thread hands over its phases and flushes. */
function pluginModule(distDir: string): string {
  const plugin = pathToFileURL(join(distDir, 'load', 'artillery', 'plugin.js')).href;
  const runtime = pathToFileURL(join(distDir, 'load', 'artillery', 'runtime.js')).href;
  return `// promoproof's Artillery plugin (written by promoproof load --export artillery); loaded through ARTILLERY_PLUGIN_PATH.
import { fileURLToPath } from 'node:url';
import { createPlugin } from ${JSON.stringify(plugin)};
import { flushProcessors, useThreadPhases } from ${JSON.stringify(runtime)};

// Artillery hands a plugin with LEGACY_METRICS_FORMAT false the merged DDSketch objects of each period.
export const LEGACY_METRICS_FORMAT = false;
export const Plugin = createPlugin(fileURLToPath(new URL('../runs/', import.meta.url)), { usePhases: useThreadPhases, flush: flushProcessors });
`;
}

/** The lead-side hook: preloaded (`node --import`) into the process that launches Artillery, it writes the merged periods where no plugin is constructed (run-fargate). */
function leadModule(distDir: string): string {
  const lead = pathToFileURL(join(distDir, 'load', 'artillery', 'lead.js')).href;
  return `// promoproof's lead-side hook (written by promoproof load --export artillery): node --import ./lead.mjs <artillery> run-fargate …
// writes the merged periods Artillery emits on its global events to runs/ (run-fargate constructs no plugin here).
import { fileURLToPath } from 'node:url';
import { startLeadWriter } from ${JSON.stringify(lead)};

startLeadWriter(fileURLToPath(new URL('./runs/', import.meta.url)));
`;
}

/** The README of an export: what it is and the exact commands. */
function readme(r: { dir: string; profile: string; workers: number; perWorker: number; total: number }): string {
  // Artillery needs Node >= 22.18: npx brings it from the npm registry whatever Node runs promoproof.
  const bin = join(PACKAGE_ROOT, 'scaleout', 'node_modules', '.bin', 'artillery');
  const artillery = `npx --yes --package=node@22 -- ${bin}`;
  // run-fargate constructs no plugin in this process: the lead hook writes the run file instead.
  const fargate = `npx --yes --package=node@22 -- node --import ./lead.mjs ${bin}`;
  const env = 'ARTILLERY_DISABLE_TELEMETRY=true ARTILLERY_PLUGIN_PATH="$PWD"';
  const local = Array.from(
    { length: r.workers },
    (_, k) => `PROMOPROOF_WORKER=${k} ${env} ${artillery} run script.yml > runs/worker-${k}.log 2>&1 &`,
  );
  return `promoproof load --profile ${r.profile} --export artillery --workers ${r.workers}
=====================================================================

Artillery ${ARTILLERY_VERSION} (install once: npx --package=node@22 -- npm run scaleout:install, in promoproof's folder; Node >= 22.18).
The setup already ran against the target (setup.json holds what it made). Each worker sends
${r.perWorker.toLocaleString('en-US')} requests; ${r.workers} workers send ${r.total.toLocaleString('en-US')}. The target config's secrets come from each
worker's environment, as for promoproof itself.

Local: ${r.workers} processes standing in for ${r.workers} workers, each one worker's share:

  cd ${r.dir}
  mkdir -p runs
  ${local.join('\n  ')}
  wait

On AWS Fargate (every worker runs the whole script: --count multiplies the arrival rate by ${r.workers}):

  cd ${r.dir}
  ${env} ${fargate} run-fargate script.yml --count ${r.workers} --region eu-west-1

Not yet on Fargate: processor.mjs and the plugin import promoproof's build by its absolute path on this
machine, which a Fargate worker does not have (a bundle with promoproof as a dependency is the next
step), and the workers' audit files (runs/audit-*.json) do not come back from Fargate.

The lead process's plugin writes the merged figures of every period to runs/artillery-*.jsonl; each
local worker writes what the audit needs to runs/audit-*.json.
`;
}
