import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import pc from 'picocolors';
import { CHECK_DEFAULTS, defaultSuites, planChecks, runConformance, TargetUnreachableError } from '../engine/conformance.js';
import { abortedReport, PreflightError } from '../engine/preflight.js';
import type { RunEvent } from '../engine/run.js';
import { selfTest } from '../engine/self-test.js';
import type { Target } from '../engine/target.js';
import { loadTargetConfig, referenceSkus, targetFromUrl } from '../engine/targets/config.js';
import { loadWaivers } from '../engine/waivers.js';
import { DEFAULT_CREDENTIALS } from '../protocols/jos/credentials.js';
import { targetSecrets } from '../engine/targets/secrets.js';
import { isFaultId } from '../reference/faults.js';
import { REPORTERS, isReportFormat, redactSecrets, type ReportFormat } from '../report/index.js';
import type { RunReport, Waiver } from '../report/types.js';
import { LoadError } from '../core/errors.js';
import { serveCheck } from '../scenario/sku-roles.js';
import type { PlannedCheck } from '../scenario/types.js';
import { intOption, listOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fsReason, readUserFile, userFolder, writableUserFile } from './files.js';

/** Reports written when no --report is given: every machine format, under reports/. */
export const DEFAULT_REPORTS: readonly [ReportFormat, string][] = [
  ['json', 'reports/promoproof.json'],
  ['junit', 'reports/promoproof.junit.xml'],
  ['markdown', 'reports/promoproof.md'],
  ['html', 'reports/promoproof.html'],
];

/** Runs `promoproof check` (its name, help and options: checkCommand in commands.ts). */
export async function run(values: Values, _positionals: string[], io: CliIo): Promise<ExitCode> {
  const color = io.isTty && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const fault = stringOption(values, 'fault');
  if (fault !== undefined && !isFaultId(fault)) throw new CliError(`unknown fault '${fault}'; see 'promoproof serve --list-faults'`);
  if (fault !== undefined && (values['target'] || values['target-config']))
    throw new CliError('--fault applies to the embedded reference only');
  if (values['target'] && values['target-config']) throw new CliError('give --target or --target-config, not both');
  const reports = parseReports(values);
  // Every file the user named is checked before any work: a missing one is a usage error naming it.
  const waiversFile = stringOption(values, 'waivers');
  const waiversRead = waiversFile !== undefined ? readUserFile('waivers', waiversFile, io.cwd) : undefined;
  const scenariosDir =
    stringOption(values, 'scenarios') !== undefined ? userFolder('scenarios', stringOption(values, 'scenarios')!, io.cwd) : undefined;
  if (!values['list'] && !values['check-fixtures'] && !values['self-test'])
    for (const [format, path] of reports) writableUserFile(`${format} report`, path, io.cwd);
  const concurrency = intOption(values, 'concurrency', CHECK_DEFAULTS.concurrency, { min: 1, max: 256 });
  const timeoutMs = intOption(values, 'timeout-ms', CHECK_DEFAULTS.timeoutMs, { min: 100, max: 600_000 });
  const maxFailuresShown = intOption(values, 'max-failures-shown', CHECK_DEFAULTS.maxFailuresShown, { min: 0, max: 1_000_000 });

  return withLoadErrors(io, async () => {
    // --check-fixtures and --list send nothing: a target config's secrets need not be set.
    const target = resolveTarget(values, io, values['check-fixtures'] === true || values['list'] === true);
    const waivers: Waiver[] = waiversRead ? loadWaivers(waiversRead.abs, waiversRead.text) : [];
    // Without --suite: the suites of the APIs the target serves (the embedded reference serves all).
    const suites =
      listOption(values, 'suite').length > 0
        ? listOption(values, 'suite')
        : defaultSuites().filter((s) => target === undefined || target.endpoints[s] !== undefined);
    const checks = planChecks({
      suites,
      rules: listOption(values, 'rules'),
      tags: listOption(values, 'tags'),
      generated: values['no-generated'] !== true,
      ...(scenariosDir !== undefined ? { scenariosDir } : {}),
      cwd: io.cwd,
    });
    if (values['list']) {
      const skus = target?.skus ?? referenceSkus();
      let unserved = 0;
      for (const c of checks) {
        const served = serveCheck(c, skus);
        if (!served.ok) unserved++;
        io.stdout(
          `${c.id}  [${c.level}] ${c.rules.join(',')}  ${c.title}${served.ok ? '' : `  [fixtures cannot serve it: ${served.add}]`}\n`,
        );
      }
      io.stdout(`${checks.length} checks${unserved > 0 ? `; the fixtures cannot serve ${unserved} (--check-fixtures says why)` : ''}\n`);
      return EXIT.ok;
    }
    if (checks.length === 0) throw new CliError('no check matches the selection (--suite / --rules / --tags)');
    if (values['check-fixtures']) return checkFixtures(checks, target, values, io, color);
    if (values['self-test']) return runSelfTest(checks, concurrency, io, color, values['verbose'] === true);

    const progress = progressPrinter(io, color);
    let report: RunReport;
    const startedAt = new Date();
    try {
      report = await runConformance({
        checks,
        suites,
        ...(target ? { target } : {}),
        ...(fault ? { fault } : {}),
        concurrency,
        timeoutMs,
        waivers,
        strictRef: values['strict-ref'] === true ? true : undefined,
        signal: io.stopSignal,
        onEvent: progress,
        preflight: values['no-preflight'] !== true,
      });
    } catch (e) {
      if (e instanceof TargetUnreachableError || e instanceof PreflightError) {
        // The run did not happen: every requested report says so (and why), so none of the previous
        // run's files is left looking current, and a JUnit consumer shows one error with the reason.
        const aborted = abortedReport({
          target: e instanceof PreflightError ? e.target : { url: e.url, embedded: false },
          suites,
          startedAt,
          durationMs: Date.now() - startedAt.getTime(),
          kind: e instanceof PreflightError ? (e.preflight.kind ?? 'unreachable') : 'unreachable',
          message: e.message,
          ...(e instanceof PreflightError ? { preflight: e.preflight } : {}),
        });
        const safeAborted = redactSecrets(aborted, targetSecrets(target));
        writeAbortedReports(reports, safeAborted, abs);
        if (values['json']) io.stdout(REPORTERS.json.render(safeAborted));
        throw new CliError(
          safeAborted.aborted?.message ?? e.message,
          EXIT.unreachable,
          e instanceof PreflightError && e.preflight.kind !== 'unreachable' ? 'PP_PREFLIGHT' : 'PP_UNREACHABLE',
        );
      }
      throw e;
    } finally {
      progress({ type: 'start', total: -1 });
    }
    // The preflight's warnings (a clock some seconds off, a method the router does not know), one line each.
    for (const w of report.preflight?.warnings ?? []) io.stderr(`promoproof check: preflight warning: ${w}\n`);
    // Last guard: no secret of the target reaches a report, whatever a scenario or target echoed. The
    // app secret never does; the token neither, unless it is the documented (public) test token, which
    // the runnable curl lines of a run with the test credentials hold.
    const safe = redactSecrets(report, targetSecrets(target));
    for (const [format, path] of reports) {
      const file = abs(path);
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, REPORTERS[format].render(safe, { color: false, verbose: values['verbose'] === true }));
      } catch (e) {
        throw new CliError(`cannot write ${format} report file '${path}': ${fsReason(e, 'folder')}`, EXIT.usage, 'PP_PATH');
      }
    }
    if (values['json']) io.stdout(REPORTERS.json.render(safe));
    else {
      // The terminal gets the first failures in full; the rest are in the reports (markdown cuts them too).
      const fullReports = reports.filter(([format]) => format !== 'markdown').map(([, p]) => p);
      io.stdout(REPORTERS.console.render(safe, { color, verbose: values['verbose'] === true, maxFailuresShown, fullReports }));
      if (reports.length > 0) io.stdout(`Reports: ${reports.map(([, p]) => p).join(', ')}\n`);
    }
    return safe.verdict === 'pass' ? EXIT.ok : safe.verdict === 'none' ? EXIT.nothingRan : EXIT.checkFailed;
  });
}

/** Writes the report of a run that did not happen in every requested format (exit 3 follows). */
function writeAbortedReports(reports: readonly [ReportFormat, string][], report: RunReport, abs: (p: string) => string): void {
  for (const [format, path] of reports) {
    const file = abs(path);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, REPORTERS[format].render(report, { color: false }));
    } catch (e) {
      throw new CliError(`cannot write ${format} report file '${path}': ${fsReason(e, 'folder')}`, EXIT.usage, 'PP_PATH');
    }
  }
}

function parseReports(values: Values): [ReportFormat, string][] {
  const given = listOptionRaw(values, 'report');
  if (given.length === 0) return [...DEFAULT_REPORTS];
  return given.map((spec) => {
    const eq = spec.indexOf('=');
    const format = eq < 0 ? spec : spec.slice(0, eq);
    if (!isReportFormat(format))
      throw new CliError(`--report ${spec}: unknown format '${format}' (known: ${Object.keys(REPORTERS).join(', ')})`);
    const path = eq < 0 ? join('reports', `promoproof.${REPORTERS[format].extension}`) : spec.slice(eq + 1);
    if (path === '') throw new CliError(`--report ${spec}: empty path`);
    return [format, path];
  });
}

/** Like listOption, without splitting on commas (paths may hold commas). */
function listOptionRaw(values: Values, name: string): string[] {
  const v = values[name];
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

function resolveTarget(values: Values, io: CliIo, noSecrets = false): Target | undefined {
  const config = stringOption(values, 'target-config');
  // Without requests to send (--check-fixtures), unset ${env:…} credentials stand in as placeholders.
  const env = noSecrets ? new Proxy(io.env, { get: (e, k) => (typeof k === 'string' ? e[k] || 'unset' : undefined) }) : io.env;
  if (config) {
    const { abs, text } = readUserFile('target config', config, io.cwd);
    return loadTargetConfig(abs, env, text);
  }
  const url = stringOption(values, 'target');
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--target ${url}: not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`--target ${url}: only http and https`);
  const caps = listOption(values, 'capabilities');
  for (const c of caps) if (c !== 'test-control') throw new CliError(`--capabilities: unknown capability '${c}' (known: test-control)`);
  const base = targetFromUrl(url, {
    appKey: io.env['PROMOPROOF_APP_KEY'] || DEFAULT_CREDENTIALS.appKey,
    appSecret: io.env['PROMOPROOF_APP_SECRET'] || DEFAULT_CREDENTIALS.appSecret,
    accessToken: io.env['PROMOPROOF_ACCESS_TOKEN'] || DEFAULT_CREDENTIALS.accessToken,
  });
  return caps.includes('test-control')
    ? { ...base, capabilities: ['test-control'], testControlUrl: `${parsed.origin}/__promoproof` }
    : base;
}

/**
 * --check-fixtures: resolves every planned check's SKUs (positions and roles) against the target's
 * fixtures without sending a request; prints the checks they cannot serve grouped by reason, with
 * what to add. Exit 0 when every check can be served, 1 otherwise.
 */
function checkFixtures(checks: readonly PlannedCheck[], target: Target | undefined, values: Values, io: CliIo, color: boolean): ExitCode {
  const c = pc.createColors(color);
  const skus = target?.skus ?? referenceSkus();
  const source = values['target-config']
    ? `the fixtures of ${stringOption(values, 'target-config')}`
    : target
      ? "the reference's catalogue (assumed with --target)"
      : "the reference's catalogue";
  const unserved = checks.flatMap((check) => {
    const served = serveCheck(check, skus);
    return served.ok ? [] : [{ check, reason: served.reason, add: served.add }];
  });
  if (values['json']) {
    const out = {
      fixtures: { skus: skus.length, source },
      checks: checks.length,
      served: checks.length - unserved.length,
      unserved: unserved.map((u) => ({
        id: u.check.id,
        level: u.check.level,
        rules: u.check.rules,
        source: u.check.source,
        reason: u.reason,
        add: u.add,
      })),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return unserved.length === 0 ? EXIT.ok : EXIT.checkFailed;
  }
  io.stdout(`Fixtures: ${skus.length} SKUs (${source}); ${checks.length} checks planned, no request sent.\n`);
  if (unserved.length === 0) {
    io.stdout(c.green(`The fixtures serve every check.\n`));
    return EXIT.ok;
  }
  const groups = new Map<string, { add: string; checks: PlannedCheck[] }>();
  for (const u of unserved) {
    const g = groups.get(u.reason) ?? { add: u.add, checks: [] };
    g.checks.push(u.check);
    groups.set(u.reason, g);
  }
  const must = unserved.filter((u) => u.check.level === 'must').length;
  io.stdout(c.red(`The fixtures cannot serve ${unserved.length} check(s) (${must} must); they would be skipped:\n`));
  for (const [reason, g] of groups) {
    io.stdout(`\n  ${reason}\n    ${c.bold(`→ ${g.add}`)}\n`);
    for (const k of g.checks) io.stdout(`    ${k.id} [${k.level}] ${c.dim(`${k.source.file}:${k.source.line}`)}\n`);
  }
  const adds = [...new Set(unserved.map((u) => u.add))];
  io.stdout(`\nTo serve them, add to fixtures.skus of the target config:\n${adds.map((a) => `  - ${a.replace(/^add /, '')}\n`).join('')}`);
  return EXIT.checkFailed;
}

async function withLoadErrors(io: CliIo, body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof LoadError) {
      io.stderr(`${e.message}\n${e.problems.length} problem(s); nothing was run.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

/** Progress on stderr: one rewritten line on a terminal, nothing otherwise (the summary follows anyway). */
function progressPrinter(io: CliIo, color: boolean): (e: RunEvent) => void {
  const c = pc.createColors(color);
  let failed = 0;
  let last = 0;
  return (e) => {
    if (!io.isTty) return;
    if (e.type === 'start') {
      if (e.total < 0) io.stderr('\r\u001b[2K');
      return;
    }
    if (e.result.status === 'failed' || e.result.status === 'errored') failed++;
    const now = Date.now();
    if (now - last < 80 && e.done < e.total) return;
    last = now;
    io.stderr(`\r\u001b[2K${c.dim('checking')} ${e.done}/${e.total}${failed > 0 ? c.red(` ${failed} failed`) : ''}`);
  };
}

async function runSelfTest(
  checks: readonly PlannedCheck[],
  concurrency: number,
  io: CliIo,
  color: boolean,
  verbose: boolean,
): Promise<ExitCode> {
  const c = pc.createColors(color);
  io.stdout(
    `Self-test: ${checks.length} checks against the clean reference, then each fault and each spec mutation against the checks covering its rules.\n`,
  );
  const result = await selfTest(checks, {
    concurrency,
    signal: io.stopSignal,
    onVerdict: (v, done, total) => {
      // Named faults are listed one by one; mutations only when missed (or with --verbose).
      if (v.fault.startsWith('spec:') && v.caughtBy.length > 0 && !verbose) return;
      const mark = v.caughtBy.length > 0 ? c.green('caught') : c.red('MISSED');
      const how =
        v.caughtBy.length > 0
          ? `by ${v.caughtBy.length} of ${v.checks} check(s), e.g. ${v.caughtBy[0]}`
          : `${v.checks} check(s) cover ${v.rules.join(', ')}`;
      const setup =
        v.setupFailures.length > 0 ? c.dim(`; ${v.setupFailures.length} failed only at a setup step, e.g. ${v.setupFailures[0]}`) : '';
      io.stdout(`  [${String(done).padStart(3)}/${total}] ${mark}  ${v.fault} (${v.rules.join(', ')})  ${how}${setup}\n`);
    },
  });
  if (result.clean.notPassed.length > 0) {
    io.stdout(c.red(`\nThe clean reference did not pass ${result.clean.notPassed.length} check(s):\n`));
    for (const r of result.clean.notPassed) io.stdout(`  ${r.status} ${r.id}: ${r.message}\n`);
  }
  const line = (label: string, s: { caught: number; total: number; missed: readonly { fault: string }[] }) =>
    `${label}: ${s.caught}/${s.total} caught${s.missed.length > 0 ? `; missed: ${s.missed.map((m) => m.fault).join(', ')}` : ''}\n`;
  io.stdout(`\n${line('Faults', result.faultScore)}${line('Spec mutations', result.mutationScore)}`);
  io.stdout(
    `Checks not proven (no fault or mutation of their rules made them fail at a step that asserts): ${result.unproven.length} of ${checks.length}${result.unproven.length > 0 && verbose ? `: ${result.unproven.join(', ')}` : ''}\n`,
  );
  return result.faultScore.missed.length === 0 && result.clean.notPassed.length === 0 ? EXIT.ok : EXIT.checkFailed;
}
