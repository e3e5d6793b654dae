/**
 * A load run for people: the final console rendering (a header, a table per measured phase and the
 * totals, refusal codes and non-conformant reasons, the sold-out time, the generator's health, samples),
 * the live progress line for a terminal, and one line per phase without one. Pure functions returning
 * strings; colour only through picocolors' createColors(color), so `color: false` gives plain text.
 * Latencies print in ms with 2–3 decimals: loopback answers take a fraction of a millisecond, and a
 * `0 ms` would say nothing. Text a target sent (samples) is made safe for a terminal first.
 */
import pc from 'picocolors';
import { cutText, formatDuration, oneLine, sanitizeText } from '../report/text.js';
import { mergeLatencySummaries } from './latency-merge.js';
import type { LoadSnapshot } from './record.js';
import { unexpectedRefusalsOf, unmappedNotice } from './refusals.js';
import { auditLines } from './render-audit.js';
import type { BaselineComparison } from './baseline.js';
import { baselineLines } from './render-baseline.js';
import { INVALID_RUN_CAVEAT } from './slo.js';
import {
  type LatencySummary,
  type LoadResult,
  OUTCOME_CLASSES,
  type OperationResult,
  type OutcomeClass,
  type PhaseResult,
  type SloVerdict,
} from './types.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Options of every rendering here. */
export interface RenderOptions {
  /** ANSI colours; `false` gives plain text without a single escape sequence. */
  readonly color: boolean;
}

/** Options of the whole run's rendering. */
export interface ConsoleOptions extends RenderOptions {
  /** The comparison with a baseline run (`--baseline`), shown after the audit. */
  readonly baseline?: BaselineComparison;
}

/** Options of the live progress line. */
export interface ProgressOptions extends RenderOptions {
  /** The run's planned length, ms (shown as `elapsed / total`). */
  readonly totalMs?: number;
  /** The phase running now (shown after the time). */
  readonly phase?: string;
}

/** How much of a sample's text the console shows, characters. */
const SAID_SHOWN = 300;

/** The whole run for a terminal (or a text report with `color: false`); ends with a newline. */
export function renderLoadConsole(result: LoadResult, opts: ConsoleOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [...header(result, c), ''];
  for (const p of result.phases.filter((ph) => !ph.measured)) out.push(c.dim(`${phaseLine(p, opts)}`));
  if (result.phases.some((ph) => !ph.measured)) out.push('');

  const measured = result.phases.filter((p) => p.measured);
  out.push(c.bold(`Totals over the measured phases (${measured.map((p) => p.name).join(', ') || 'none'})`));
  out.push(...operationsTable(result.totals.operations, c), '');
  const unmapped = unmappedNotice(result.totals.operations);
  if (unmapped !== undefined) out.push(c.yellow(`notice: ${sanitizeText(unmapped)}`), '');
  if (result.sloVerdicts !== undefined && result.sloVerdicts.length > 0) out.push(...sloLines(result, result.sloVerdicts, c), '');
  if (result.audit !== undefined) out.push(...auditLines(result.audit, c), '');
  if (opts.baseline !== undefined) out.push(...baselineLines(opts.baseline, c), '');
  if (measured.length > 1)
    for (const p of measured) {
      out.push(
        c.bold(`Phase ${p.name}`) +
          c.dim(` (${p.phase}: ${count(p.sent)} sent of ${count(p.intended)} intended in ${formatDuration(p.elapsedMs)}${rateText(p)})`),
      );
      out.push(...operationsTable(p.operations, c), '');
    }

  if (result.soldOut) out.push(...soldOutLines(result.soldOut, c), '');
  out.push(...generatorLines(result, c), '');
  const samples = result.samples.filter((s) => s.class !== 'success');
  if (samples.length > 0) {
    out.push(c.bold('Samples of answers that were not a success'));
    for (const s of samples) {
      const said = cutText(oneLine(s.said), SAID_SHOWN);
      out.push(`  ${s.operation} ${classLabel(s.class, c)}: ${said.text}${said.omitted > 0 ? '…' : ''}`);
      if (s.curl !== undefined) out.push(c.dim(`    ${sanitizeText(s.curl).replace(/\n/g, '\n    ')}`));
    }
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** The live line on a terminal (no newline: the caller rewrites it): elapsed / total, rate, p99, errors by class. */
export function progressLine(snap: LoadSnapshot, opts: ProgressOptions): string {
  const c = pc.createColors(opts.color);
  const time = `${seconds(snap.elapsedMs)}${opts.totalMs !== undefined ? ` / ${seconds(opts.totalMs)}` : ''}`;
  const answered = OUTCOME_CLASSES.reduce((s, k) => s + snap.answers[k], 0);
  const parts = [
    opts.phase !== undefined ? `${time} ${c.dim(sanitizeText(opts.phase))}` : time,
    `${rate(snap.interval.ratePerS)}/s`,
    `p99 ${snap.interval.p99Ms === undefined ? '—' : `${ms(snap.interval.p99Ms)} ms`}`,
    `${count(answered)} answers`,
  ];
  if (snap.notSent > 0) parts.push(c.yellow(`${count(snap.notSent)} not sent`));
  return `${parts.join(' · ')} · ${errorsText(snap.errors, c)}`;
}

/** One line for a phase that ended (a terminal without a progress line, or the header of a warm-up). */
export function phaseLine(phase: PhaseResult, opts: RenderOptions = { color: false }): string {
  const c = pc.createColors(opts.color);
  const ops = Object.values(phase.operations);
  const byClass = (k: OutcomeClass) => ops.reduce((s, o) => s + o.classes[k].count, 0);
  const latency = mergeLatencySummaries(ops.flatMap((o) => OUTCOME_CLASSES.map((k) => o.classes[k].latency)));
  const classes = OUTCOME_CLASSES.filter((k) => byClass(k) > 0).map((k) => `${k} ${count(byClass(k))}`);
  const unexpected = ops.reduce((s, o) => s + unexpectedRefusals(o), 0);
  return [
    `phase ${phase.name} (${phase.phase}${phase.measured ? '' : ', not measured'}): ${count(phase.sent)} sent of ${count(phase.intended)} intended in ${formatDuration(phase.elapsedMs)}${rateText(phase)}`,
    ...(phase.notSent > 0 ? [c.yellow(`${count(phase.notSent)} not sent`)] : []),
    classes.join(', ') || 'no answers',
    `p99 ${latency.count > 0 ? `${ms(latency.p99Ms)} ms` : '—'}`,
    errorsText(
      {
        'non-conformant': byClass('non-conformant'),
        transport: byClass('transport'),
        unknown: byClass('unknown'),
        unexpectedRefusals: unexpected,
      },
      c,
    ),
  ].join(' · ');
}

function header(r: LoadResult, c: Colors): string[] {
  const t = r.totals;
  const achieved = t.intended > 0 ? ` (${share(t.sent, t.intended)} of intended)` : '';
  return [
    c.bold(`promoproof load · ${sanitizeText(r.profile.name)}`) + c.dim(` — ${oneLine(r.profile.title)} (${sanitizeText(r.profile.file)})`),
    r.model === 'open'
      ? `model    open: latency from each request's intended send instant, as a user arriving on schedule waits`
      : `model    ${c.yellow('closed: closed-loop figures, latency from the actual send')} — a closed loop waits for each answer before sending the next, so it hides the target's stalls (--model open measures them)`,
    `target   ${sanitizeText(r.target.url)}${r.target.embedded ? ' (embedded reference)' : ''} · ${count(r.connections)} connections${r.processes > 1 ? ` · merged from ${r.processes} processes` : ''}`,
    `run      ${formatDuration(r.durationMs)} from ${r.startedAt} · stopped: ${r.stoppedBy} · setup ${formatDuration(r.setup.durationMs)} (${r.setup.steps} steps)`,
    `rate     intended ${rate(t.intendedRatePerS)}/s · achieved ${rate(t.achievedRatePerS)}/s${achieved} · sent ${count(t.sent)} of ${count(t.intended)} · not sent ${count(t.notSent)}`,
  ];
}

/** Column headers and widths of the operations table (the first two left-aligned). */
const COLUMNS = ['operation', 'class', 'count', 'share', 'p50', 'p90', 'p99', 'p99.9', 'max'] as const;

/** Per operation, one row per class that occurred, then its refusal codes and non-conformant reasons. */
function operationsTable(operations: Readonly<Record<string, OperationResult>>, c: Colors): string[] {
  type Row = { cells: string[]; klass?: OutcomeClass; notes?: string[] };
  const rows: Row[] = [];
  for (const [name, op] of Object.entries(operations)) {
    let firstRow = true;
    for (const k of OUTCOME_CLASSES) {
      const cls = op.classes[k];
      if (cls.count === 0) continue;
      rows.push({ cells: [firstRow ? name : '', k, count(cls.count), share(cls.count, op.count), ...latencyCells(cls.latency)], klass: k });
      firstRow = false;
    }
    if (firstRow) rows.push({ cells: [name, '—', '0', '', '', '', '', '', ''] });
    const notes = [...refusalNotes(op, c), ...nonConformantNotes(op, c)];
    const last = rows[rows.length - 1];
    if (last && notes.length > 0) last.notes = notes;
  }
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: readonly string[], paint?: (col: number, text: string) => string) =>
    `  ${cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        const padded = i < 2 ? cell.padEnd(w) : cell.padStart(w);
        return paint ? paint(i, padded) : padded;
      })
      .join('  ')
      .trimEnd()}`;
  const out = [c.dim(`${line(COLUMNS)}  (ms)`)];
  for (const r of rows) {
    out.push(line(r.cells, (i, text) => (i === 1 && r.klass ? paintClass(r.klass, text, c) : text)));
    for (const n of r.notes ?? []) out.push(`      ${n}`);
  }
  return out;
}

/** p50, p90, p99, p99.9, max; blank for a class with no latency (transport errors). */
function latencyCells(l: LatencySummary): string[] {
  if (l.count === 0) return ['—', '', '', '', ''];
  return [l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs].map(ms);
}

function refusalNotes(op: OperationResult, c: Colors): string[] {
  const codes = Object.entries(op.refusalCodes).sort((a, b) => b[1].count - a[1].count);
  if (codes.length === 0) return [];
  const text = codes
    .map(
      ([code, r]) =>
        `${sanitizeText(code)} ×${count(r.count)} ${r.unmapped ? c.yellow('(not mapped by the binding)') : r.expected ? c.dim('(expected)') : c.red('(UNEXPECTED)')}`,
    )
    .join(', ');
  return [`refusal codes: ${text}`];
}

function nonConformantNotes(op: OperationResult, c: Colors): string[] {
  const reasons = Object.entries(op.nonConformant).sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return [];
  return [c.red(`non-conformant: ${reasons.map(([why, n]) => `${sanitizeText(why)} ×${count(n)}`).join(', ')}`)];
}

/** The SLO table: each SLO held, MISSED or NOT MEASURED, with what was observed; an invalid run says its verdicts measure this machine. */
function sloLines(r: LoadResult, verdicts: readonly SloVerdict[], c: Colors): string[] {
  const missed = verdicts.filter((v) => !v.held).length;
  const head = `SLOs over the measured window: ${missed === 0 ? c.green(`all ${verdicts.length} held`) : c.red(`${missed} of ${verdicts.length} not held`)}`;
  const label = (v: SloVerdict) => (v.held ? 'held' : v.observed === null ? 'NOT MEASURED' : 'MISSED');
  const w = Math.max(...verdicts.map((v) => label(v).length));
  const sw = Math.max(...verdicts.map((v) => sanitizeText(v.slo).length));
  const out = [c.bold(head) + c.dim(" (a latency is the successes' unless the SLO names a class)")];
  for (const v of verdicts) {
    const tag = label(v).padEnd(w);
    const cli = v.source === 'command-line' ? c.dim(' (--slo)') : '';
    // The reason's caveat about an invalid run is said once, below, not on every line.
    const reason = v.reason.replace(`; ${INVALID_RUN_CAVEAT}`, '');
    out.push(`  ${v.held ? c.green(tag) : c.red(tag)}  ${sanitizeText(v.slo).padEnd(sw)}  ${sanitizeText(reason)}${cli}`);
  }
  if (!r.generator.valid) out.push(c.yellow('  the run is INVALID: these verdicts measure this machine, not the target (see Generator)'));
  return out;
}

function soldOutLines(s: NonNullable<LoadResult['soldOut']>, c: Colors): string[] {
  const when =
    s.atMs >= 0
      ? `${formatDuration(s.atMs)} after the first measured instant`
      : `during warm-up, ${formatDuration(-s.atMs)} before the first measured instant`;
  const lat = (l: LatencySummary) =>
    l.count === 0 ? 'no answers' : `p50 ${ms(l.p50Ms)} · p99 ${ms(l.p99Ms)} · max ${ms(l.maxMs)} ms (${count(l.count)})`;
  return [
    c.bold(`Sold out: ${sanitizeText(s.operation)} at ${when}`),
    `  latency before: ${lat(s.before)}`,
    `  latency after:  ${lat(s.after)}`,
  ];
}

function generatorLines(r: LoadResult, c: Colors): string[] {
  const g = r.generator;
  // A closed loop has no intended instants: no send is late, and there is no lag to show.
  const sends = r.model === 'open' || g.lag.count > 0 ? ` · late sends ${count(g.lateSends)} (${percent(g.lateShare)})` : '';
  const lag = g.lag.count > 0 ? ` · send lag p99 ${ms(g.lag.p99Ms)} ms` : '';
  const lines = [
    `${c.bold('Generator')}: CPU mean ${g.cpuPercent.mean.toFixed(0)} % (max ${g.cpuPercent.max.toFixed(0)} %) of one core · event-loop delay p99 ${ms(g.eventLoopDelayMs.p99)} ms (max ${ms(g.eventLoopDelayMs.max)})${sends}${lag}`,
  ];
  if (g.valid) lines.push(c.green('  valid: the generator kept up; the figures are the target’s'));
  else {
    lines.push(c.bold(c.red('INVALID RUN: the generator, not the target, limited this run; these figures are not the target’s capacity')));
    for (const reason of g.reasons) lines.push(c.red(`  - ${sanitizeText(reason)}`));
  }
  return lines;
}

function errorsText(e: LoadSnapshot['errors'], c: Colors): string {
  const parts = [
    ['non-conformant', e['non-conformant']],
    ['transport', e.transport],
    ['unknown', e.unknown],
    ['unexpected refusals', e.unexpectedRefusals],
  ] as const;
  const some = parts.filter(([, n]) => n > 0);
  if (some.length === 0) return c.green('errors: none');
  return c.red(`errors: ${some.map(([k, n]) => `${k} ${count(n)}`).join(', ')}`);
}

function unexpectedRefusals(op: OperationResult): number {
  return unexpectedRefusalsOf(op);
}

function rateText(p: PhaseResult): string {
  if (p.intendedRatePerS > 0) return `, ${rate(p.achievedRatePerS)}/s achieved of ${rate(p.intendedRatePerS)}/s`;
  return p.elapsedMs > 0 ? `, ${rate(p.achievedRatePerS)}/s` : '';
}

function classLabel(k: OutcomeClass, c: Colors): string {
  return paintClass(k, k, c);
}

function paintClass(k: OutcomeClass, text: string, c: Colors): string {
  switch (k) {
    case 'success':
      return c.green(text);
    case 'refusal':
      return c.cyan(text);
    case 'non-conformant':
      return c.red(text);
    default:
      return c.yellow(text);
  }
}

/** A latency in ms: three decimals under 1 ms, two above; never `0`: below 1 µs it says `<0.001`. */
export function ms(value: number): string {
  if (!(value >= 0.001)) return '<0.001';
  return value < 1 ? value.toFixed(3) : value.toFixed(2);
}

function seconds(valueMs: number): string {
  return `${(Math.max(0, valueMs) / 1000).toFixed(1)} s`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function rate(perS: number): string {
  return perS < 100 ? (Math.round(perS * 10) / 10).toLocaleString('en-US') : count(perS);
}

function share(part: number, whole: number): string {
  if (whole <= 0) return '';
  return percent(part / whole);
}

function percent(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.1) return '<0.1 %';
  return `${p.toFixed(1)} %`;
}
