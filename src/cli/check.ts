import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import pc from 'picocolors';
import { CHECK_DEFAULTS, planChecks, runConformance, TargetUnreachableError } from '../engine/conformance.js';
import type { RunEvent } from '../engine/run.js';
import { selfTest } from '../engine/self-test.js';
import type { Target } from '../engine/target.js';
import { loadTargetConfig, targetFromUrl } from '../engine/target-config.js';
import { loadWaivers } from '../engine/waivers.js';
import { DEFAULT_CREDENTIALS } from '../reference/credentials.js';
import { isFaultId } from '../reference/faults.js';
import { REPORTERS, isReportFormat, redactSecrets, type ReportFormat } from '../report/index.js';
import type { RunReport, Waiver } from '../report/types.js';
import { LoadError } from '../scenario/errors.js';
import type { PlannedCheck } from '../scenario/types.js';
import { intOption, listOption, stringOption, type CliIo, type Command, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** Reports written when no --report is given: every machine format, under reports/. */
export const DEFAULT_REPORTS: readonly [ReportFormat, string][] = [
  ['json', 'reports/promoproof.json'],
  ['junit', 'reports/promoproof.junit.xml'],
  ['markdown', 'reports/promoproof.md'],
  ['html', 'reports/promoproof.html'],
];

export const checkCommand: Command = {
  name: 'check',
  summary: 'run the conformance suite against a target (the embedded reference by default)',
  help: `Usage: promoproof check [options]

Runs the conformance scenarios and the boundary cases generated from the spec against a target,
writes reports, and exits 0 when every must check passed.
Without --target or --target-config it starts the embedded reference (with test control) on a
free loopback port, runs, and stops it.

Target:
  --target URL            JOS router URL of the implementation, e.g. http://127.0.0.1:8620/routerjson
                          (credentials from PROMOPROOF_APP_KEY / PROMOPROOF_APP_SECRET /
                          PROMOPROOF_ACCESS_TOKEN, else the reference's test credentials; assumes
                          the reference's catalogue and SKU pool: use --target-config for others)
  --target-config FILE    a YAML target config (specs/schema/target-config.schema.json)
  --capabilities LIST     with --target: capabilities the target has (test-control)
                          (self-test always runs against the embedded reference)
  --fault NAME            embedded reference only: switch on one deliberate fault

Selection:
  --suite NAME            suite folder under scenarios/ (repeatable; default jd-promotion)
  --rules PATTERN         only checks covering a matching rule id, * and ? allowed (repeatable)
  --tags LIST             only checks with one of these tags (comma-separated, repeatable)
  --scenarios DIR         folder holding the suite folders (default: the bundled scenarios/)
  --no-generated          leave out the boundary cases generated from the spec
  --list                  print the planned checks and exit

Run:
  --concurrency N         checks run at once (default ${CHECK_DEFAULTS.concurrency})
  --timeout-ms N          per request (default ${CHECK_DEFAULTS.timeoutMs})
  --waivers FILE          known deviations (specs/schema/waivers.schema.json)
  --strict-ref            failed ref checks fail the run too (default only against the embedded reference)

Output:
  --report FORMAT=PATH    write a report (console, json, junit, markdown, html); repeatable.
                          Default: reports/promoproof.{json,junit.xml,md,html}
  --json                  print the JSON report on stdout instead of the console summary
  --verbose               list passed checks and show whole response bodies
  --self-test             run each fault of the reference, and each mutation of the spec, against the
                          checks covering its rules; print the scores (caught / total) and the checks
                          no fault made fail (exit 1 when a named fault is missed)
  -h, --help              show this help

Exit codes: 0 every must check passed; 1 a must check failed or a waiver expired;
2 usage or scenario error (file:line:column); 3 target unreachable.
NO_COLOR turns colours off; progress goes to stderr when it is a terminal.`,
  options: {
    target: { type: 'string' },
    'target-config': { type: 'string' },
    capabilities: { type: 'string', multiple: true },
    fault: { type: 'string' },
    suite: { type: 'string', multiple: true },
    rules: { type: 'string', multiple: true },
    tags: { type: 'string', multiple: true },
    'no-generated': { type: 'boolean' },
    scenarios: { type: 'string' },
    list: { type: 'boolean' },
    concurrency: { type: 'string' },
    'timeout-ms': { type: 'string' },
    waivers: { type: 'string' },
    'strict-ref': { type: 'boolean' },
    report: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'self-test': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const color = io.isTty && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
    const fault = stringOption(values, 'fault');
    if (fault !== undefined && !isFaultId(fault)) throw new CliError(`unknown fault '${fault}'; see 'promoproof serve --list-faults'`);
    if (fault !== undefined && (values['target'] || values['target-config'])) throw new CliError('--fault applies to the embedded reference only');
    if (values['target'] && values['target-config']) throw new CliError('give --target or --target-config, not both');
    const reports = parseReports(values);
    const concurrency = intOption(values, 'concurrency', CHECK_DEFAULTS.concurrency, { min: 1, max: 256 });
    const timeoutMs = intOption(values, 'timeout-ms', CHECK_DEFAULTS.timeoutMs, { min: 100, max: 600_000 });

    return withLoadErrors(io, async () => {
      const target = resolveTarget(values, io);
      const waivers: Waiver[] = stringOption(values, 'waivers') ? loadWaivers(abs(stringOption(values, 'waivers')!)) : [];
      const checks = planChecks({
        suites: listOption(values, 'suite'),
        rules: listOption(values, 'rules'),
        tags: listOption(values, 'tags'),
        generated: values['no-generated'] !== true,
        ...(stringOption(values, 'scenarios') ? { scenariosDir: abs(stringOption(values, 'scenarios')!) } : {}),
        cwd: io.cwd,
      });
      if (values['list']) {
        for (const c of checks) io.stdout(`${c.id}  [${c.level}] ${c.rules.join(',')}  ${c.title}\n`);
        io.stdout(`${checks.length} checks\n`);
        return EXIT.ok;
      }
      if (checks.length === 0) throw new CliError('no check matches the selection (--suite / --rules / --tags)');
      if (values['self-test']) return runSelfTest(checks, concurrency, io, color, values['verbose'] === true);

      const progress = progressPrinter(io, color);
      let report: RunReport;
      try {
        report = await runConformance({
          checks,
          ...(target ? { target } : {}),
          ...(fault ? { fault } : {}),
          concurrency,
          timeoutMs,
          waivers,
          strictRef: values['strict-ref'] === true ? true : undefined,
          signal: io.stopSignal,
          onEvent: progress,
        });
      } catch (e) {
        if (e instanceof TargetUnreachableError) throw new CliError(e.message, EXIT.unreachable);
        throw e;
      } finally {
        progress({ type: 'start', total: -1 });
      }
      // Last guard: no secret of the target reaches a report, whatever a scenario or target echoed.
      const secrets = target ? [target.jos.appSecret, target.jos.accessToken] : [DEFAULT_CREDENTIALS.appSecret, DEFAULT_CREDENTIALS.accessToken];
      const safe = redactSecrets(report, secrets);
      for (const [format, path] of reports) {
        const file = abs(path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, REPORTERS[format].render(safe, { color: false, verbose: values['verbose'] === true }));
      }
      if (values['json']) io.stdout(REPORTERS.json.render(safe));
      else {
        io.stdout(REPORTERS.console.render(safe, { color, verbose: values['verbose'] === true }));
        if (reports.length > 0) io.stdout(`Reports: ${reports.map(([, p]) => p).join(', ')}\n`);
      }
      return safe.verdict === 'pass' ? EXIT.ok : EXIT.checkFailed;
    });
  },
};

function parseReports(values: Values): [ReportFormat, string][] {
  const given = listOptionRaw(values, 'report');
  if (given.length === 0) return [...DEFAULT_REPORTS];
  return given.map((spec) => {
    const eq = spec.indexOf('=');
    const format = eq < 0 ? spec : spec.slice(0, eq);
    if (!isReportFormat(format)) throw new CliError(`--report ${spec}: unknown format '${format}' (known: ${Object.keys(REPORTERS).join(', ')})`);
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

function resolveTarget(values: Values, io: CliIo): Target | undefined {
  const config = stringOption(values, 'target-config');
  if (config) return loadTargetConfig(isAbsolute(config) ? config : resolve(io.cwd, config), io.env);
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
  return caps.includes('test-control') ? { ...base, capabilities: ['test-control'], testControlUrl: `${parsed.origin}/__promoproof` } : base;
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

async function runSelfTest(checks: readonly PlannedCheck[], concurrency: number, io: CliIo, color: boolean, verbose: boolean): Promise<ExitCode> {
  const c = pc.createColors(color);
  io.stdout(`Self-test: ${checks.length} checks against the clean reference, then each fault and each spec mutation against the checks covering its rules.\n`);
  const result = await selfTest(checks, {
    concurrency,
    signal: io.stopSignal,
    onVerdict: (v, done, total) => {
      // Named faults are listed one by one; mutations only when missed (or with --verbose).
      if (v.fault.startsWith('spec:') && v.caughtBy.length > 0 && !verbose) return;
      const mark = v.caughtBy.length > 0 ? c.green('caught') : c.red('MISSED');
      const how = v.caughtBy.length > 0 ? `by ${v.caughtBy.length} of ${v.checks} check(s), e.g. ${v.caughtBy[0]}` : `${v.checks} check(s) cover ${v.rules.join(', ')}`;
      io.stdout(`  [${String(done).padStart(3)}/${total}] ${mark}  ${v.fault} (${v.rules.join(', ')})  ${how}\n`);
    },
  });
  if (result.clean.notPassed.length > 0) {
    io.stdout(c.red(`\nThe clean reference did not pass ${result.clean.notPassed.length} check(s):\n`));
    for (const r of result.clean.notPassed) io.stdout(`  ${r.status} ${r.id}: ${r.message}\n`);
  }
  const line = (label: string, s: { caught: number; total: number; missed: readonly { fault: string }[] }) =>
    `${label}: ${s.caught}/${s.total} caught${s.missed.length > 0 ? `; missed: ${s.missed.map((m) => m.fault).join(', ')}` : ''}\n`;
  io.stdout(`\n${line('Faults', result.faultScore)}${line('Spec mutations', result.mutationScore)}`);
  io.stdout(`Checks never shown to fail: ${result.neverFailed.length} of ${checks.length}${result.neverFailed.length > 0 && verbose ? `: ${result.neverFailed.join(', ')}` : ''}\n`);
  return result.faultScore.missed.length === 0 && result.clean.notPassed.length === 0 ? EXIT.ok : EXIT.checkFailed;
}
