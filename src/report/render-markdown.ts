import { attentionResults, displayGroup, orderedResults, partitionResults, type DisplayGroup } from './partition.js';
import { cutText, formatDuration, formatSeconds, oneLine, sanitizeText } from './text.js';
import type { CheckResult, Failure, RunReport } from './types.js';
import { levelLabel, verdictStatement } from './verdict.js';

/** Characters of a response body shown per failure. */
const BODY_CHARS = 1000;
/** Characters of a message shown in the all-results table. */
const CELL_MESSAGE_CHARS = 200;
/**
 * Failures shown in full; the rest are listed by id only. Keeps the comment under GitHub's 65,536-character
 * limit for comments when a run fails badly.
 */
const MAX_DETAILED_FAILURES = 20;

const ICON: Readonly<Record<DisplayGroup, string>> = {
  passed: '✅',
  failed: '❌',
  errored: '💥',
  inconclusive: '❔',
  waived: '🟡',
  skipped: '⏭️',
};

/**
 * Renders the report as GitHub-flavoured Markdown for a pull-request comment: a title with the verdict,
 * a summary table, the failures in detail (expected / actual, request, response cut to 1000 characters,
 * curl in a code block), waivers, every result in a collapsed table, and the rule coverage. Untrusted
 * text is escaped so it cannot change the layout: pipes and line breaks in table cells, Markdown and
 * HTML syntax in text, backtick runs in code.
 */
export function renderMarkdown(report: RunReport): string {
  const parts = partitionResults(report);
  const s = report.summary;
  const out: string[] = [];

  const verdict = verdictStatement(report);
  const icon = report.verdict === 'pass' ? '✅' : report.verdict === 'fail' ? '❌' : '⚠️';
  out.push(`## ${icon} promoproof: ${verdict.headline.toLowerCase()} — ${inline(verdict.reason)}`, '');
  const target = [report.target.embedded ? 'embedded' : '', report.target.fault ? `fault: ${report.target.fault}` : '']
    .filter((t) => t !== '')
    .join(', ');
  out.push(
    [
      `**Target** ${code(report.target.url)}${target ? ` (${inline(target)})` : ''}`,
      `**Suites** ${report.suites.length > 0 ? report.suites.map(code).join(', ') : '(none)'}`,
      `**Duration** ${formatDuration(report.durationMs)}`,
      `**Started** ${inline(report.startedAt)}`,
      `**Version** ${inline(report.tool.version)}`,
    ].join(' · '),
    '',
  );

  out.push(
    '| Total | ✅ Passed | ❌ Failed | 💥 Errored | ⏭️ Skipped | ❔ Inconclusive | 🟡 Waived | Rules covered |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${[s.total, s.passed, s.failed, s.errored, s.skipped, s.inconclusive, s.waived].join(' | ')} | ${coverageRatio(report)} |`,
    '',
  );

  const attention = attentionResults(parts);
  if (attention.length > 0) {
    out.push(`### Failures (${attention.length})`, '');
    for (const r of attention.slice(0, MAX_DETAILED_FAILURES)) out.push(...failureSection(r, report));
    const rest = attention.slice(MAX_DETAILED_FAILURES);
    if (rest.length > 0) {
      out.push(`${rest.length} more not shown in detail: ${rest.map((r) => code(r.id)).join(', ')}. See the full report.`, '');
    }
  }

  if (parts.waived.length > 0) {
    out.push(`### Waived (${parts.waived.length})`, '');
    for (const r of parts.waived) {
      out.push(`- ${code(r.id)} ${inline(r.title)} (${r.status}): ${inline(r.waived.reason)}, expires ${inline(r.waived.expires)}`);
    }
    out.push('');
  }

  if (report.expiredWaivers.length > 0) {
    out.push(`### Expired waivers (${report.expiredWaivers.length})`, '');
    for (const w of report.expiredWaivers) out.push(`- ${code(w.rule)}: ${inline(w.reason)}, expired ${inline(w.expires)}`);
    out.push('');
  }

  out.push('<details>', `<summary>All results (${report.results.length})</summary>`, '');
  out.push('| Status | Check | Title | Rules | Level | Time (s) | Message |', '|---|---|---|---|---|---:|---|');
  for (const r of orderedResults(parts)) {
    const group = displayGroup(r);
    const message = cutText(oneLine(r.message), CELL_MESSAGE_CHARS);
    out.push(
      `| ${ICON[group]} ${group} | ${codeCell(r.id)} | ${cell(r.title)} | ${r.rules.map(codeCell).join(', ')} | ${r.level} | ${formatSeconds(r.durationMs)} | ${cell(message.text)}${message.omitted > 0 ? '…' : ''} |`,
    );
  }
  out.push('', '</details>', '');

  const cov = report.coverage;
  out.push('### Coverage', '', `${coverageRatio(report)} rules covered.`);
  if (cov.uncovered.length > 0) out.push(`Uncovered: ${cov.uncovered.map(code).join(', ')}`);
  out.push('');

  return out.join('\n');
}

function coverageRatio(report: RunReport): string {
  const { covered, total } = report.coverage;
  return total > 0 ? `${covered}/${total} (${Math.floor((covered / total) * 100)}%)` : `${covered}/${total}`;
}

function failureSection(r: CheckResult, report: RunReport): string[] {
  const out = [`#### ${ICON[displayGroup(r)]} ${code(r.id)} ${inline(r.title)}`, ''];
  out.push(`- **Status:** ${r.status}`);
  out.push(`- **Rules:** ${r.rules.length > 0 ? r.rules.map(code).join(', ') : '(none)'} — ${inline(levelLabel(r, report))}`);
  if (r.source) out.push(`- **Source:** ${code(`${r.source.file}:${r.source.line}`)}`);
  out.push(`- **Message:** ${r.message.trim() === '' ? '(no message)' : multiline(r.message)}`, '');
  if (r.failure) out.push(...failureDetails(r.failure));
  return out;
}

function failureDetails(f: Failure): string[] {
  const out: string[] = [
    `Step ${code(f.step)}${f.asserting === false ? ' (setup step)' : ''}`,
    '',
    '**Expected**',
    '',
    ...fence(f.expected),
    '',
    '**Actual**',
    '',
    ...fence(f.actual),
    '',
  ];
  if (f.request) {
    const req = f.request;
    const lines = [`${req.httpMethod} ${req.url}`, `operation: ${req.operation}`];
    for (const [k, v] of Object.entries(req.params)) lines.push(`  ${k}=${v}`);
    out.push('**Request**', '', ...fence(lines.join('\n')), '');
  }
  if (f.response) {
    const res = f.response;
    const body = cutText(res.body, BODY_CHARS);
    const meta = [res.contentType ?? '', res.truncated ? 'truncated' : ''].filter((t) => t !== '').join(', ');
    const note = body.omitted > 0 ? `, first ${BODY_CHARS} characters shown (${body.omitted} more cut)` : '';
    out.push(`**Response** ${res.status}${meta ? ` (${inline(meta)})` : ''}${note}`, '', ...fence(body.text), '');
  }
  if (f.curl !== undefined) {
    const note = f.curl.includes('=***')
      ? '(token and signature redacted: `promoproof sign` makes a fresh signed request)'
      : "(test credentials: runs as it is while its timestamp is within the protocol's window, and once where nonces are checked; `promoproof sign` makes a fresh JOS request)";
    out.push(`**Reproduce** ${note}`, '', ...fence(f.curl, 'sh'), '');
  }
  return out;
}

/** Escapes text so that Markdown and HTML in it show literally; line breaks become spaces. */
export function inline(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]<>|~&!#]/g, (ch) => `\\${ch}`);
}

/** Like `inline`, but line breaks are kept as `<br>`. */
export function multiline(text: string): string {
  return sanitizeText(text)
    .trim()
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]<>|~&!#]/g, (ch) => `\\${ch}`))
    .join('<br>');
}

/** A table cell: escaped text, line breaks as `<br>` (a raw line break would end the row). */
export function cell(text: string): string {
  return multiline(text);
}

/** A code span that holds any text: the delimiter is longer than any backtick run inside. */
export function code(text: string): string {
  const content = oneLine(text);
  if (content === '') return '` `';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** A code span inside a table cell: GFM splits cells on `|` even inside code, so pipes are escaped. */
export function codeCell(text: string): string {
  return code(text).replace(/\|/g, '\\|');
}

/** A fenced code block that holds any text: the fence is longer than any backtick run inside. */
export function fence(text: string, info = 'text'): string[] {
  const content = sanitizeText(text);
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return [`${ticks}${info}`, content, ticks];
}
