import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import pc from 'picocolors';
import { CHECK_DEFAULTS, planChecks, runConformance, TargetUnreachableError } from '../engine/conformance.js';
import type { RunEvent } from '../engine/run.js';
import { selfTest } from '../engine/self-test.js';
import type { Target } from '../engine/target.js';
import { loadTargetConfig, referenceSkus, targetFromUrl } from '../engine/target-config.js';
import { loadWaivers } from '../engine/waivers.js';
import { DEFAULT_CREDENTIALS } from '../reference/credentials.js';
import { isFaultId } from '../reference/faults.js';
import { REPORTERS, isReportFormat, redactSecrets, type ReportFormat } from '../report/index.js';
import type { RunReport, Waiver } from '../report/types.js';
import { LoadError } from '../scenario/errors.js';
import { serveCheck } from '../scenario/sku-roles.js';
import type { PlannedCheck } from '../scenario/types.js';
import { intOption, listOption, stringOption, type CliIo, type Command, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fsReason, readUserFile, userFolder, writableUserFile } from './files.js';

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
  --list                  print the planned checks and exit (marking those the target's
                          fixtures cannot serve)
  --check-fixtures        send nothing: say which planned checks the target's catalogue fixtures
                          (--target-config, else the reference's catalogue) cannot serve, why,
                          and which SKUs to add (exit 0 when they serve every check, else 1;
                          --json for a machine-readable list)

Run:
  --concurrency N         checks run at once (default ${CHECK_DEFAULTS.concurrency})
  --timeout-ms N          per request (default ${CHECK_DEFAULTS.timeoutMs})
  --waivers FILE          known deviations (specs/schema/waivers.schema.json)
  --strict-ref            failed ref checks fail the run too (default only against the embedded reference)

Output:
  --report FORMAT=PATH    write a report (console, json, junit, markdown, html); repeatable.
                          Default: reports/promoproof.{json,junit.xml,md,html}
  --json                  print the JSON report on stdout instead of the console summary (with
                          --check-fixtures: the checks the fixtures cannot serve)
  --verbose               list passed checks and show whole response bodies
  --self-test             run each fault of the reference, and each mutation of the spec, against the
                          checks covering its rules; print the scores (caught / total: a check failed
                          at a step that asserts, not at a setup step) and the checks not proven, which
                          nothing made fail at such a step (exit 1 when a named fault is missed)
  -h, --help              show this help

Exit codes: 0 every must check passed; 1 a must check failed or a waiver expired;
2 usage or scenario error (file:line:column), or a file named here that cannot be read or
written; 3 target unreachable; 70 promoproof itself failed (a bug: please report it).
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
    'check-fixtures': { type: 'boolean' },
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
    // Every file the user named is checked before any work: a missing one is a usage error naming it.
    const waiversFile = stringOption(values, 'waivers');
    const waiversRead = waiversFile !== undefined ? readUserFile('waivers', waiversFile, io.cwd) : undefined;
    const scenariosDir = stringOption(values, 'scenarios') !== undefined ? userFolder('scenarios', stringOption(values, 'scenarios')!, io.cwd) : undefined;
    if (!values['list'] && !values['check-fixtures'] && !values['self-test']) for (const [format, path] of reports) writableUserFile(`${format} report`, path, io.cwd);
    const concurrency = intOption(values, 'concurrency', CHECK_DEFAULTS.concurrency, { min: 1, max: 256 });
    const timeoutMs = intOption(values, 'timeout-ms', CHECK_DEFAULTS.timeoutMs, { min: 100, max: 600_000 });

    return withLoadErrors(io, async () => {
      // --check-fixtures and --list send nothing: a target config's secrets need not be set.
      const target = resolveTarget(values, io, values['check-fixtures'] === true || values['list'] === true);
      const waivers: Waiver[] = waiversRead ? loadWaivers(waiversRead.abs, waiversRead.text) : [];
      const checks = planChecks({
        suites: listOption(values, 'suite'),
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
          io.stdout(`${c.id}  [${c.level}] ${c.rules.join(',')}  ${c.title}${served.ok ? '' : `  [fixtures cannot serve it: ${served.add}]`}\n`);
        }
        io.stdout(`${checks.length} checks${unserved > 0 ? `; the fixtures cannot serve ${unserved} (--check-fixtures says why)` : ''}\n`);
        return EXIT.ok;
      }
      if (checks.length === 0) throw new CliError('no check matches the selection (--suite / --rules / --tags)');
      if (values['check-fixtures']) return checkFixtures(checks, target, values, io, color);
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
        try {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, REPORTERS[format].render(safe, { color: false, verbose: values['verbose'] === true }));
        } catch (e) {
          throw new CliError(`cannot write ${format} report file '${path}': ${fsReason(e, 'folder')}`);
        }
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
  return caps.includes('test-control') ? { ...base, capabilities: ['test-control'], testControlUrl: `${parsed.origin}/__promoproof` } : base;
}

/**
 * --check-fixtures: resolves every planned check's SKUs (positions and roles) against the target's
 * fixtures without sending a request; prints the checks they cannot serve grouped by reason, with
 * what to add. Exit 0 when every check can be served, 1 otherwise.
 */
function checkFixtures(checks: readonly PlannedCheck[], target: Target | undefined, values: Values, io: CliIo, color: boolean): ExitCode {
  const c = pc.createColors(color);
  const skus = target?.skus ?? referenceSkus();
  const source = values['target-config'] ? `the fixtures of ${stringOption(values, 'target-config')}` : target ? "the reference's catalogue (assumed with --target)" : "the reference's catalogue";
  const unserved = checks.flatMap((check) => {
    const served = serveCheck(check, skus);
    return served.ok ? [] : [{ check, reason: served.reason, add: served.add }];
  });
  if (values['json']) {
    const out = {
      fixtures: { skus: skus.length, source },
      checks: checks.length,
      served: checks.length - unserved.length,
      unserved: unserved.map((u) => ({ id: u.check.id, level: u.check.level, rules: u.check.rules, source: u.check.source, reason: u.reason, add: u.add })),
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
      const setup = v.setupFailures.length > 0 ? c.dim(`; ${v.setupFailures.length} failed only at a setup step, e.g. ${v.setupFailures[0]}`) : '';
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
