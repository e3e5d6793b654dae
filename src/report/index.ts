import { renderConsole } from './render-console.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import type { RunReport } from './types.js';

/** Options every reporter accepts; a reporter ignores the ones that do not apply to its format. */
export interface RenderOptions {
  /** ANSI colours (console only). Default `false`. */
  readonly color?: boolean;
  /** More detail: passed checks, full response bodies, every failure (console only). Default `false`. */
  readonly verbose?: boolean;
  /** Failures shown in full, the rest counted in one line (console only). Default: all. */
  readonly maxFailuresShown?: number;
  /** Report files of the run holding every failure in full, named in that line (console only). */
  readonly fullReports?: readonly string[];
}

/** A report format: a pure function from a run report to text. */
export interface Reporter {
  render(report: RunReport, opts?: RenderOptions): string;
  /** File name extension for the rendered text, without the leading dot. */
  readonly extension: string;
  /** One line for `--help`. */
  readonly description: string;
}

/**
 * Every report format by name. To add a format: write `render-<name>.ts` with a pure render function
 * and add one entry here.
 */
export const REPORTERS = {
  console: {
    render: (report, opts = {}) =>
      renderConsole(report, {
        color: opts.color ?? false,
        verbose: opts.verbose ?? false,
        ...(opts.maxFailuresShown !== undefined ? { maxFailuresShown: opts.maxFailuresShown } : {}),
        ...(opts.fullReports !== undefined ? { fullReports: opts.fullReports } : {}),
      }),
    extension: 'txt',
    description: 'human-readable text for a terminal, failures first (colours with --color)',
  },
  json: {
    render: (report) => renderJson(report),
    extension: 'json',
    description: 'the full run report as JSON (schema: specs/schema/report.schema.json)',
  },
  junit: {
    render: (report) => renderJunit(report),
    extension: 'xml',
    description: 'JUnit XML for CI test views; waived failures are reported as skipped',
  },
  markdown: {
    render: (report) => renderMarkdown(report),
    extension: 'md',
    description: 'GitHub-flavoured Markdown for a pull-request comment',
  },
  html: {
    render: (report) => renderHtml(report),
    extension: 'html',
    description: 'one self-contained HTML page with filters (inline script, no external assets)',
  },
} as const satisfies Readonly<Record<string, Reporter>>;

/** Name of a report format: `console`, `json`, `junit`, `markdown` or `html`. */
export type ReportFormat = keyof typeof REPORTERS;

/** Report format names in registry order. */
export const REPORT_FORMATS = Object.keys(REPORTERS) as readonly ReportFormat[];

/** True when `s` names a report format. */
export function isReportFormat(s: string): s is ReportFormat {
  return Object.hasOwn(REPORTERS, s);
}

export { redactSecrets } from './redact.js';
export { countsTowardVerdict, levelLabel, verdictLine, verdictStatement, type VerdictStatement } from './verdict.js';
export { renderConsole, type ConsoleOptions } from './render-console.js';
export { renderHtml } from './render-html.js';
export { renderJson } from './render-json.js';
export { renderJunit } from './render-junit.js';
export { renderMarkdown } from './render-markdown.js';
export type * from './types.js';
