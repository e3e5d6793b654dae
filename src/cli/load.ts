import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import pc from 'picocolors';
import { LoadError } from '../core/errors.js';
import type { Target } from '../engine/target.js';
import { loadTargetConfig } from '../engine/targets/config.js';
import { type ReferenceProcess, ReferenceProcessError, startReferenceProcess } from '../engine/targets/reference-process.js';
import { targetSecrets } from '../engine/targets/secrets.js';
import { createLoadAudit, skippedAudit } from '../load/audit.js';
import { type BaselineComparison, BaselineError, compareWithBaseline, parseBaseline } from '../load/baseline.js';
import { listProfiles, loadProfile, parseDuration } from '../load/profile.js';
import { progressLine, phaseLine, renderLoadConsole } from '../load/render.js';
import { interruptedResult, LOAD_DEFAULTS, type LoadOverrides, runLoad } from '../load/run-load.js';
import { SetupError } from '../load/setup.js';
import { withSloVerdicts } from '../load/slo.js';
import { unsendableMessage, unsendableOperations } from '../load/unsendable.js';
import { WORKERS_DEFAULTS } from '../load/workers.js';
import type { LoadModel, LoadResult } from '../load/types.js';
import { isFaultId } from '../reference/faults.js';
import { redactSecrets } from '../report/index.js';
import { intOption, listOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fsReason, readUserFile, writableUserFile } from './files.js';
import { capacityOptions, checkCapacity, runCapacityCommand, searchNotStarted } from './load-capacity.js';
import { exportOptions, runExportCommand } from './load-export.js';
import { runImportCommand } from './load-import.js';
import { exitOf, gateSlos, parseReports, renderReport } from './load-reports.js';

/** Runs `promoproof load` (its name, help and options: loadCommand in commands.ts). */
export async function run(values: Values, positionals: string[], io: CliIo): Promise<ExitCode> {
  const color = io.isTty && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  const c = pc.createColors(color);
  if (values['list']) {
    for (const p of listProfiles()) io.stdout(`${p.name.padEnd(16)} ${p.title}: ${p.summary}\n`);
    return EXIT.ok;
  }
  // An Artillery run read back (src/cli/load-import.ts): its profile and target come from the export.
  if (values['import'] !== undefined) return runImportCommand(values, positionals, io);
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}' (only --import takes paths)`);
  const profileArg = stringOption(values, 'profile');
  if (profileArg === undefined) throw new CliError('--profile NAME|FILE is required (see --list)');
  const fault = stringOption(values, 'fault');
  if (fault !== undefined && !isFaultId(fault)) throw new CliError(`unknown fault '${fault}'; see 'promoproof serve --list-faults'`);
  if (fault !== undefined && values['target-config']) throw new CliError('--fault applies to the embedded reference only');
  // --find-capacity's options are read before anything runs (src/cli/load-capacity.ts).
  const capacity = values['find-capacity'] ? capacityOptions(values) : undefined;
  // --export artillery's options too (src/cli/load-export.ts): its --workers are Artillery's workers, not threads.
  const exporting = exportOptions(values);
  const model = stringOption(values, 'model');
  if (model !== undefined && model !== 'open' && model !== 'closed') throw new CliError(`--model ${model}: open or closed`);
  const duration = stringOption(values, 'duration');
  let durationMs: number | undefined;
  if (duration !== undefined) {
    durationMs = parseDuration(duration);
    if (durationMs === undefined || durationMs <= 0) throw new CliError(`--duration ${duration}: a duration like 30s, 2m or 500ms`);
  }
  const overrides: LoadOverrides = {
    ...(model !== undefined ? { model: model as LoadModel } : {}),
    ...(values['rate'] !== undefined ? { ratePerS: intOption(values, 'rate', 0, { min: 1, max: 1_000_000 }) } : {}),
    ...(values['connections'] !== undefined ? { connections: intOption(values, 'connections', 0, { min: 1, max: 10_000 }) } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(values['requests'] !== undefined ? { requests: intOption(values, 'requests', 0, { min: 1, max: 1_000_000_000 }) } : {}),
    ...(values['timeout-ms'] !== undefined ? { timeoutMs: intOption(values, 'timeout-ms', 0, { min: 100, max: 600_000 }) } : {}),
    ...(values['seed'] !== undefined ? { seed: intOption(values, 'seed', 0, { min: 0, max: 0xffffffff }) } : {}),
    ...(values['workers'] !== undefined && exporting === undefined
      ? { workers: intOption(values, 'workers', 0, { min: 1, max: WORKERS_DEFAULTS.max }) }
      : {}),
  };
  const reports = parseReports(values);
  for (const [format, path] of reports) writableUserFile(`${format} report`, path, io.cwd);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));

  let profile: ReturnType<typeof loadProfile>;
  let configTarget: Target | undefined;
  try {
    profile = loadProfile(profileArg, io.cwd);
    const config = stringOption(values, 'target-config');
    if (config !== undefined) {
      const read = readUserFile('target config', config, io.cwd);
      configTarget = loadTargetConfig(read.abs, io.env, read.text);
    }
  } catch (e) {
    if (e instanceof LoadError) {
      io.stderr(`${e.message}\n${e.problems.length} problem(s); nothing was run.\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (configTarget) assertLoadable(configTarget, listOption(values, 'allow-host'));
  // Refused before anything is sent (no setup on the target): a mix that is not the profile's whole is not the profile's run.
  const unsendable = configTarget === undefined ? [] : unsendableOperations(profile.doc, configTarget);
  if (unsendable.length > 0) throw new CliError(unsendableMessage(profile.doc.profile, unsendable), EXIT.usage, 'PP_UNSENDABLE');
  const baseline = readBaseline(stringOption(values, 'baseline'), profile.doc.profile, io.cwd);
  const slos = gateSlos(profile.doc, listOption(values, 'slo'));
  if (capacity) checkCapacity(profile.doc, capacity);
  if (exporting && configTarget)
    return runExportCommand({
      io,
      profile,
      target: configTarget,
      targetConfig: stringOption(values, 'target-config') ?? '',
      overrides,
      ...exporting,
    });
  // The open model's pacing is one scheduler's: threads are the closed model's (a profile's own `workers` requires model: closed).
  if ((overrides.workers ?? 1) > 1 && (overrides.model ?? profile.doc.run?.model ?? LOAD_DEFAULTS.model) === 'open')
    throw new CliError('--workers applies to the closed model only (--model closed); the open model runs in one thread');

  const writeReports = (result: LoadResult, compared?: BaselineComparison) => {
    for (const [format, path] of reports) {
      const file = abs(path);
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, renderReport(format, result, compared));
      } catch (e) {
        throw new CliError(`cannot write ${format} report file '${path}': ${fsReason(e, 'folder')}`, EXIT.usage, 'PP_PATH');
      }
    }
  };
  let reference: ReferenceProcess | undefined;
  try {
    if (!configTarget) {
      io.stderr(c.dim('starting the embedded reference in its own process…\n'));
      try {
        reference = await startReferenceProcess({ ...(fault ? { fault } : {}), signal: io.stopSignal });
      } catch (e) {
        if (e instanceof ReferenceProcessError && e.failure === 'aborted') {
          // Stopped before the first request: the promised reports say so.
          const started = new Date();
          const none: Target = { endpoints: {}, embedded: true, capabilities: [], skus: [] };
          const stopped = interruptedResult({ profile, target: none }, overrides.model ?? 'open', 0, started, 0);
          writeReports(capacity ? { ...stopped, capacity: searchNotStarted(profile.doc, capacity, slos) } : stopped);
          io.stderr('promoproof load: stopped while the embedded reference started; nothing was sent\n');
          return EXIT.ok;
        }
        if (e instanceof ReferenceProcessError) throw new CliError(`the embedded reference did not start: ${e.message}`, EXIT.unreachable);
        throw e;
      }
    }
    const target = configTarget ?? reference?.target;
    if (target === undefined) throw new Error('no target');
    const secrets = targetSecrets(target);
    const tty = io.isTty;
    if (capacity)
      return await runCapacityCommand({
        values,
        io,
        color,
        profile,
        target,
        settings: capacity,
        overrides,
        slos,
        secrets,
        writeReports,
        reportPaths: reports.map(([, p]) => p),
      });
    // The audit after the run reconciles what the run acknowledged with the target's own account (src/load/audit.ts).
    const audit = values['no-audit'] ? undefined : createLoadAudit({ profile: profile.doc, target, ...timeoutOf(overrides) });
    let result: LoadResult;
    try {
      result = await runLoad({
        profile,
        target,
        overrides,
        ...(audit ? { audit } : {}),
        signal: io.stopSignal,
        onSetup: (ms) => io.stderr(c.dim(`setup done in ${Math.round(ms)} ms\n`)),
        onProgress: tty ? (snap, totalMs) => io.stderr(`\r\u001b[2K${progressLine(snap, { color, totalMs })}`) : undefined,
        onPhase: (phase) => io.stderr(`${tty ? '\r\u001b[2K' : ''}${phaseLine(phase, { color })}\n`),
      });
    } catch (e) {
      if (e instanceof SetupError) throw new CliError(e.message, EXIT.unreachable, 'PP_UNREACHABLE');
      throw e;
    }
    result = { ...result, audit: await auditAfter(audit, io, c.dim('auditing: reconciling the acknowledged answers with the target…\n')) };
    // No secret of the target reaches a report or the terminal, whatever a target echoed into a sample.
    const safe = redactSecrets(slos.length > 0 ? withSloVerdicts(result, slos) : result, secrets);
    const compared = baseline === undefined ? undefined : compareWithBaseline(safe, baseline.result, baseline.path);
    writeReports(safe, compared);
    if (values['json']) io.stdout(`${JSON.stringify(safe, null, 2)}\n`);
    else {
      io.stdout(renderLoadConsole(safe, { color, ...(compared ? { baseline: compared } : {}) }));
      if (reports.length > 0) io.stdout(`Reports: ${reports.map(([, p]) => p).join(', ')}\n`);
    }
    return exitOf(safe);
  } finally {
    await reference?.close();
  }
}

/** The audit's verdict after the run: skipped with its reason under --no-audit or when the run was interrupted. */
async function auditAfter(audit: ReturnType<typeof createLoadAudit> | undefined, io: CliIo, notice: string) {
  if (audit === undefined) return skippedAudit('--no-audit: the run was not reconciled with the target');
  if (io.stopSignal.aborted) return skippedAudit('the run was interrupted before its audit');
  io.stderr(notice);
  return audit.finish({ signal: io.stopSignal });
}

function timeoutOf(o: LoadOverrides): { timeoutMs?: number } {
  return o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {};
}

/**
 * A run's baseline (`--baseline FILE`): read and checked before the run, so that a wrong file costs no
 * run. Not a load report, or one of another profile: a usage error.
 */
function readBaseline(path: string | undefined, profile: string, cwd: string): { path: string; result: LoadResult } | undefined {
  if (path === undefined) return undefined;
  const read = readUserFile('baseline', path, cwd);
  try {
    const result = parseBaseline(read.text, path);
    if (result.profile.name !== profile)
      throw new BaselineError(
        `--baseline ${path}: a run of profile ${result.profile.name}, not ${profile}: a baseline compares two runs of the same profile`,
      );
    return { path, result };
  } catch (e) {
    if (e instanceof BaselineError) throw new CliError(e.message);
    throw e;
  }
}

/** Load goes to loopback only, unless --allow-host names the host. */
export function assertLoadable(target: Target, allowed: readonly string[]): void {
  const urls = [...Object.values(target.endpoints).map((e) => e.url), ...(target.testControlUrl ? [target.testControlUrl] : [])];
  for (const url of urls) {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isLoopback(host) || allowed.includes(host)) continue;
    throw new CliError(
      `${url}: load goes to loopback addresses only; name the host with --allow-host ${host} if you mean to load it`,
      EXIT.usage,
      'PP_USAGE',
    );
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export { LOAD_DEFAULTS };
