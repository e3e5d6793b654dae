import pc from 'picocolors';
import { attentionResults, groupByMessage, partitionResults } from './partition.js';
import { cutText, firstLines, formatDuration, oneLine, plural, sanitizeText } from './text.js';
import type { CheckResult, CheckStatus, Failure, RunReport } from './types.js';
import { levelLabel, verdictStatement } from './verdict.js';

/** Options of the console reporter. */
export interface ConsoleOptions {
  /** ANSI colours; `false` gives plain text without a single escape sequence. */
  readonly color: boolean;
  /** Also list passed checks and show response bodies in full; shows every failure, whatever `maxFailuresShown`. */
  readonly verbose?: boolean;
  /**
   * Failures (and waived failures) shown in full; the rest are counted in one line, by rule.
   * Default: all (a report file); the CLI caps its terminal output (`--max-failures-shown`).
   */
  readonly maxFailuresShown?: number;
  /** Report files written by this run that hold every failure in full: named in the line of the rest. */
  readonly fullReports?: readonly string[];
}

type Colors = ReturnType<typeof pc.createColors>;

/** Response body lines shown per failure unless verbose. */
const BODY_LINES = 20;
/** Response body characters shown per failure unless verbose (minified JSON is one long line). */
const BODY_CHARS = 2000;
/** Width of the field labels of a failure. */
const LABEL_WIDTH = 10;
const INDENT = '    ';

/**
 * Renders a run for a terminal: header, then failed / errored / inconclusive checks in full, then
 * waived failures, expired waivers, skipped checks (grouped by reason), passed checks when verbose,
 * and finally the counts, the rule coverage and the verdict. Untrusted text (bodies, messages) has its
 * control characters made visible, so a server cannot inject terminal escape sequences.
 */
/** How many ids of one skip reason the console lists before cutting (all with verbose). */
const SKIPPED_IDS_SHOWN = 8;

export function renderConsole(report: RunReport, opts: ConsoleOptions): string {
  const c = pc.createColors(opts.color);
  const verbose = opts.verbose ?? false;
  const parts = partitionResults(report);
  const out: string[] = [header(report, c), ''];

  const max = verbose || opts.maxFailuresShown === undefined ? Infinity : Math.max(0, opts.maxFailuresShown);
  const attention = attentionResults(parts);
  if (attention.length > 0) {
    const shown = attention.slice(0, max);
    out.push(
      c.bold(c.red(`FAILURES (${attention.length}${shown.length < attention.length ? `, the first ${shown.length} in full` : ''})`)),
      '',
    );
    for (const r of shown) out.push(...failureBlock(r, report, c, verbose), '');
    const rest = attention.slice(shown.length);
    if (rest.length > 0) out.push(restLine(rest, shown.length === 0 ? '' : 'more ', opts.fullReports ?? [], c), '');
  }

  if (parts.waived.length > 0) {
    out.push(c.bold(c.yellow(`WAIVED (${parts.waived.length})`)));
    const shown = parts.waived.slice(0, max);
    for (const r of shown) {
      out.push(
        `  ${c.yellow('~')} ${oneLine(r.id)}  ${oneLine(r.title)} ${c.dim(`(${r.status}, ${r.rules.join(', ')})`)}`,
        `${INDENT}${oneLine(r.waived.reason)} ${c.dim(`(expires ${oneLine(r.waived.expires)})`)}`,
      );
    }
    const rest = parts.waived.slice(shown.length);
    if (rest.length > 0) out.push(restLine(rest, shown.length === 0 ? 'waived ' : 'more waived ', opts.fullReports ?? [], c));
    out.push('');
  }

  if (report.expiredWaivers.length > 0) {
    out.push(c.bold(c.red(`EXPIRED WAIVERS (${report.expiredWaivers.length})`)));
    for (const w of report.expiredWaivers) {
      out.push(`  ${c.red('!')} ${oneLine(w.rule)}: ${oneLine(w.reason)} ${c.dim(`(expired ${oneLine(w.expires)})`)}`);
    }
    out.push('');
  }

  if (parts.skipped.length > 0) {
    out.push(c.bold(c.dim(`SKIPPED (${parts.skipped.length})`)));
    for (const [message, group] of groupByMessage(parts.skipped)) {
      const reason = message.trim() === '' ? '(no reason given)' : oneLine(message);
      if (group.length === 1) out.push(`  ${c.dim('-')} ${oneLine(group[0]?.id ?? '')}: ${reason}`);
      else {
        // A long group is cut unless verbose: the reason matters more than every id (the JSON report has them all).
        const shown = verbose ? group : group.slice(0, SKIPPED_IDS_SHOWN);
        const more = group.length - shown.length;
        out.push(
          `  ${c.dim('-')} ${reason} ${c.dim(`(${group.length})`)}: ${shown.map((r) => oneLine(r.id)).join(', ')}${more > 0 ? c.dim(` … and ${more} more (--verbose lists them)`) : ''}`,
        );
      }
    }
    out.push('');
  }

  if (verbose && parts.passed.length > 0) {
    out.push(c.bold(c.green(`PASSED (${parts.passed.length})`)));
    for (const r of parts.passed) {
      out.push(`  ${c.green('✓')} ${oneLine(r.id)}  ${oneLine(r.title)} ${c.dim(`(${formatDuration(r.durationMs)})`)}`);
    }
    out.push('');
  }

  out.push(...footer(report, c));
  return out.join('\n') + '\n';
}

/** The other APIs' URLs of a target serving several (` + tencent-coupon-batch http://…`). */
function otherEndpoints(report: RunReport, c: Colors): string {
  const others = Object.entries(report.target.endpoints ?? {}).filter(([, url]) => url !== report.target.url);
  return others.map(([api, url]) => ` + ${oneLine(api)} ${c.cyan(oneLine(url))}`).join('');
}

function header(report: RunReport, c: Colors): string {
  const target = [report.target.embedded ? 'embedded' : '', report.target.fault ? `fault: ${report.target.fault}` : '']
    .filter((s) => s !== '')
    .join(', ');
  const suites = report.suites.length > 0 ? report.suites.join(', ') : '(none)';
  return [
    c.bold(`${report.tool.name} ${oneLine(report.tool.version)}`),
    `target ${c.cyan(oneLine(report.target.url))}${target ? ` (${oneLine(target)})` : ''}${otherEndpoints(report, c)}`,
    `suites ${oneLine(suites)}`,
    `${formatDuration(report.durationMs)}`,
    c.dim(`started ${oneLine(report.startedAt)}`),
  ].join(c.dim(' · '));
}

const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = {
  failed: '✗ FAILED',
  errored: '! ERRORED',
  inconclusive: '? INCONCLUSIVE',
  skipped: '- SKIPPED',
  passed: '✓ PASSED',
};

function statusLabel(status: CheckStatus, c: Colors): string {
  const label = STATUS_LABEL[status];
  switch (status) {
    case 'failed':
      return c.bold(c.red(label));
    case 'errored':
      return c.bold(c.magenta(label));
    case 'inconclusive':
      return c.bold(c.yellow(label));
    case 'passed':
      return c.green(label);
    case 'skipped':
      return c.dim(label);
  }
}

/**
 * `label:` padded, then the value; continuation lines of a multi-line value are aligned under it.
 * An empty label gives a continuation of the field above.
 */
function field(label: string, value: string, c: Colors, paint: (s: string) => string = (s) => s): string[] {
  const lines = sanitizeText(value).split('\n');
  const pad = ' '.repeat(LABEL_WIDTH);
  const first = label === '' ? pad : c.dim(`${label}:`.padEnd(LABEL_WIDTH));
  return lines.map((line, i) => `${INDENT}${i === 0 ? first : pad}${paint(line)}`);
}

/** Rules named in the line of the failures not shown. */
const REST_RULES_NAMED = 8;

/**
 * One line for failures not shown in full: how many, by rule (most first), and where they are in full,
 * e.g. `… and 612 more failures (by rule: JDP-ADD-03 ×40, …) — full details in reports/promoproof.html`.
 */
function restLine(rest: readonly CheckResult[], what: string, fullReports: readonly string[], c: Colors): string {
  const byRule = new Map<string, number>();
  for (const r of rest) for (const rule of r.rules.length > 0 ? r.rules : ['(no rule)']) byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  const rules = [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const named = rules.slice(0, REST_RULES_NAMED).map(([rule, n]) => `${oneLine(rule)} ×${n}`);
  if (rules.length > REST_RULES_NAMED) named.push(`${plural(rules.length - REST_RULES_NAMED, 'more rule')}`);
  const statuses = new Map<string, number>();
  for (const r of rest) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const mixed = statuses.size > 1 ? `${[...statuses].map(([st, n]) => `${n} ${st}`).join(', ')}; ` : '';
  const where =
    fullReports.length > 0
      ? `full details in ${fullReports.map(oneLine).join(', ')} (--verbose prints them all)`
      : '--verbose prints them all';
  return `  ${c.bold(`… and ${plural(rest.length, `${what}failure`)}`)} (${mixed}by rule: ${named.join(', ')}) — ${where}`;
}

function failureBlock(r: CheckResult, report: RunReport, c: Colors, verbose: boolean): string[] {
  const out: string[] = [`  ${statusLabel(r.status, c)}  ${c.bold(oneLine(r.id))}  ${oneLine(r.title)}`];
  const rules = r.rules.length > 0 ? r.rules.join(', ') : '(none)';
  out.push(...field('rules', `${rules} — ${levelLabel(r, report)}`, c));
  if (r.source) out.push(...field('source', `${r.source.file}:${r.source.line}`, c, c.cyan));
  out.push(...field('message', r.message.trim() === '' ? '(no message)' : r.message, c));
  if (r.failure) out.push(...failureDetails(r.failure, c, verbose));
  return out;
}

function failureDetails(f: Failure, c: Colors, verbose: boolean): string[] {
  const out: string[] = [];
  out.push(...field('step', `${f.step}${f.asserting === false ? ' (setup step)' : ''}`, c));
  out.push(...field('expected', f.expected, c, c.green));
  out.push(...field('actual', f.actual, c, c.red));
  if (f.request) {
    const req = f.request;
    out.push(...field('request', `${req.httpMethod} ${req.url}`, c));
    out.push(...field('', `operation: ${req.operation}`, c));
    const params = Object.entries(req.params);
    if (params.length > 0) {
      out.push(...field('', 'params:', c));
      for (const [k, v] of params) out.push(...field('', `  ${oneLine(k)}=${oneLine(v)}`, c));
    }
  }
  if (f.response) {
    const res = f.response;
    const meta = [res.contentType ?? '', res.truncated ? 'truncated' : ''].filter((s) => s !== '').join(', ');
    out.push(...field('response', `${res.status}${meta ? ` (${meta})` : ''}`, c));
    out.push(...responseBody(res.body, c, verbose));
  }
  if (f.curl !== undefined) out.push(...field('curl', f.curl, c));
  return out;
}

function responseBody(body: string, c: Colors, verbose: boolean): string[] {
  const pad = INDENT + ' '.repeat(LABEL_WIDTH);
  const text = sanitizeText(body);
  if (text.trim() === '') return [`${pad}${c.dim('(empty body)')}`];
  if (verbose) return text.split('\n').map((line) => `${pad}${c.dim('│')} ${line}`);
  const byChars = cutText(text, BODY_CHARS);
  const byLines = firstLines(byChars.text, BODY_LINES);
  const out = byLines.text.split('\n').map((line) => `${pad}${c.dim('│')} ${line}`);
  const notes: string[] = [];
  if (byLines.omitted > 0) notes.push(plural(byLines.omitted, 'more line'));
  if (byChars.omitted > 0) notes.push(plural(byChars.omitted, 'more character'));
  if (notes.length > 0) out.push(`${pad}${c.dim(`… ${notes.join(', ')} (--verbose shows all)`)}`);
  return out;
}

function footer(report: RunReport, c: Colors): string[] {
  const s = report.summary;
  const count = (n: number, word: string, paint: (t: string) => string): string => (n > 0 ? paint(`${n} ${word}`) : `${n} ${word}`);
  const checks = [
    count(s.passed, 'passed', c.green),
    count(s.failed, 'failed', c.red),
    count(s.errored, 'errored', c.magenta),
    count(s.skipped, 'skipped', c.dim),
    count(s.inconclusive, 'inconclusive', c.yellow),
  ].join(', ');
  const waived = s.waived > 0 ? ` (${c.yellow(`${s.waived} waived`)})` : '';

  const cov = report.coverage;
  const percent = cov.total > 0 ? ` (${Math.floor((cov.covered / cov.total) * 100)}%)` : '';
  const rules = `${cov.covered}/${cov.total} rules covered${percent}`;
  const uncovered = cov.uncovered.length > 0 ? `; uncovered: ${c.yellow(cov.uncovered.map(oneLine).join(', '))}` : '';

  const out = [
    `${c.dim('checks:'.padEnd(LABEL_WIDTH))}${checks}${waived} ${c.dim(`in ${formatDuration(report.durationMs)}${parallel(report)}`)}`,
    `${c.dim('coverage:'.padEnd(LABEL_WIDTH))}${rules}${uncovered}`,
    `${c.dim('verdict:'.padEnd(LABEL_WIDTH))}${verdict(report, c)}`,
  ];
  return out;
}

/** ", 7.6 checks at once on average (concurrency 8)": what the run achieved of what it asked for. */
function parallel(report: RunReport): string {
  const p = report.parallelism;
  return p ? `, ${p.achieved.toFixed(1)} checks at once on average (concurrency ${p.concurrency})` : '';
}

function verdict(report: RunReport, c: Colors): string {
  const v = verdictStatement(report);
  const paint = report.verdict === 'pass' ? c.green : report.verdict === 'fail' ? c.red : c.yellow;
  return `${c.bold(paint(v.headline))} — ${oneLine(v.reason)}`;
}
