/**
 * `promoproof load --import artillery RUN…`: an exported profile's Artillery run read back
 * (src/load/artillery/import.ts) into promoproof's load report, then judged as a local run is: the
 * audit after the run (from the counts the export read before the first request, with every worker's
 * acknowledged answers as their metrics stream brought them back: records.ts), the SLOs, the same
 * reports and exit codes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import pc from 'picocolors';
import { loadTargetConfig } from '../engine/targets/config.js';
import { targetSecrets } from '../engine/targets/secrets.js';
import { findRuns, importedResult, type MergedMetrics, mergeRuns, readRunFile, workersOf } from '../load/artillery/import.js';
import { parseMetric } from '../load/artillery/metrics.js';
import { type StreamedAudit, streamedAudit } from '../load/artillery/records.js';
import { createLoadAudit, skippedAudit } from '../load/audit.js';
import { loadProfile } from '../load/profile.js';
import { renderLoadConsole } from '../load/render.js';
import { withSloVerdicts } from '../load/slo.js';
import type { LoadResult } from '../load/types.js';
import { redactSecrets } from '../report/index.js';
import { listOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fsReason } from './files.js';
import { exitOf, gateSlos, parseReports, renderReport } from './load-reports.js';

/** Runs the import (see the module comment). */
export async function runImportCommand(values: Values, positionals: readonly string[], io: CliIo): Promise<ExitCode> {
  const engine = stringOption(values, 'import');
  if (engine !== 'artillery') throw new CliError(`--import ${engine}: the one engine is artillery`);
  if (positionals.length === 0)
    throw new CliError('--import artillery needs the run: the export folder, or its runs/artillery-*.jsonl files');
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  let set: ReturnType<typeof findRuns>;
  try {
    set = findRuns(positionals.map(abs));
  } catch (e) {
    throw new CliError(`--import artillery: ${(e as Error).message}`);
  }
  const { setup } = set;
  const profile = loadProfile(setup.profile.file, io.cwd);
  const configFile = abs(stringOption(values, 'target-config') ?? setup.targetConfig);
  const target = loadTargetConfig(configFile, io.env);
  const reports = parseReports(values);
  const merged = mergeRuns(set.runFiles.map(readRunFile));
  const firstUrl = Object.values(target.endpoints)[0]?.url ?? '';
  // The audit's records and the samples came back in the workers' metrics stream, from Fargate as from local workers.
  const streamed = streamedAudit(merged.counters);
  const samples = streamed.samples;
  let result: LoadResult = importedResult({
    setup,
    doc: profile.doc,
    merged,
    workers: workersOf(set, streamed),
    targetUrl: firstUrl,
    samples,
  });
  result = { ...result, audit: await auditOf(values, io, set, merged, streamed, profile.doc, target) };
  const slos = gateSlos(profile.doc, listOption(values, 'slo'));
  const safe = redactSecrets(slos.length > 0 ? withSloVerdicts(result, slos) : result, targetSecrets(target));
  for (const [format, path] of reports) {
    const file = abs(path);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, renderReport(format, safe));
    } catch (e) {
      throw new CliError(`cannot write ${format} report file '${path}': ${fsReason(e, 'folder')}`, EXIT.usage, 'PP_PATH');
    }
  }
  const color = io.isTty && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  if (values['json']) io.stdout(`${JSON.stringify(safe, null, 2)}\n`);
  else {
    io.stdout(renderLoadConsole(safe, { color }));
    const h = safe.histograms;
    if (h)
      io.stdout(
        pc
          .createColors(color)
          .dim(
            `latencies: DDSketch from ${h.engine}, merged over ${set.runFiles.length} run file(s) of ${safe.processes} worker(s), each percentile within ${h.relativeAccuracy * 100} % of the true value\n`,
          ),
      );
    if (reports.length > 0) io.stdout(`Reports: ${reports.map(([, p]) => p).join(', ')}\n`);
  }
  return exitOf(safe);
}

/**
 * The audit of an imported run: the workers' acknowledged answers, as their metrics stream brought them
 * back (records.ts), reconciled from the counts the export read before the run. Records that did not all
 * come back leave the audit partial (audit-log.ts AuditData.incomplete), never passed.
 */
async function auditOf(
  values: Values,
  io: CliIo,
  set: ReturnType<typeof findRuns>,
  merged: MergedMetrics,
  streamed: StreamedAudit,
  doc: Parameters<typeof createLoadAudit>[0]['profile'],
  target: ReturnType<typeof loadTargetConfig>,
) {
  if (values['no-audit']) return skippedAudit('--no-audit: the run was not reconciled with the target');
  const { setup } = set;
  // Every worker of this export tells its records' count at its first answer: none told, yet answers came, is an older export's run.
  const answered = [...merged.counters].some(([name, n]) => n > 0 && parseMetric(name)?.kind === 'answers');
  if (streamed.streams === 0 && answered)
    return skippedAudit("the workers sent no audit records in their metrics (an export older than this promoproof's): export again");
  const audit = createLoadAudit({ profile: doc, target, before: setup.auditBefore, timeoutMs: setup.timeoutMs });
  await audit.begin({ vars: setup.vars, userBase: setup.userBase, signal: io.stopSignal });
  audit.collector.absorb(streamed.data);
  const lost = streamed.data.incomplete === undefined ? '' : ` (${streamed.data.incomplete.reason})`;
  io.stderr(
    pc.dim(
      `auditing: reconciling ${streamed.cameBack} records of ${streamed.streams} worker thread(s), from their metrics stream, with the target${lost}…\n`,
    ),
  );
  return audit.finish({ signal: io.stopSignal });
}
