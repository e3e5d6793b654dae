/**
 * What a load run's reports and exit code are made of, shared by the run (src/cli/load.ts) and the
 * import of a distributed run (src/cli/load-import.ts): the report formats and their default paths,
 * each report's rendering, the SLOs gated on, and the exit code.
 */
import type { BaselineComparison } from '../load/baseline.js';
import { parseSlo } from '../load/profile.js';
import { renderLoadConsole } from '../load/render.js';
import { renderCapacityConsole } from '../load/render-capacity.js';
import { renderLoadHtml } from '../load/render-html.js';
import { renderLoadJunit } from '../load/render-junit.js';
import { renderLoadMarkdown } from '../load/render-markdown.js';
import { type GateSlo, selectSlos } from '../load/slo.js';
import type { LoadProfileDoc, LoadResult } from '../load/types.js';
import { didYouMean } from '../core/hints.js';
import type { Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

export type LoadFormat = 'json' | 'console' | 'junit' | 'html' | 'markdown';
const LOAD_FORMATS: readonly LoadFormat[] = ['json', 'console', 'junit', 'html', 'markdown'];
/** Where `--report FORMAT` without a path writes. */
const DEFAULT_PATHS: Readonly<Record<LoadFormat, string>> = {
  json: 'reports/promoproof-load.json',
  console: 'reports/promoproof-load.txt',
  junit: 'reports/promoproof-load-junit.xml',
  html: 'reports/promoproof-load.html',
  markdown: 'reports/promoproof-load.md',
};
/** Without --report: the JSON for machines, HTML and Markdown for people, JUnit for CI. */
const DEFAULT_REPORTS: readonly [LoadFormat, string][] = (['json', 'html', 'markdown', 'junit'] as const).map((f) => [f, DEFAULT_PATHS[f]]);

/**
 * The exit code of a load run, in this order: 1 when an answer of the measured window was
 * non-conformant, or the audit after the run found a violated invariant that counts; else 5 when an SLO was missed or could not be measured (sloVerdicts); else 6 when the
 * run is invalid (the generator was saturated); else 7 when the audit was partial; else 0. An invalid run whose SLOs missed exits 5: its
 * verdicts say the run is invalid.
 */
export function exitOf(result: LoadResult): ExitCode {
  const nonConformant = result.phases
    .filter((p) => p.measured)
    .some((p) => Object.values(p.operations).some((o) => o.classes['non-conformant'].count > 0));
  if (nonConformant) return EXIT.checkFailed;
  // A violated invariant fails the run whatever the latency.
  if (result.audit?.status === 'failed') return EXIT.checkFailed;
  if (result.sloVerdicts?.some((v) => !v.held)) return EXIT.sloMissed;
  if (!result.generator.valid) return EXIT.invalidRun;
  // A partial audit is never a pass; `--no-audit` (the user's choice) is skipped, not partial.
  if (result.audit?.status === 'partial') return EXIT.auditPartial;
  return EXIT.ok;
}

/**
 * The SLOs the run gates on: the profile's, with `--slo`'s added (one on the same operation, class and
 * metric as a profile SLO replaces it). A `--slo` that does not parse, or names an operation the mix
 * lacks, is a usage error.
 */
export function gateSlos(doc: LoadProfileDoc, commandLine: readonly string[]): GateSlo[] {
  const names = doc.mix.map((m) => m.name);
  const given = commandLine.map((text): GateSlo => {
    let slo: ReturnType<typeof parseSlo>;
    try {
      slo = parseSlo(text);
    } catch (e) {
      throw new CliError(`--slo ${(e as Error).message}`);
    }
    if (slo.operation !== undefined && !names.includes(slo.operation))
      throw new CliError(
        `--slo '${text}' names operation '${slo.operation}', which the mix of ${doc.profile} does not have${didYouMean(slo.operation, names)} (mix: ${names.join(', ')})`,
      );
    return { ...slo, text, source: 'command-line' };
  });
  // The profile's SLOs were checked when it loaded.
  const own = (doc.slo ?? []).map((text): GateSlo => ({ ...parseSlo(text), text, source: 'profile' }));
  return selectSlos(own, given);
}

/** One report of a load result in one format (the CLI writes it; src/cli/load-import.ts too). */
export function renderReport(format: LoadFormat, result: LoadResult, compared?: BaselineComparison): string {
  const opts = compared ? { baseline: compared } : {};
  switch (format) {
    case 'html':
      return renderLoadHtml(result, opts);
    case 'markdown':
      return renderLoadMarkdown(result, opts);
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'console':
      return `${result.capacity ? `${renderCapacityConsole(result, { color: false })}\n` : ''}${renderLoadConsole(result, { color: false })}`;
    case 'junit':
      return renderLoadJunit(result);
  }
}

/** The reports `--report` asks for (default: JSON, HTML, Markdown, JUnit under reports/). */
export function parseReports(values: Values): [LoadFormat, string][] {
  const given = values['report'];
  const list = given === undefined ? [] : (Array.isArray(given) ? given : [given]).map(String);
  if (list.length === 0) return [...DEFAULT_REPORTS];
  return list.map((spec) => {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const format = LOAD_FORMATS.find((f) => f === name);
    if (format === undefined) throw new CliError(`--report ${spec}: unknown format '${name}' (known: ${LOAD_FORMATS.join(', ')})`);
    const path = eq < 0 ? DEFAULT_PATHS[format] : spec.slice(eq + 1);
    if (path === '') throw new CliError(`--report ${spec}: empty path`);
    return [format, path];
  });
}
