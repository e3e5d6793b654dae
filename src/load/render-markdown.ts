/**
 * A load run as GitHub-flavoured Markdown for a pull-request comment: the verdict line, the rates, the
 * table per operation and class (ms), the SLOs and the audit when the run has them, the comparison with
 * a baseline when given, the generator's health, and a few samples folded away. Link-free: the target's
 * URL, every curl line and any URL or e-mail address in a text (which GitHub would make a link) sit in
 * code. Text a target sent is escaped as the conformance report's Markdown escapes it
 * (src/report/render-markdown.ts), so it cannot change the layout.
 */
import { code, codeCell, fence, inline } from '../report/render-markdown.js';
import { cutText, formatDuration, oneLine } from '../report/text.js';
import { type BaselineComparison, changeText, NOISE_TEXT } from './baseline.js';
import { countText, percentText, rateText, shareText } from './numbers.js';
import { ms } from './render.js';
import { capacityMarkdown } from './render-capacity.js';
import { type AuditInvariantResult, type LatencySummary, type LoadResult, OUTCOME_CLASSES, type OperationResult } from './types.js';
import { loadVerdict, sloReason } from './verdict.js';

/** Options of the Markdown rendering. */
export interface LoadMarkdownOptions {
  /** The comparison with a baseline run (`--baseline`), shown after the audit. */
  readonly baseline?: BaselineComparison;
}

const ICON = { pass: '✅', fail: '❌', 'slo-missed': '⚠️', invalid: '⚠️', partial: '⚠️', interrupted: '⏹️' } as const;
/** Characters of a sample's text shown. */
const SAID_CHARS = 300;
/** Baseline findings listed one by one; the rest are counted. */
const MAX_FINDINGS = 30;

/** What GitHub would make a link of in text: a URL, a `www.` address, an e-mail address. */
const LINKISH = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>|`]*|[\w.+-]+@[\w-]+\.[\w.-]+/gi;

/** Text on one line (as `inline`), with every link-like part in a code span instead. */
function text(value: string): string {
  return linkFree(value, code);
}

/** The same in a table cell: a code span's pipes escaped too. */
function textCell(value: string): string {
  return linkFree(value, codeCell);
}

function linkFree(value: string, asCode: (t: string) => string): string {
  const line = oneLine(value);
  let out = '';
  let at = 0;
  for (const m of line.matchAll(LINKISH)) {
    const start = m.index ?? 0;
    out += escapeMarkdown(line.slice(at, start)) + asCode(m[0]);
    at = start + m[0].length;
  }
  return out + escapeMarkdown(line.slice(at));
}

/** Markdown and HTML syntax shown literally (the characters `inline` escapes), spaces kept. */
function escapeMarkdown(t: string): string {
  return t.replace(/[\\`*_{}[\]<>|~&!#]/g, (ch) => `\\${ch}`);
}

/** The run as a pull-request comment (see the module comment); ends with a newline. */
export function renderLoadMarkdown(result: LoadResult, opts: LoadMarkdownOptions = {}): string {
  const v = loadVerdict(result);
  const t = result.totals;
  const out: string[] = [
    `## ${ICON[v.status]} promoproof load${result.capacity ? ' --find-capacity' : ''}: ${v.headline} — ${text(v.reason)}`,
    '',
  ];
  out.push(
    [
      `**Profile** ${code(result.profile.name)} (${text(result.profile.title)})`,
      `**Target** ${code(result.target.url)}${result.target.embedded ? ' (embedded reference)' : ''}`,
      `**Model** ${result.model === 'open' ? 'open, latency from the intended send' : 'closed, latency from the actual send (hides stalls)'}`,
      `**Run** ${formatDuration(result.durationMs)}, stopped: ${result.stoppedBy}`,
      `**Started** ${inline(result.startedAt)}`,
    ].join(' · '),
    '',
  );
  for (const n of v.notes) out.push(`> ${text(n)}`, '');
  // A capacity search's answer comes first; the rest is its held rate's run.
  if (result.capacity) out.push(...capacityMarkdown(result.capacity), '');
  const achieved = t.intended > 0 ? ` (${shareText(t.sent, t.intended)} of intended)` : '';
  out.push(
    `**Rate** intended ${rateText(t.intendedRatePerS)}/s · achieved ${rateText(t.achievedRatePerS)}/s${achieved} · sent ${countText(t.sent)} of ${countText(t.intended)} · not sent ${countText(t.notSent)}` +
      (result.soldOut ? ` · sold out: ${inline(result.soldOut.operation)} at ${formatDuration(Math.max(0, result.soldOut.atMs))}` : ''),
    '',
  );

  out.push(...operationsTable(result.totals.operations), '');
  if (result.sloVerdicts !== undefined && result.sloVerdicts.length > 0) out.push(...sloSection(result), '');
  if (result.audit !== undefined) out.push(...auditSection(result.audit), '');
  if (opts.baseline !== undefined) out.push(...baselineSection(opts.baseline), '');
  out.push(...generatorSection(result), '');

  const samples = result.samples.filter((s) => s.class !== 'success');
  if (samples.length > 0) {
    out.push('<details>', `<summary>Samples of answers that were not a success (${samples.length})</summary>`, '');
    for (const s of samples) {
      const said = cutText(s.said, SAID_CHARS);
      out.push(`- ${code(s.operation)} ${s.class}: ${text(said.text)}${said.omitted > 0 ? '…' : ''}`);
      if (s.curl !== undefined) out.push('', ...fence(s.curl, 'sh').map((line) => `  ${line}`), '');
    }
    out.push('', '</details>', '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** One row per operation and class that occurred, latencies in ms; refusal codes and non-conformant reasons below. */
function operationsTable(operations: Readonly<Record<string, OperationResult>>): string[] {
  const out = ['| Operation | Class | Count | Share | p50 | p90 | p99 | p99.9 | max |', '|---|---|---:|---:|---:|---:|---:|---:|---:|'];
  const notes: string[] = [];
  for (const [name, op] of Object.entries(operations)) {
    let first = true;
    for (const k of OUTCOME_CLASSES) {
      const c = op.classes[k];
      if (c.count === 0) continue;
      out.push(
        `| ${first ? codeCell(name) : ''} | ${k} | ${countText(c.count)} | ${shareText(c.count, op.count)} | ${latencyCells(c.latency)} |`,
      );
      first = false;
    }
    if (first) out.push(`| ${codeCell(name)} | — | 0 | | | | | | |`);
    const codes = Object.entries(op.refusalCodes).sort((a, b) => b[1].count - a[1].count);
    if (codes.length > 0)
      notes.push(
        `- ${code(name)} refusal codes: ${codes.map(([c, r]) => `${code(c)} ×${countText(r.count)}${r.unmapped ? ' **(not mapped by the binding)**' : r.expected ? '' : ' **(unexpected)**'}`).join(', ')}`,
      );
    const reasons = Object.entries(op.nonConformant).sort((a, b) => b[1] - a[1]);
    if (reasons.length > 0)
      notes.push(`- ${code(name)} non-conformant: ${reasons.map(([why, n]) => `${text(why)} ×${countText(n)}`).join(', ')}`);
  }
  return [...out, '', 'Latencies in ms over the measured phases (warm-up excluded).', ...(notes.length > 0 ? ['', ...notes] : [])];
}

function latencyCells(l: LatencySummary): string {
  if (l.count === 0) return '— | | | |';
  return [l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs].map(ms).join(' | ');
}

function sloSection(result: LoadResult): string[] {
  const verdicts = result.sloVerdicts ?? [];
  const missed = verdicts.filter((v) => !v.held).length;
  const out = [
    `### SLOs: ${missed === 0 ? `all ${verdicts.length} held` : `${missed} of ${verdicts.length} not held`}`,
    '',
    '| | SLO | Observed | From |',
    '|---|---|---|---|',
  ];
  for (const v of verdicts) {
    const status = v.held ? '✅ held' : v.observed === null ? '❌ not measured' : '❌ missed';
    out.push(`| ${status} | ${codeCell(v.slo)} | ${textCell(sloReason(v))} | ${v.source === 'command-line' ? '`--slo`' : 'profile'} |`);
  }
  return out;
}

const AUDIT_ICON = { passed: '✅', failed: '❌', partial: '⚠️', skipped: '⏭️' } as const;
const INVARIANT_ICON: Readonly<Record<AuditInvariantResult['status'], string>> = {
  held: '✅',
  violated: '❌',
  'not-checked': '⚠️',
  skipped: '⏭️',
};

function auditSection(audit: NonNullable<LoadResult['audit']>): string[] {
  const out = [`### ${AUDIT_ICON[audit.status]} Audit: ${audit.status}`, '', text(audit.reason), ''];
  if (audit.invariants.length === 0) return out;
  out.push('| | Invariant | Expected | Observed | Examples |', '|---|---|---|---|---|');
  for (const i of audit.invariants) {
    const level = i.level === 'ref' ? ` (ref${i.counts ? '' : ', does not count'})` : '';
    const examples = i.examples
      .slice(0, 3)
      .map((e) =>
        [
          e.user && `user ${e.user}`,
          e.requestId && `request ${e.requestId}`,
          e.couponCode && `coupon ${e.couponCode}`,
          e.refusalCode && `refused ${e.refusalCode}`,
          e.note,
        ]
          .filter(Boolean)
          .join(', '),
      )
      .join('; ');
    const more = i.examples.length > 3 ? ` (+${i.examples.length - 3})` : '';
    out.push(
      `| ${INVARIANT_ICON[i.status]} ${i.status}${level} | ${codeCell(i.id)} ${textCell(i.title)} | ${textCell(i.expected)} | ${textCell(i.observed)} | ${textCell(examples || (i.reason ?? ''))}${more} |`,
    );
  }
  const u = audit.unknownResolved;
  if (u.made + u.notMade + u.unresolved > 0)
    out.push(
      '',
      `Unknown outcomes resolved by lookup: ${countText(u.made)} made, ${countText(u.notMade)} not made, ${countText(u.unresolved)} unresolved.`,
    );
  return out;
}

function baselineSection(b: BaselineComparison): string[] {
  const head =
    b.regressions === 0
      ? `### ✅ Compared with the baseline: no regression beyond noise${b.improvements > 0 ? `, ${b.improvements} improved` : ''}`
      : `### ❌ Compared with the baseline: ${b.regressions} ${b.regressions === 1 ? 'regression' : 'regressions'} beyond noise${b.improvements > 0 ? `, ${b.improvements} improved` : ''}`;
  const out = [
    head,
    '',
    `Baseline started ${inline(b.baseline.startedAt)}${b.baseline.file ? ` (${code(b.baseline.file)})` : ''}; ${inline(NOISE_TEXT)}.`,
    '',
  ];
  for (const n of b.notes) out.push(`> ${text(n)}`, '');
  const shown = b.findings.filter((f) => f.change === 'regression' || f.change === 'improvement' || f.change === 'changed');
  if (shown.length > 0) {
    out.push('| | Metric | Baseline → this run |', '|---|---|---|');
    for (const f of shown.slice(0, MAX_FINDINGS)) {
      const mark = f.change === 'regression' ? '❌ regression' : f.change === 'improvement' ? '✅ improved' : 'changed';
      out.push(`| ${mark} | ${textCell(f.label)} | ${textCell(changeText(f))} |`);
    }
    if (shown.length > MAX_FINDINGS) out.push('', `${shown.length - MAX_FINDINGS} more not listed.`);
    out.push('');
  }
  const noise = b.findings.filter((f) => f.change === 'noise').length;
  const notCompared = b.findings.filter((f) => f.change === 'not-compared').length;
  out.push(
    `${countText(noise)} ${noise === 1 ? 'metric' : 'metrics'} within noise${notCompared > 0 ? `; ${countText(notCompared)} not compared (too few answers, or in one run only)` : ''}.`,
  );
  return out;
}

function generatorSection(r: LoadResult): string[] {
  const g = r.generator;
  const line = `CPU mean ${g.cpuPercent.mean.toFixed(0)} % (max ${g.cpuPercent.max.toFixed(0)} %) of one core · event-loop delay p99 ${ms(g.eventLoopDelayMs.p99)} ms${r.model === 'open' ? ` · late sends ${countText(g.lateSends)} (${percentText(g.lateShare)})` : ''}`;
  if (g.valid) return [`**Generator** ${line} — valid: the figures are the target's.`];
  return [
    `**Generator** ${line} — ⚠️ **INVALID**: the generator, not the target, limited this run.`,
    ...g.reasons.map((reason) => `- ${text(reason)}`),
  ];
}
