/**
 * `promoproof load --profile NAME --export artillery --workers N --out DIR`: a load profile made into an
 * Artillery test that N workers run (`artillery run-fargate --count N`, or N local processes), with
 * promoproof's own request building, answer judging and figures inside (runtime.ts, plugin.ts).
 *
 * The export runs the profile's setup against the target once, here, before any worker starts (the
 * batches uploaded, the ids learnt), and writes DIR, a folder that is all a worker needs (a Fargate
 * worker gets only the test's folder, and runs `npm install` where it finds a package.json):
 * - `script.yml`: one worker's share of the phases, the pool, the mix as weighted scenarios, and
 *   `config.includeFiles` naming every file below that run-fargate must ship with it (script.ts);
 * - `setup.json`: what every worker needs (setup-file.ts), naming the profile and the target config by
 *   their copies here, relative to itself;
 * - `profile/<its file>` and `target.yaml`: copies of the profile and of the target config, byte for byte: a
 *   secret written `${env:NAME}` stays that placeholder, each worker reads it from its own environment
 *   (a resolved value is never written; a literal the user put in the config file is copied as it is);
 * - `promoproof-<version>.tgz`: promoproof itself, packed by `npm pack --ignore-scripts` (the build in
 *   dist/ as it is now, specs/ and scenarios/: what the runtime reads through PACKAGE_ROOT);
 * - `package.json`: depends on that tarball and on the plugin's folder (`file:`), so `npm install` in DIR
 *   (or on each Fargate worker) puts promoproof and the plugin into DIR/node_modules;
 * - `processor.mjs`, `artillery-plugin-promoproof/` and `lead.mjs`: small files that import
 *   `promoproof/artillery` by package name (no path of this machine): Artillery 2 on Node >= 22.18 loads
 *   them with `import()`. They run only after `npm install` in DIR, locally too (no fallback to this
 *   machine's dist/: the folder is the same wherever it runs);
 * - `README.txt`: the exact commands, local and on Fargate.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { CHECK_DEFAULTS } from '../../core/defaults.js';
import { PACKAGE_MANIFEST, PACKAGE_ROOT } from '../../core/package-root.js';
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
  /** The promoproof package packed into the export (default: this one, PACKAGE_ROOT); its dist/ must be built. */
  readonly packageRoot?: string;
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
  /** What the user should know of the folder: a build older than the sources packed, credentials written as literals copied. */
  readonly notes: readonly string[];
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
  const packageRoot = input.packageRoot ?? PACKAGE_ROOT;
  const entry = join(packageRoot, 'dist', 'load', 'artillery', 'entry.js');
  if (!existsSync(entry))
    throw new ExportError(`${entry} is missing: the Artillery processor runs promoproof's build; run \`npm run build\` first`);
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
  const profileFile = isAbsolute(file) ? file : resolve(input.cwd ?? process.cwd(), file);
  // Forward slashes: setup.json and the script name it the same on every worker.
  const profileCopy = `${PROFILE_DIR}/${basename(profileFile)}`;
  const setup: ArtillerySetup = {
    format: SETUP_FORMAT,
    exportedAt: new Date().toISOString(),
    profile: { name: doc.profile, file: profileCopy },
    targetConfig: TARGET_COPY,
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
    includeFiles: [...SHIPPED, profileCopy, TARGET_COPY],
  };
  mkdirSync(join(input.outDir, 'artillery-plugin-promoproof'), { recursive: true });
  mkdirSync(join(input.outDir, PROFILE_DIR), { recursive: true });
  copyInto(profileFile, join(input.outDir, profileCopy));
  copyInto(input.targetConfig, join(input.outDir, TARGET_COPY));
  const notes = [...(await staleBuildNote(packageRoot)), ...literalCredentialsNote(input.targetConfig)];
  const tarball = packPromoproof(packageRoot, input.outDir);
  scriptInput.includeFiles.push(tarball);
  const written: [string, string][] = [
    ['script.yml', renderArtilleryScript(scriptInput)],
    ['setup.json', `${JSON.stringify(setup, null, 2)}\n`],
    ['package.json', exportPackageJson(doc.profile, tarball)],
    ['processor.mjs', PROCESSOR_MODULE],
    [
      'artillery-plugin-promoproof/package.json',
      `${JSON.stringify({ name: 'artillery-plugin-promoproof', private: true, type: 'module', main: 'index.js' }, null, 2)}\n`,
    ],
    ['artillery-plugin-promoproof/index.js', PLUGIN_MODULE],
    ['lead.mjs', LEAD_MODULE],
  ];
  const counts = plannedArrivals(phases, input.workers);
  written.push([
    'README.txt',
    readme({
      dir: input.outDir,
      profile: doc.profile,
      workers: input.workers,
      perWorker: counts.perWorker,
      total: counts.total,
      tarball,
      envNames: envNamesOf(input.targetConfig),
      spikes: phases.filter((p) => p.kind === 'spike').map((p) => ({ name: p.name, arrivals: p.arrivals })),
    }),
  ]);
  for (const [name, text] of written) writeFileSync(join(input.outDir, name), text);
  return {
    files: [...written.map(([name]) => name), profileCopy, TARGET_COPY, tarball].map((name) => join(input.outDir, name)),
    setup,
    perWorker: counts.perWorker,
    total: counts.total,
    planned: planned.reduce((s, p) => s + p.intended, 0),
    poolPerWorker: pool,
    notes,
    peakRatePerWorker: Math.max(
      0,
      ...phases.map((p) =>
        'arrivalRate' in p.artillery ? Math.max(p.artillery.arrivalRate, 'rampTo' in p.artillery ? p.artillery.rampTo : 0) : 0,
      ),
    ),
  };
}

/** The copy of the target config in the export's folder (setup.json names it relative to itself). */
const TARGET_COPY = 'target.yaml';
/** The folder of the profile's copy: a profile is named as its file, so the copy keeps the file's name, apart from the export's own files. */
const PROFILE_DIR = 'profile';

/** The files a Fargate worker needs besides the script, the processor and package.json (which run-fargate ships by itself). */
const SHIPPED = ['setup.json', 'artillery-plugin-promoproof/package.json', 'artillery-plugin-promoproof/index.js'];

/** Copies a file into the export (a file already there, the same path, is left alone). */
function copyInto(from: string, to: string): void {
  if (resolve(from) !== resolve(to)) copyFileSync(from, to);
}

/**
 * Packs promoproof into `outDir` (`npm pack --ignore-scripts`: the build as it is, no rebuild; the
 * package's `files` carry dist/, specs/ and scenarios/) and answers the tarball's name.
 */
function packPromoproof(packageRoot: string, outDir: string): string {
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', outDir], {
    cwd: packageRoot,
    encoding: 'utf8',
    // npm prints notices on stderr; only its JSON on stdout is read.
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
  });
  const name = packed.status === 0 ? (JSON.parse(packed.stdout) as { filename?: string }[])[0]?.filename : undefined;
  if (name === undefined)
    throw new ExportError(`npm pack of promoproof (${packageRoot}) failed: ${packed.error?.message ?? packed.stderr.trim().slice(-500)}`);
  return name;
}

/** A note when the build packed is older than the sources beside it (a checkout being edited: bin/entry.js decides the same for the CLI). */
export async function staleBuildNote(packageRoot: string): Promise<string[]> {
  const entry = join(packageRoot, 'bin', 'entry.js');
  // An installed package has no sources: its build is what it is.
  if (!existsSync(entry) || !existsSync(join(packageRoot, 'src'))) return [];
  const { distIsFresh } = (await import(pathToFileURL(entry).href)) as { distIsFresh(root: string): boolean };
  return distIsFresh(packageRoot)
    ? []
    : [
        `${join(packageRoot, 'dist')} is older than the sources: the export packs the build as it is (npm run build first to ship the sources' code)`,
      ];
}

/**
 * A note naming the target config's credentials written as literal values (not `${env:NAME}`): the copy
 * in the export carries them to every worker, and `run-fargate` uploads them with the test's files.
 */
export function literalCredentialsNote(targetConfig: string): string[] {
  const doc = parse(readFileSync(targetConfig, 'utf8')) as {
    credentials?: Record<string, Record<string, unknown>>;
    apis?: Record<string, { credentials?: Record<string, unknown> }>;
  } | null;
  const literal: string[] = [];
  const look = (at: string, creds: Record<string, unknown> | undefined) => {
    for (const [field, v] of Object.entries(creds ?? {}))
      if (typeof v === 'string' && v !== '' && !v.includes('${env:')) literal.push(`${at}.${field}`);
  };
  for (const [protocol, creds] of Object.entries(doc?.credentials ?? {})) look(`credentials.${protocol}`, creds);
  for (const [api, e] of Object.entries(doc?.apis ?? {})) look(`apis.${api}.credentials`, e.credentials);
  return literal.length === 0
    ? []
    : [
        `target.yaml in the export is the config as written, and these credentials are literal values there, shipped to every worker: ${literal.join(', ')} (write a secret as \${env:NAME})`,
      ];
}

/** The names a target config reads from the environment (`${env:NAME}`, as config.ts substitutes them), in order of first use: the secrets a worker needs. */
export function envNamesOf(targetConfig: string): string[] {
  const names = [...readFileSync(targetConfig, 'utf8').matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names)];
}

/** The export's package.json: promoproof from the tarball beside it, and the plugin's folder (what `npm install` there installs). */
function exportPackageJson(profile: string, tarball: string): string {
  const pkg = {
    name: `promoproof-artillery-${profile.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 214),
    version: PACKAGE_MANIFEST.version ?? '0.0.0',
    private: true,
    description: `promoproof load --profile ${profile} --export artillery: npm install here, then the commands of README.txt`,
    type: 'module',
    dependencies: {
      promoproof: `file:${tarball}`,
      'artillery-plugin-promoproof': 'file:artillery-plugin-promoproof',
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The processor: promoproof's runtime over this folder's setup.json; its functions are the script's hooks. */
const PROCESSOR_MODULE = `// promoproof's Artillery processor (written by promoproof load --export artillery): promoproof's own
// request building, answer classifier and audit log, from the promoproof this folder's npm install put in node_modules.
import { fileURLToPath } from 'node:url';
import { createArtilleryProcessor, flushProcessors } from 'promoproof/artillery';

const processor = createArtilleryProcessor(fileURLToPath(new URL('./setup.json', import.meta.url)));
export const promoproofArrive = processor.promoproofArrive;
export const promoproofRequest = processor.promoproofRequest;
export const promoproofAnswer = processor.promoproofAnswer;
export const promoproofError = processor.promoproofError;
// This worker's file (runs/audit-*.json: its HDR histograms), when the thread or process ends (the plugin writes it earlier when Artillery unloads plugins).
process.on('exit', flushProcessors);
`;

/** The plugin: the lead process writes the merged metrics to runs/; a worker thread hands over its phases and flushes. */
const PLUGIN_MODULE = `// promoproof's Artillery plugin (written by promoproof load --export artillery); loaded through ARTILLERY_PLUGIN_PATH
// locally, and from node_modules (package.json installs it) on a Fargate worker.
import { fileURLToPath } from 'node:url';
import { createPlugin, flushProcessors, useThreadPhases } from 'promoproof/artillery';

// Artillery hands a plugin with LEGACY_METRICS_FORMAT false the merged DDSketch objects of each period.
export const LEGACY_METRICS_FORMAT = false;
export const Plugin = createPlugin(fileURLToPath(new URL('../runs/', import.meta.url)), { usePhases: useThreadPhases, flush: flushProcessors });
`;

/** The lead-side hook: preloaded (`node --import`) into the process that launches Artillery, it writes the merged periods where no plugin is constructed (run-fargate). */
const LEAD_MODULE = `// promoproof's lead-side hook (written by promoproof load --export artillery): node --import ./lead.mjs <artillery> run-fargate …
// writes the merged periods Artillery emits on its global events to runs/ (run-fargate constructs no plugin here).
import { fileURLToPath } from 'node:url';
import { startLeadWriter } from 'promoproof/artillery';

startLeadWriter(fileURLToPath(new URL('./runs/', import.meta.url)));
`;

/** The README of an export: what it is and the exact commands. */
function readme(r: {
  dir: string;
  profile: string;
  workers: number;
  perWorker: number;
  total: number;
  tarball: string;
  envNames: readonly string[];
  spikes: readonly { name: string; arrivals: number }[];
}): string {
  // Artillery needs Node >= 22.18: npx brings it from the npm registry whatever Node runs promoproof.
  const bin = join(PACKAGE_ROOT, 'scaleout', 'node_modules', '.bin', 'artillery');
  const artillery = `npx --yes --package=node@22 -- ${bin}`;
  // run-fargate constructs no plugin in this process: the lead hook writes the run file instead.
  const fargate = `npx --yes --package=node@22 -- node --import ./lead.mjs ${bin}`;
  const env = 'ARTILLERY_DISABLE_TELEMETRY=true ARTILLERY_PLUGIN_PATH="$PWD"';
  const region = 'eu-west-1';
  const secretFlags = r.envNames.map((n) => ` --secret ${n}`).join('');
  const local = Array.from(
    { length: r.workers },
    (_, k) => `PROMOPROOF_WORKER=${k} ${env} ${artillery} run script.yml > runs/worker-${k}.log 2>&1 &`,
  );
  return `promoproof load --profile ${r.profile} --export artillery --workers ${r.workers}
=====================================================================

Artillery ${ARTILLERY_VERSION} (install once: npx --package=node@22 -- npm run scaleout:install, in promoproof's folder; Node >= 22.18).
The setup already ran against the target (setup.json holds what it made). Each worker sends
${r.perWorker.toLocaleString('en-US')} requests; ${r.workers} workers send ${r.total.toLocaleString('en-US')}. The target config's secrets come from each
worker's environment, as for promoproof itself (target.yaml is a copy of the config, its
\${env:NAME} placeholders as written).

This folder is self-contained: package.json installs promoproof from ${r.tarball} (packed from
promoproof's build when the export ran) and the plugin from artillery-plugin-promoproof/; processor.mjs and
the plugin import promoproof by package name. Install once here before any run, local or Fargate
(run-fargate ships the files script.yml's includeFiles names, and each Fargate worker runs npm install):

  cd ${r.dir}
  npm install --no-audit --no-fund

Local: ${r.workers} processes standing in for ${r.workers} workers, each one worker's share:

  cd ${r.dir}
  mkdir -p runs
  ${local.join('\n  ')}
  wait

On AWS Fargate (every worker runs the whole script: --count multiplies the arrival rate by ${r.workers}):

  cd ${r.dir}
  ${env} ${fargate} run-fargate script.yml --count ${r.workers} --region ${region}${secretFlags}
${fargateSecrets(r.envNames, region)}${spikeRelease(r.spikes)}
The lead process's plugin writes the merged figures of every period to runs/artillery-*.jsonl, the
records the audit needs among them (they travel in Artillery's metrics stream, from Fargate workers as
from local ones): the import needs that folder alone. Each local worker also writes runs/audit-*.json
(its own HDR histograms, to compare with the merged sketches); the import does not need them.
`;
}

/**
 * How Fargate workers get the target config's secrets: Artillery 2's `run-fargate --secret NAME` makes
 * ECS put the SSM Parameter Store parameter `/artilleryio/NAME` of the run's region into each worker's
 * environment as NAME (lib/platform/aws-ecs/legacy/run-cluster.ts: the task definition's `secrets`,
 * `valueFrom` that parameter's ARN), where target.yaml's `${env:NAME}` reads it. `--dotenv` would pass
 * values as plain task overrides (visible in the ECS console and CloudTrail): not for secrets.
 */
function fargateSecrets(names: readonly string[], region: string): string {
  if (names.length === 0) return '';
  const puts = names.map((n) => `  aws ssm put-parameter --region ${region} --type SecureString --name /artilleryio/${n} --value "$${n}"`);
  return `
The target config's secrets on Fargate: target.yaml reads ${names.map((n) => `\${env:${n}}`).join(', ')} from each worker's
environment. Store each once, from a shell that has it, as an SSM SecureString parameter under /artilleryio/
in the region of the run (the secret lives there, encrypted; never in this folder, the script or the
task's plain environment):

${puts.join('\n')}

and name it on the run-fargate line with --secret (as above): ECS puts its value into every worker's
environment as that name. (--dotenv would hand values to the workers as plain task overrides, visible
in the ECS console: not for secrets.)
`;
}

/** What the README says of a spike's release: Artillery's tightest (schedule.ts spikeDuration), and where the real window is reported. */
function spikeRelease(spikes: readonly { name: string; arrivals: number }[]): string {
  if (spikes.length === 0) return '';
  const each = spikes.map((s) => `${s.name}: ${s.arrivals} requests per worker`).join('; ');
  return `
A spike (${each}) is released as tightly as Artillery allows: a 1 µs arrival tick, so each worker
fires one arrival per turn of its event loop, and its share goes out as fast as the worker can build,
sign and send them (the local engine sends a spike at one instant). The real window is each worker's
CPU per request × its share; the imported report states it (the slowest worker's first to last send).
Latency counts from the spike's start either way.
`;
}
